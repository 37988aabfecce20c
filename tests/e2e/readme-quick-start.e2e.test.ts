/**
 * The README's quick start, run as written: the shell block after "Try it" goes to bash against the
 * local runtime (the same one `npm start` runs), with only `localhost:3000` pointed at this test's port.
 * Its dates are relative to today, so the block cannot go stale; its phone is outside the demo's.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '#local/runtime.ts';
import { startTestRuntime } from '#tests/support/local-runtime.ts';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** The first ```sh block after the line that starts "Try it". */
function quickStartBlock(): string {
  const from = readme.indexOf('\nTry it');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(from));
  if (from < 0 || !block) throw new Error('README has no "Try it" shell block');
  return block[1]!;
}

let runtime: LocalRuntime;

beforeAll(async () => {
  // Seeded, as `npm start` is: the block uses the demo's clinics. Seeding the demo can take a while on
  // a loaded machine (a limit, not a speed check).
  runtime = await startTestRuntime(new Date().toISOString(), { seed: true });
}, 240_000);

afterAll(async () => {
  await runtime?.stop();
});

describe("the README's quick start", () => {
  it('books a family three days ahead, and moving the clock on two days sends their reminders', async () => {
    // Prepare
    const host = new URL(runtime.url).host;
    const script = `set -euo pipefail\n${quickStartBlock().replaceAll('localhost:3000', host)}`;

    // Act
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { timeout: 200_000 });

    // Assess: the last command printed the outbox (curl adds no newline, so it is the last `{"items"`)
    const outbox = JSON.parse(stdout.slice(stdout.lastIndexOf('{"items"'))) as {
      items: { to: string; body: string }[];
    };
    const amelia = outbox.items.filter((m) => m.to === '+447700900812');
    expect(amelia.length).toBeGreaterThanOrEqual(2);
    expect(amelia[0]!.body).toContain('Amelia');
    expect(stdout).toContain('"status":"BOOKED"');
  }, 240_000);
});
