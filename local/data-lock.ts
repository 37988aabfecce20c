/**
 * One running Attend to a data folder. Two runtimes on one folder would each start a DynamoDB Local on
 * its files and each run the schedules on its own virtual clock, against the same tables: texts sent
 * twice, and each failing the other's requests. So the runtime takes `<dataDir>/attend.lock` before it
 * starts DynamoDB Local, and gives it up when it stops (or its process ends). The lock holds the
 * holder's process id and port, and which run of that process it is (local/process-info.ts): a lock
 * whose process has gone (killed, the machine restarted) is stale, and the next start takes it over.
 * An in-memory runtime keeps nothing in a folder, and takes no lock.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, processIdentity } from './process-info.ts';
import { StartRefusedError } from './start-refused.ts';

export const LOCK_FILE = 'attend.lock';

export interface LockHolder {
  pid: number;
  port: number;
  startedAt: string;
  /** processIdentity(pid) when it was taken, where the system says (Linux). */
  process?: string;
}

export class DataLockedError extends StartRefusedError {
  override readonly name = 'DataLockedError';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
    port: number,
  ) {
    super(
      `${dataDir} is in use by another Attend (pid ${holder.pid}, http://localhost:${holder.port}). ` +
        `Stop that one, or start this one with its data in memory: npm start -- --in-memory --port ${port}`,
    );
  }
}

export interface DataLock {
  readonly path: string;
  /** Gives the lock up, if it is still this one's (idempotent). */
  release(): void;
}

/** The holder a lock file names, or undefined for a file that names none (cut short, edited). */
export function readHolder(text: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    return Number.isInteger(holder.pid) && Number.isInteger(holder.port) ? (holder as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process a lock names is the one that took it, still running. */
function holds(holder: LockHolder): boolean {
  if (!isRunning(holder.pid)) return false;
  // The same id, given to another process since (after a restart, most often): not the holder.
  const now = processIdentity(holder.pid);
  return !(holder.process && now && now !== holder.process);
}

/** Creates the file with this text, atomically: it appears whole or not at all. False if it exists. */
function create(path: string, text: string): boolean {
  const draft = `${path}.${process.pid}`;
  writeFileSync(draft, text);
  try {
    linkSync(draft, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // A file system without hard links: open-exclusive (a reader may then see it empty for a moment).
    try {
      writeFileSync(path, text, { flag: 'wx' });
      return true;
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw again;
    }
  } finally {
    unlinkSync(draft);
  }
}

/**
 * Moves a stale lock out of the way. If another start took it over between reading it and moving it,
 * the file moved is that one's live lock: it is put back, and the next look finds it held.
 */
function removeStale(path: string, seen: string): void {
  const aside = `${path}.stale.${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    if (readFileSync(aside, 'utf8') !== seen) {
      try {
        linkSync(aside, path);
      } catch {
        // a third start has made a lock meanwhile: it stands
      }
    }
  } finally {
    unlinkSync(aside);
  }
}

/** Pauses this thread (the lock is taken once, at start-up, before anything else runs). */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Takes the data folder's lock for a runtime listening on `port`, or throws DataLockedError naming the
 * Attend that holds it. A stale lock is taken over.
 */
export function lockDataDir(dataDir: string, port: number): DataLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const identity = processIdentity(process.pid);
  const mine: LockHolder = {
    pid: process.pid,
    port,
    startedAt: new Date().toISOString(),
    ...(identity && { process: identity }),
  };
  const text = `${JSON.stringify(mine)}\n`;
  for (let attempt = 1; attempt <= 10; attempt++) {
    if (create(path, text)) return held(path, text);
    let seen: string;
    try {
      seen = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // given up meanwhile: try again
      throw err;
    }
    const holder = readHolder(seen);
    if (holder && holds(holder)) throw new DataLockedError(dataDir, holder, port);
    // Empty: perhaps being written (without hard links) by a start at this very moment; look again.
    if (seen === '' && attempt < 3) {
      pause(100);
      continue;
    }
    removeStale(path, seen);
  }
  throw new StartRefusedError(`Could not take the lock ${path}: another start keeps taking it.`);
}

function held(path: string, text: string): DataLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      // Only this lock: a stale one taken over by another start (this process was thought gone) stays.
      if (readFileSync(path, 'utf8') === text) unlinkSync(path);
    } catch {
      // gone already
    }
  };
  // Given up when this process ends without stopping the runtime (an uncaught error, process.exit), as
  // DynamoDB Local is stopped then (local/dynamodb-local.ts). A process killed outright leaves the file,
  // which the next start finds stale.
  process.on('exit', release);
  return { path, release };
}
