/**
 * Usage errors, shared by every `attend` subcommand: a flag or argument the command does not take. The
 * CLI (bin/attend.ts) prints the message and the subcommand's usage, with no stack, and exits with 2.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** `usage`: the subcommand's own usage text, printed after the message (the CLI's whole usage if none). */
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** node:util's parseArgs, its refusals (an unknown flag, a missing value, a stray argument) as UsageErrors. */
export function parseArgsOrUsage<T extends ParseArgsConfig>(
  config: T,
  usage?: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))
      throw new UsageError((err as Error).message, usage);
    throw err;
  }
}
