import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataLockedError, LOCK_FILE, lockDataDir, readHolder } from '#local/data-lock.ts';
import { processIdentity } from '#local/process-info.ts';
import { REPO } from '#tests/support/attend-cli.ts';

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});
/** A data folder (made by the first lock in it, where a test needs it made, made here). */
const folder = (made = true) => {
  const dir = mkdtempSync(join(tmpdir(), 'attend-lock-'));
  folders.push(dir);
  if (made) mkdirSync(join(dir, 'example'));
  return join(dir, 'example');
};
const lockIn = (dir: string) => join(dir, LOCK_FILE);
const holderIn = (dir: string) => readHolder(readFileSync(lockIn(dir), 'utf8'));
/** The id of a process that has ended (and been reaped). */
const endedPid = () => spawnSync(process.execPath, ['-e', '']).pid;

describe('lockDataDir', () => {
  it('takes the lock in a new folder, naming this process and its port, and gives it up on release', () => {
    // Act
    const dir = folder(false);
    const lock = lockDataDir(dir, 3000);

    // Assess
    expect(holderIn(dir)).toMatchObject({ pid: process.pid, port: 3000 });
    lock.release();
    expect(existsSync(lockIn(dir))).toBe(false);
  });

  it('refuses while another running Attend holds it, naming the folder, its pid and port, and the way out', () => {
    // Prepare: held by this test's parent process (running, and not this one)
    const dir = folder();
    const held = { pid: process.ppid, port: 3000, startedAt: '2026-12-01T09:00:00Z' };
    writeFileSync(lockIn(dir), JSON.stringify({ ...held, process: processIdentity(process.ppid) }));

    // Act + Assess
    expect(() => lockDataDir(dir, 4000)).toThrow(DataLockedError);
    expect(() => lockDataDir(dir, 4000)).toThrow(
      `${dir} is in use by another Attend (pid ${process.ppid}, http://localhost:3000). ` +
        'Stop that one, or start this one with its data in memory: npm start -- --in-memory --port 4000',
    );
    expect(holderIn(dir)).toMatchObject(held);
  });

  it('refuses a second runtime in the same process', () => {
    const dir = folder();
    const first = lockDataDir(dir, 3000);
    expect(() => lockDataDir(dir, 3001)).toThrow(DataLockedError);
    first.release();
    lockDataDir(dir, 3001).release();
  });

  it('takes over a stale lock: its process has ended', () => {
    // Prepare
    const dir = folder();
    writeFileSync(
      lockIn(dir),
      JSON.stringify({ pid: endedPid(), port: 3000, startedAt: '2026-12-01T09:00:00Z' }),
    );

    // Act
    const lock = lockDataDir(dir, 4000);

    // Assess
    expect(holderIn(dir)).toMatchObject({ pid: process.pid, port: 4000 });
    lock.release();
  });

  it('takes over a lock whose process id now belongs to another process (after a restart)', (ctx) => {
    if (!processIdentity(process.ppid))
      ctx.skip('no /proc: a process cannot be told from another with its id');
    // Prepare: the id runs, but not as the process that wrote the lock
    const dir = folder();
    writeFileSync(
      lockIn(dir),
      JSON.stringify({
        pid: process.ppid,
        port: 3000,
        startedAt: '2026-12-01T09:00:00Z',
        process: 'another-boot/1',
      }),
    );

    // Act + Assess
    const lock = lockDataDir(dir, 4000);
    expect(holderIn(dir)).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('takes over a lock file that names no holder (cut short, edited)', () => {
    const dir = folder();
    writeFileSync(lockIn(dir), '{"pid":');
    const lock = lockDataDir(dir, 4000);
    expect(holderIn(dir)).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('on release, leaves alone a lock that another start has taken over since', () => {
    // Prepare
    const dir = folder();
    const lock = lockDataDir(dir, 3000);
    const theirs = JSON.stringify({ pid: process.ppid, port: 5000, startedAt: '2026-12-01T09:00:00Z' });
    writeFileSync(lockIn(dir), theirs);

    // Act
    lock.release();

    // Assess
    expect(readFileSync(lockIn(dir), 'utf8')).toBe(theirs);
  });

  it('is given up when its process ends by an uncaught error, without a release', () => {
    // Prepare
    const dir = folder();
    const script = `const { lockDataDir } = await import('./local/data-lock.ts');
lockDataDir(${JSON.stringify(dir)}, 3000);
throw new Error('this process ends here, holding the lock');`;

    // Act
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 30_000,
    });

    // Assess
    expect(child.status, child.stderr).toBe(1);
    expect(child.stderr).toContain('holding the lock');
    expect(existsSync(lockIn(dir))).toBe(false);
  });
});
