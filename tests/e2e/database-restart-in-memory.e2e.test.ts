/**
 * `npm start -- --in-memory` losing the DynamoDB Local it started: the data went with the process, so
 * the runtime restarts it, makes the tables again (and would seed the demo data again), says so, and is
 * healthy and usable once more. (Each runtime needs a process of its own, hence a file of its own.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocal } from '#local/runtime.ts';
import { type Cleanup, call } from '#tests/support/database-loss.ts';
import { exampleConfig } from '#tests/support/dynamo.ts';

/** Long enough for DynamoDB Local (Java) to start again on a busy machine. */
const BACK_WITHIN_MS = 45_000;

const cleanup: Cleanup = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('the local runtime when its in-memory DynamoDB Local is killed', () => {
  it('restarts it, makes the tables again, says the data is gone, and is usable again', async () => {
    // Prepare
    const lines: string[] = [];
    const runtime = await startLocal({
      config: exampleConfig,
      port: 0,
      seed: false,
      startAt: new Date('2026-11-23T10:00:00Z'),
      print: (line) => lines.push(line),
    });
    cleanup.push(() => runtime.stop());
    const first = runtime.dynamoDbLocal()!;
    const before = await call(runtime.url, 'POST', '/clients', { firstName: 'Leo', phone: '07700 900401' });
    expect(before.status).toBe(201);

    // Act
    process.kill(first.pid!, 'SIGKILL');

    // Assess: until it is back, a write answers 503, never a 500 or a misleading 400 (a write let through
    // before the tables are made again would get one); a 201 only once it is back
    const writes: number[] = [];
    await vi.waitFor(
      async () => {
        const attempt = await call(runtime.url, 'POST', '/clients', {
          firstName: 'Mia',
          phone: '07700 900402',
        });
        writes.push(attempt.status);
        expect((await call(runtime.url, 'GET', '/health')).status).toBe(200);
      },
      { timeout: BACK_WITHIN_MS, interval: 250 },
    );
    expect(writes.filter((status) => status !== 503 && status !== 201)).toEqual([]);
    expect(writes).toContain(503);
    expect(lines.join('\n')).toContain('it ran in memory, so its data is gone: the tables are made again.');
    expect((await call(runtime.url, 'GET', `/clients/${before.body.id}`)).status).toBe(404);
    const after = await call(runtime.url, 'POST', '/clients', { firstName: 'Leo', phone: '07700 900401' });
    expect(after.status).toBe(201);
    // …and the new table's stream is read from the moment the doors reopened: a short-notice slot made
    // now starts its offer run at once
    await call(runtime.url, 'POST', '/clinics', { id: 'riverside', name: 'Riverside', venue: 'Riverside' });
    const slot = await call(runtime.url, 'POST', '/slots', {
      clinicId: 'riverside',
      type: 'six-to-eight-week-review',
      date: '2026-11-25',
      time: '10:00',
      shortNotice: true,
    });
    expect(slot.status).toBe(201);
    const offers = await call(runtime.url, 'GET', `/offers?slot=${slot.body.id}`);
    expect(offers.body.slot.backfill).toBeTruthy();
  }, 120_000);
});
