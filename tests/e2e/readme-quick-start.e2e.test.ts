/**
 * The README's quick start, run as written: the shell block after "Try it" goes to bash against the
 * local runtime (the same one `npm start` runs), with only `localhost:3000` pointed at this test's port.
 * Its dates are relative to today, so the block cannot go stale; its phone is outside the demo's. So is
 * the delivery-status block's, run in quiet hours, the case that needs the clock moved past 08:00.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '#local/runtime.ts';
import { startTestRuntime } from '#tests/support/local-runtime.ts';
import { linkIn } from '#tests/support/parent-pages.ts';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** The first ```sh block after the line that starts "Try it". */
function quickStartBlock(): string {
  const from = readme.indexOf('\nTry it');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(from));
  if (from < 0 || !block) throw new Error('README has no "Try it" shell block');
  return block[1]!;
}

/** The ```sh block that fetches the import samples from `/dev/samples/` (README "Import from the EPR"). */
function importBlock(): string {
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].find((m) =>
    m[1]!.includes('/dev/samples/import.csv'),
  );
  if (!block) throw new Error('README has no shell block importing /dev/samples/import.csv');
  return block[1]!;
}

/** The ```sh block of "Delivery status and unreachable numbers" that books a dead number. */
function deadNumberBlock(): string {
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].find((m) =>
    m[1]!.includes('"id":"dead-number"'),
  );
  if (!block) throw new Error('README has no shell block booking the client dead-number');
  return block[1]!;
}

/** Runs a README block with bash in a scratch folder, `localhost:3000` pointed at the test runtime. */
async function runBlock(block: string, cwd?: string): Promise<string> {
  const host = new URL(runtime.url).host;
  const script = `set -euo pipefail\n${block.replaceAll('localhost:3000', host)}`;
  const { stdout } = await promisify(execFile)('bash', ['-c', script], { timeout: 200_000, cwd });
  return stdout;
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
    // Act
    const stdout = await runBlock(quickStartBlock());

    // Assess: the last command printed the outbox (curl adds no newline, so it is the last `{"items"`)
    const outbox = JSON.parse(stdout.slice(stdout.lastIndexOf('{"items"'))) as {
      items: { to: string; body: string }[];
    };
    const amelia = outbox.items.filter((m) => m.to === '+447700900812');
    expect(amelia.length).toBeGreaterThanOrEqual(2);
    expect(amelia[0]!.body).toContain('Amelia');
    expect(stdout).toContain('"status":"BOOKED"');
    // The family has a date of birth, so the parent link in her texts asks for it rather than saying
    // it cannot be checked online.
    const page = await fetch(`${runtime.url}${linkIn(amelia[0]!.body)}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('What is your child&#39;s date of birth?');
    expect(html).not.toContain('We cannot check this link online');
  }, 240_000);

  it('imports the CSV sample at dates relative to the clock: 5 created and row 7 refused, then all unchanged', async () => {
    // Prepare
    const scratch = mkdtempSync(join(tmpdir(), 'attend-readme-'));

    // Act
    const stdout = await runBlock(importBlock(), scratch);

    // Assess: each curl prints one JSON answer; the CSV dry run, the import, the repeat, the Bundle dry run
    const answers = stdout
      .split(/(?<=\})(?=\{"dryRun")/)
      .map((a) => JSON.parse(a) as { dryRun: boolean; summary: Record<string, number> });
    expect(answers.map((a) => a.dryRun)).toEqual([true, false, false, true]);
    expect(answers[0]!.summary).toEqual({ created: 5, changed: 0, unchanged: 0, rejected: 1 });
    expect(answers[1]!.summary).toEqual({ created: 5, changed: 0, unchanged: 0, rejected: 1 });
    expect(answers[2]!.summary).toMatchObject({ created: 0, changed: 0, unchanged: 5 });
    expect(answers[3]!.summary.rejected).toBe(0);
  }, 240_000);

  it('shows a dead number failing, even when the clock is in quiet hours at booking', async () => {
    // Prepare: the virtual clock moved on (never back) to the next 23:00 UK time, in quiet hours,
    // when the confirmation waits for 08:00
    const now = DateTime.fromJSDate(runtime.clock.now()).setZone('Europe/London');
    let night = now.set({ hour: 23, minute: 0, second: 0, millisecond: 0 });
    if (night <= now) night = night.plus({ days: 1 });
    const moved = await fetch(`${runtime.url}/dev/clock`, {
      method: 'POST',
      body: JSON.stringify({ now: night.toUTC().toISO() }),
    });
    expect(moved.status).toBe(200);

    // Act
    const stdout = await runBlock(deadNumberBlock());

    // Assess: what the block printed, and what the API says
    expect(stdout).toContain('"status":"failed-permanent"');
    expect(stdout).toContain('"reason":"unreachable"');
    const messages = (await (await fetch(`${runtime.url}/clients/dead-number/messages`)).json()) as {
      items: { delivery?: { status: string; reason: string } }[];
    };
    expect(messages.items[0]?.delivery).toMatchObject({ status: 'failed-permanent' });
    expect(messages.items[0]?.delivery?.reason).toContain('INVALID');
    const client = (await (await fetch(`${runtime.url}/clients/dead-number`)).json()) as { consent: unknown };
    expect(client.consent).toMatchObject({ state: 'opted-out', reason: 'unreachable' });
    const inbox = stdout.slice(stdout.lastIndexOf('\n[') + 1);
    expect(JSON.parse(inbox)).toEqual([expect.objectContaining({ reason: 'number-unreachable' })]);
  }, 240_000);
});
