/**
 * `attend local` (what `npm start` runs), as a child process, beside one already running: a second start
 * on the same port, or on the same data folder, is refused in one line before it starts DynamoDB Local;
 * and the running one stops, as on Ctrl+C, when the process that started it is killed (`kill <npm's
 * pid>`). One `attend local` is started for the file (in a scratch folder, its data in
 * `.attend/example` there), by a wrapper process that stands for npm and its shell.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, readHolder } from '#local/data-lock.ts';
import { freePort } from '#local/dynamodb-local.ts';
import {
  attendArgs,
  dynamoDbLocalsOn,
  ends,
  isRunning,
  outputShows,
  type Running,
  runAttend,
  scratchFolder,
  watch,
} from '#tests/support/attend-cli.ts';

const scratch = scratchFolder();
const dataDir = join(scratch.dir, '.attend', 'example');
const lockPath = join(dataDir, LOCK_FILE);
/** A line of a stack trace, as Node prints one. */
const STACK_LINE = /^\s+at /m;

let port: number;
/** The wrapper: it starts `attend local` with its own output, and does nothing else. */
let wrapper: Running;
/** `attend local`'s process (the wrapper's child), as its lock names it. */
let attendPid: number;

beforeAll(async () => {
  port = await freePort();
  const start = `const c = require('node:child_process').spawn(process.execPath, ${JSON.stringify(
    attendArgs(['local', '--port', String(port), '--frozen-clock']),
  )}, { stdio: 'inherit' }); c.on('exit', (code) => process.exit(code ?? 1));`;
  wrapper = watch(
    // As `npm start` runs it: npm names the script it runs in npm_lifecycle_event.
    spawn(process.execPath, ['-e', start], {
      cwd: scratch.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_lifecycle_event: 'start' },
    }),
  );
  // It seeds the demo into its new data folder first: on a loaded machine that can pass a minute.
  await outputShows(wrapper, (out) => out.includes('Press Ctrl+C to stop.'), 200_000);
  attendPid = readHolder(readFileSync(lockPath, 'utf8'))!.pid;
}, 240_000);

afterAll(async () => {
  // Only if a test failed before stopping it: its DynamoDB Local goes with it (the exit hook).
  if (attendPid && isRunning(attendPid)) {
    process.kill(attendPid, 'SIGTERM');
    await ends(attendPid, 30_000);
  }
  if (wrapper?.child.exitCode === null) wrapper.child.kill('SIGKILL');
  scratch.remove();
});

describe('a second `attend local` beside a running one', () => {
  it('on the same port: refused in one line, exit code 1, no stack, and no second DynamoDB Local', async () => {
    // Prepare
    const running = dynamoDbLocalsOn(dataDir);
    expect(running).toHaveLength(1);

    // Act
    const ran = await runAttend(['local', '--port', String(port)], { cwd: scratch.dir });

    // Assess
    expect(ran.code).toBe(1);
    expect(ran.stderr.trim()).toBe(
      `Port ${port} is in use (is Attend already running? Stop it, or start on another port: npm start -- --port 4000)`,
    );
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect(ran.stdout).toBe('');
    expect(dynamoDbLocalsOn(dataDir)).toEqual(running);
    // The first runs on, its lock its own.
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(readHolder(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: attendPid, port });
  });

  it('on another port (PORT=…) with the same data folder: refused, naming the running one and the way out', async () => {
    // Prepare
    const running = dynamoDbLocalsOn(dataDir);
    const other = await freePort();

    // Act
    const ran = await runAttend(['local'], { cwd: scratch.dir, env: { PORT: String(other) } });

    // Assess
    expect(ran.code).toBe(1);
    expect(ran.stderr.trim()).toBe(
      `.attend/example is in use by another Attend (pid ${attendPid}, http://localhost:${port}). ` +
        `Stop that one, or start this one with its data in memory: npm start -- --in-memory --port ${other}`,
    );
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect(dynamoDbLocalsOn(dataDir)).toEqual(running);
    // It gave its port back: nothing listens there.
    await expect(fetch(`http://127.0.0.1:${other}/health`)).rejects.toThrow();
  });
});

describe('`attend local` whose starter is killed (`kill <npm pid>`)', () => {
  it('stops as on Ctrl+C: says so, its DynamoDB Local ends, and the data folder is free', async () => {
    // Prepare
    const java = dynamoDbLocalsOn(dataDir);
    expect(java).toHaveLength(1);

    // Act: the wrapper is killed outright; nothing signals `attend local`.
    process.kill(wrapper.child.pid!, 'SIGKILL');

    // Assess: it notices within a second or two, and stops cleanly.
    expect(await ends(attendPid, 60_000)).toBe(true);
    const ran = await wrapper.ended;
    expect(ran.stdout).toMatch(/^Stopping Attend: the process that started it \(pid \d+\) has ended…$/m);
    expect(ran.stdout).toMatch(/^Stopped\.$/m);
    expect(`${ran.stdout}\n${ran.stderr}`).not.toMatch(STACK_LINE);
    expect(await ends(java[0]!, 30_000)).toBe(true);
    expect(existsSync(lockPath)).toBe(false);
  });
});
