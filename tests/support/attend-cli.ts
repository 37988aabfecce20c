/**
 * The `attend` CLI run as a child process, as `npm start` runs it (`node --import tsx bin/attend.ts …`),
 * in a scratch folder of its own: its `.attend/` data folder there, the trust configs linked from the
 * repository. For the tests of what the CLI says and how `attend local` starts and stops
 * (tests/e2e/local-start.e2e.test.ts, tests/e2e/cli-usage.e2e.test.ts). Linux: processes are read from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const ATTEND = join(REPO, 'bin', 'attend.ts');
/** tsx's loader, by path: the scratch folder has no node_modules to find `tsx` in. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The arguments for `node` that run `attend …`. */
export const attendArgs = (args: readonly string[]): string[] => ['--import', TSX, ATTEND, ...args];

/** A scratch folder to run `attend` in (config/ linked from the repository); removed by the returned function. */
export function scratchFolder(): { dir: string; remove: () => void } {
  // Its real path: the one the child's working directory, and so DynamoDB Local's -dbPath, is given as.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'attend-cli-')));
  symlinkSync(join(REPO, 'config'), join(dir, 'config'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A child's output so far, and how it ended once it has. */
export interface Running {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly ended: Promise<Ran>;
}

/** Collects a child's output as it comes. */
export function watch(child: ChildProcess): Running {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ended = new Promise<Ran>((done) =>
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, ended };
}

/** Runs `attend …` in `cwd` to its end (killed after `timeoutMs`). */
export function runAttend(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Ran> {
  const child = spawn(process.execPath, attendArgs(args), {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 60_000,
  });
  return watch(child).ended;
}

/** Resolves once `test` passes on the running output; rejects, with the output, on the child's end or at the deadline. */
export async function outputShows(
  running: Running,
  test: (stdout: string) => boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let over: Ran | undefined;
  void running.ended.then((ran) => {
    over = ran;
  });
  while (!test(running.stdout())) {
    if (over || Date.now() > deadline)
      throw new Error(
        `${over ? `ended (${over.code ?? over.signal})` : 'timed out'} before the output showed it:\n${running.stdout()}\n${running.stderr()}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The process's state letter from /proc (undefined once it is gone); Z is ended, not yet reaped. */
function stateOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0];
  } catch {
    return undefined;
  }
}

export const isRunning = (pid: number): boolean => {
  const state = stateOf(pid);
  return state !== undefined && state !== 'Z';
};

/** Resolves true once the process has ended, false if it is still running after `timeoutMs`. */
export async function ends(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** The running DynamoDB Local (java) processes whose data is in this folder. */
export function dynamoDbLocalsOn(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = args.indexOf('-dbPath');
    if (at >= 0 && args[at + 1] === dataDir && isRunning(Number(entry))) pids.push(Number(entry));
  }
  return pids;
}
