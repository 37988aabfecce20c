/**
 * Reasons the local runtime does not start that are the user's to fix, each said in one line: `attend
 * local` prints the message alone (no stack) and exits with code 1. Thrown before anything is left
 * running (the port is checked, and the data folder locked, before DynamoDB Local starts).
 */
export class StartRefusedError extends Error {
  override readonly name: string = 'StartRefusedError';
}

/** The port the runtime was asked to listen on is taken: most often by an Attend already running. */
export class PortInUseError extends StartRefusedError {
  override readonly name = 'PortInUseError';
  constructor(readonly port: number) {
    super(
      `Port ${port} is in use (is Attend already running? Stop it, or start on another port: ` +
        `npm start -- --port ${port === 4000 ? 4001 : 4000})`,
    );
  }
}
