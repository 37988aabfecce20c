/**
 * The local runtime losing its database mid-work, as it happens to a developer: DynamoDB Local's Java
 * process is killed (SIGKILL, a real kill) while the runtime is busy, with the clock flowing as under
 * `npm start`. The runtime must stay up, say so (/health 503, a clear console line), answer every call
 * during the loss with an error rather than hang, report a write that was made as made, and carry on
 * when the database is back: restarted by the runtime when it started it, or by whoever started it.
 *
 * The test starts its own DynamoDB Local (never the shared one), with its data on disk so that what was
 * saved can be read back after the restart. A runtime's handlers are loaded once per process, so the
 * runtime that restarts a DynamoDB Local it started itself is tested in database-restart.e2e.test.ts.
 * tests/support/process-guard.ts fails a test that leaves a promise rejection unhandled (which is what
 * used to end `npm start` two seconds after the kill).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Booking, Client } from '#core/model.ts';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { type Cleanup, call, killNow, tempDir } from '#tests/support/database-loss.ts';
import { exampleConfig } from '#tests/support/dynamo.ts';
import { api } from '#tests/support/local-runtime.ts';

/** Monday 23 November 2026, 10:00 UK time: outside quiet hours, so a booking is confirmed at once. */
const START = '2026-11-23T10:00:00Z';
/** Long enough for DynamoDB Local (Java) to start again on a busy machine. */
const BACK_WITHIN_MS = 45_000;

const cleanup: Cleanup = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function family(runtime: LocalRuntime, phone: string) {
  const http = api(runtime.url);
  const client = await http.post<Client>('/clients', { firstName: 'Amelia', phone });
  const slot = await http.post<{ id: string }>('/slots', {
    clinicId: 'riverside',
    type: 'six-to-eight-week-review',
    date: '2026-12-03',
    time: '14:00',
  });
  expect([client.status, slot.status]).toEqual([201, 201]);
  return { clientId: client.body.id, slotId: slot.body.id };
}

describe('the local runtime when DynamoDB Local is killed', () => {
  it('stays up, answers 503 rather than hanging, reports the write it made, and carries on when the database is started again', async () => {
    // Prepare: a runtime pointed at a DynamoDB Local it does not own, with the clock flowing.
    const dataDir = tempDir(cleanup);
    let db = await startDynamoDbLocal({ dataDir });
    cleanup.push(() => db.stop());
    const lines: string[] = [];
    let onText: (() => void) | undefined;
    const runtime = await startLocal({
      config: exampleConfig,
      port: 0,
      dynamoEndpoint: db.endpoint,
      tableName: 'attend-db-loss',
      seed: false,
      startAt: new Date(START),
      print: (line) => {
        lines.push(line);
        if (line.startsWith('[sms') && onText) {
          const hook = onText;
          onText = undefined;
          hook();
        }
      },
    });
    cleanup.push(() => runtime.stop());
    await call(runtime.url, 'POST', '/clinics', { id: 'riverside', name: 'Riverside', venue: 'Riverside' });
    const { clientId, slotId } = await family(runtime, '07700 900123');

    // Act 1: the database is killed inside the booking, once the booking is written and its
    // confirmation text goes out (the text's own record and the stream that follows fail).
    onText = () => killNow(db);
    const booked = await call(runtime.url, 'POST', '/bookings', { slotId, clientId });

    // Assess: the booking was made, so the answer says so.
    expect(booked.status).toBe(201);
    const bookingId = (booked.body as Booking).id;

    // Act 2: the runtime is asked about its health, and for changes, while the database is gone.
    const health = await call(runtime.url, 'GET', '/health');
    const during = await Promise.all(
      ['07700 900201', '07700 900202', '07700 900203', '07700 900204', '07700 900205'].map((phone) =>
        call(runtime.url, 'POST', '/clients', { firstName: 'Noah', phone }),
      ),
    );
    const clockMove = await call(runtime.url, 'POST', '/dev/clock', { now: '2026-11-23T11:00:00Z' });

    // Assess: 503s in the error shape, each answered (call() fails a hang), and a plain console line.
    expect(health).toEqual({
      status: 503,
      body: { error: expect.objectContaining({ code: 'DATABASE_UNAVAILABLE' }) },
    });
    for (const answer of [...during, clockMove]) {
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('DATABASE_UNAVAILABLE');
    }
    await vi.waitFor(() => expect(lines.join('\n')).toContain('is not answering'), { timeout: 10_000 });
    expect(lines.join('\n')).toContain(`Start it again at ${db.endpoint}`);
    // The 1-second schedule timer, whose first turn after the kill used to end the process through an
    // unhandled rejection, turns at least twice more while the database is gone.
    const killedAt = Date.parse((await call(runtime.url, 'GET', '/dev/clock')).body.now);
    await vi.waitFor(
      async () => {
        const now = Date.parse((await call(runtime.url, 'GET', '/dev/clock')).body.now);
        expect(now - killedAt).toBeGreaterThan(2_500);
      },
      { timeout: 10_000, interval: 250 },
    );
    expect((await call(runtime.url, 'GET', '/health')).status).toBe(503);

    // Act 3: the database is started again, on the same port and data.
    db = await startDynamoDbLocal({ dataDir, port: db.port });

    // Assess: the runtime carries on by itself: healthy again, the booking kept, nothing half-made from
    // the refused calls, new changes work, and the stream follows them again.
    await vi.waitFor(async () => expect((await call(runtime.url, 'GET', '/health')).status).toBe(200), {
      timeout: BACK_WITHIN_MS,
      interval: 250,
    });
    await vi.waitFor(() => expect(lines.join('\n')).toContain('DynamoDB Local is answering again'), {
      timeout: 10_000,
    });
    expect((await call(runtime.url, 'GET', `/bookings/${bookingId}`)).body).toMatchObject({
      status: 'BOOKED',
    });
    for (const phone of ['07700 900201', '07700 900205']) {
      const found = await call(runtime.url, 'GET', `/clients?phone=${encodeURIComponent(phone)}`);
      expect(found.body.items).toEqual([]);
    }
    const cancelled = await call(runtime.url, 'POST', `/bookings/${bookingId}/cancel`, { reason: 'unwell' });
    expect(cancelled.status).toBe(200);
    const offers = await call(runtime.url, 'GET', `/offers?slot=${slotId}`);
    expect(offers.body.slot.backfill).toBeDefined();
    expect(runtime.poller.deadLetters).toEqual([]);
  }, 120_000);
});
