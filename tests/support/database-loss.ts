/** Helpers for the tests that take the local runtime's database away (tests/e2e/database-*.e2e.test.ts). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDbLocal } from '#local/dynamodb-local.ts';

/** Steps to undo after each test, last first. */
export type Cleanup = (() => Promise<void> | void)[];

export function tempDir(cleanup: Cleanup): string {
  const dir = mkdtempSync(join(tmpdir(), 'attend-db-loss-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Kills the process and returns once its port refuses connections, without yielding to the event loop:
 * called from inside a handler, it makes the very next database call of that handler fail.
 */
export function killNow(db: DynamoDbLocal): void {
  process.kill(db.pid!, 'SIGKILL');
  execFileSync(
    'bash',
    ['-c', `while (exec 3<>/dev/tcp/127.0.0.1/${db.port}) 2>/dev/null; do sleep 0.01; done`],
    { timeout: 10_000 },
  );
}

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
  body: any;
}

/** A call that is not answered within 20 s fails the test as a hang, rather than waiting for ever. */
export async function call(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
