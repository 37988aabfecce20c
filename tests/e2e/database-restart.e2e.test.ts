/**
 * `npm start` losing the DynamoDB Local it started: its Java process is killed (SIGKILL, a real kill),
 * and the runtime restarts it on the same port and data folder, says so, and carries on with its data.
 * (The runtime pointed at a database it does not own is tested in database-loss.e2e.test.ts.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocal } from '#local/runtime.ts';
import { type Cleanup, call, tempDir } from '#tests/support/database-loss.ts';
import { exampleConfig } from '#tests/support/dynamo.ts';

/** Monday 23 November 2026, 10:00 UK time. */
const START = '2026-11-23T10:00:00Z';
/** Long enough for DynamoDB Local (Java) to start again on a busy machine. */
const BACK_WITHIN_MS = 45_000;

const cleanup: Cleanup = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('the local runtime when the DynamoDB Local it started is killed', () => {
  it('restarts a DynamoDB Local it started itself, keeping the data on disk', async () => {
    // Prepare: a runtime that starts its own DynamoDB Local, as `npm start` does.
    const lines: string[] = [];
    const runtime = await startLocal({
      config: exampleConfig,
      port: 0,
      dataDir: tempDir(cleanup),
      seed: false,
      startAt: new Date(START),
      print: (line) => lines.push(line),
    });
    cleanup.push(() => runtime.stop());
    const first = runtime.dynamoDbLocal()!;
    const made = await call(runtime.url, 'POST', '/clients', { firstName: 'Osian', phone: '07700 900303' });
    expect(made.status).toBe(201);

    // Act: its Java process is killed.
    process.kill(first.pid!, 'SIGKILL');

    // Assess: it says what is happening, restarts it on the same port, and is healthy with its data.
    await vi.waitFor(async () => expect((await call(runtime.url, 'GET', '/health')).status).toBe(200), {
      timeout: BACK_WITHIN_MS,
      interval: 250,
    });
    const said = lines.join('\n');
    expect(said).toContain('Attend is restarting it on the same port');
    expect(said).toContain(`DynamoDB Local restarted on port ${first.port}`);
    expect(runtime.dynamoDbLocal()!.pid).not.toBe(first.pid);
    expect((await call(runtime.url, 'GET', `/clients/${made.body.id}`)).status).toBe(200);
    expect(
      (await call(runtime.url, 'POST', '/clients', { firstName: 'Zofia', phone: '07700 900304' })).status,
    ).toBe(201);
  }, 120_000);
});
