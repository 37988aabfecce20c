/**
 * `attend simulate --jobs 2`, the real command in a child process: two scenario months at the smallest
 * scale side by side, each run's JSON and the report written, and no DynamoDB Local (Java) left behind;
 * and when one month's process fails, the other is stopped and the command fails, again leaving no Java.
 *
 * The Java processes a run starts are told apart from any other on the machine (other tests' DynamoDB
 * Locals, other work) by a marker in their environment, which they inherit from the command
 * (/proc/<pid>/environ, Linux).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MARK = 'ATTEND_SIMULATE_JOBS_TEST';

/** The pids of live `java` processes whose environment carries `MARK=mark`. */
function markedJava(mark: string): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-C', 'java', '-o', 'pid='], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when no process matches
  }
  return out
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((pid) => pid > 0)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${MARK}=${mark}`);
      } catch {
        return false; // gone, or another user's
      }
    });
}

/** `attend simulate …` from the repository's root, with the marker in its environment. */
function simulate(args: string[], mark: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/attend.ts', 'simulate', ...args], {
    cwd: root,
    env: { ...process.env, [MARK]: mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

/** SIGKILLs every process of this user whose environment carries `MARK=mark` (a failed test's leftovers). */
function killMarked(mark: string): void {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!(pid > 0) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${MARK}=${mark}`))
        process.kill(pid, 'SIGKILL');
    } catch {
      // gone, or another user's
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

describe('attend simulate --jobs 2', () => {
  const dirs: string[] = [];
  const marks: string[] = [];
  afterAll(async () => {
    for (const mark of marks) killMarked(mark);
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('runs two months side by side and writes both runs and the report, leaving no Java running', {
    timeout: 600_000,
  }, async () => {
    // Prepare
    const out = await mkdtemp(join(tmpdir(), 'attend-sim-jobs-'));
    dirs.push(out);
    const mark = randomUUID();
    marks.push(mark);

    // Act
    const run = simulate(
      ['--scale', '0.0025', '--scenarios', 'no-attend,reminders', '--jobs', '2', '--out', out],
      mark,
    );
    const code = await exited(run.child);

    // Assess
    const output = run.output();
    expect(code, output).toBe(0);
    expect(output).toContain('Simulating "no-attend" at scale 0.0025…');
    expect(output).toContain('Simulating "reminders" at scale 0.0025 (beside "no-attend")…');
    expect(output).toMatch(/\n0 invariant breaches\.\n/);
    for (const scenario of ['no-attend', 'reminders']) {
      const json = JSON.parse(await readFile(join(out, 'simulation', 'runs', `${scenario}.json`), 'utf8'));
      expect(json.scenario).toBe(scenario);
    }
    // The report's results table has both runs, in the order of --scenarios, and no other.
    const md = await readFile(join(out, 'simulation', 'report.md'), 'utf8');
    const rows = [...md.matchAll(/^\| (No Attend|Reminders only|Everything|Reminders \+ [^|]*) \| \d/gm)].map(
      (m) => m[1],
    );
    expect(rows.slice(0, 2)).toEqual(['No Attend', 'Reminders only']);
    expect(rows).not.toContain('Everything');
    expect(md).toMatch(/minutes for all runs, 2 at a time\./);
    // Each month stopped its DynamoDB Local before its process ended.
    expect(markedJava(mark)).toEqual([]);
  });

  it('stops the other month when one fails, fails with that error, and leaves no Java running', {
    timeout: 600_000,
  }, async () => {
    // Prepare
    const out = await mkdtemp(join(tmpdir(), 'attend-sim-jobs-'));
    dirs.push(out);
    const mark = randomUUID();
    marks.push(mark);
    const run = simulate(
      ['--scale', '0.0025', '--scenarios', 'no-attend,reminders', '--jobs', '2', '--out', out],
      mark,
    );
    const code = exited(run.child);
    // Each month's "set up" line comes once its DynamoDB Local is running.
    await vi.waitFor(
      () => {
        expect(run.output()).toContain('[reminders] set up');
        expect(run.output()).toContain('[no-attend] set up');
      },
      { timeout: 300_000, interval: 100 },
    );
    expect(markedJava(mark)).toHaveLength(2);
    const months = execFileSync('ps', ['--ppid', String(run.child.pid), '-o', 'pid=,args='], {
      encoding: 'utf8',
    });
    const pidOf = (scenario: string) =>
      Number(
        months
          .split('\n')
          .find((line) => line.includes(`--scenario ${scenario} `))
          ?.trim()
          .split(/\s+/)[0],
      );
    const [noAttend, reminders] = [pidOf('no-attend'), pidOf('reminders')];
    expect(noAttend).toBeGreaterThan(0);
    expect(reminders).toBeGreaterThan(0);

    // Act: the reminders month's process is stopped from outside, as if it had failed
    process.kill(reminders, 'SIGTERM');

    // Assess
    expect(await code, run.output()).toBe(1);
    expect(run.output()).toContain('reminders exited with 143');
    expect(run.output()).not.toContain('Report:');
    expect(existsSync(join(out, 'simulation', 'report.md'))).toBe(false);
    // The other month was stopped, not left to finish: it printed no summary, and its process is gone.
    expect(run.output()).not.toContain('no-attend: 1 clinic(s)');
    expect(alive(noAttend)).toBe(false);
    // Each month's process stopped its DynamoDB Local, and waited for it, before it exited.
    expect(markedJava(mark)).toEqual([]);
  });
});
