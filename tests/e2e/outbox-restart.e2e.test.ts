/**
 * `npm start` keeps its data in `.attend/<trust>/`, and a restart carries on from it: the texts in
 * GET /dev/sms/outbox (where a newcomer finds parent links) and the events in GET /dev/events are kept
 * there too, as JSON Lines, and read back at start. With no data folder (`--in-memory`, tests, the
 * simulator) they live in memory only, as every other test's runtime shows.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalOptions, startLocal } from '#local/runtime.ts';
import type { RecordedEvent } from '#messaging/event-publisher.ts';
import type { OutboxEntry } from '#messaging/outbox-sms-sender.ts';
import { type Cleanup, call, tempDir } from '#tests/support/database-loss.ts';
import { dynamoEndpoint, exampleConfig } from '#tests/support/dynamo.ts';

/** Monday 23 November 2026, 10:00 UK time. */
const START = '2026-11-23T10:00:00Z';

const cleanup: Cleanup = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function bookOne(url: string, phone: string): Promise<void> {
  await call(url, 'POST', '/clinics', {
    id: 'oakwood',
    name: 'Oakwood Health Centre',
    venue: 'Oakwood Health Centre',
  });
  const client = await call(url, 'POST', '/clients', { firstName: 'Osian', phone });
  const slot = await call(url, 'POST', '/slots', {
    clinicId: 'oakwood',
    type: 'six-to-eight-week-review',
    date: '2026-12-03',
    time: '14:30',
  });
  const booked = await call(url, 'POST', '/bookings', { slotId: slot.body.id, clientId: client.body.id });
  expect(booked, JSON.stringify([client.body, slot.body, booked.body])).toMatchObject({ status: 201 });
}

describe('the outbox and the event log across a restart', () => {
  it('are read back from the data folder, as they were', async () => {
    // Prepare: a runtime with a data folder, which sends a confirmation
    const options: LocalOptions = {
      config: exampleConfig,
      port: 0,
      dataDir: tempDir(cleanup),
      dynamoEndpoint: dynamoEndpoint(),
      tableName: `attend-e2e-${randomUUID().slice(0, 8)}`,
      seed: false,
      frozenClock: true,
      startAt: new Date(START),
    };
    const first = await startLocal(options);
    await bookOne(first.url, '07700 900311');
    const sent = (await call(first.url, 'GET', '/dev/sms/outbox')).body.items as OutboxEntry[];
    const events = (await call(first.url, 'GET', '/dev/events')).body.items as RecordedEvent[];
    expect(sent.filter((e) => e.to === '+447700900311')).toHaveLength(1);
    expect(events.length).toBeGreaterThan(0);
    await first.stop();

    // Act: started again on the same data
    const second = await startLocal(options);
    cleanup.push(() => second.stop());

    // Assess: the same texts and events; the files are readable by their owner only. (A second
    // runtime in one process shares the first one's handlers, which keep their adapters from their
    // cold start, so only what it reads back is checked here, not what it sends next.)
    expect((await call(second.url, 'GET', '/dev/sms/outbox')).body.items).toEqual(sent);
    expect((await call(second.url, 'GET', '/dev/events')).body.items).toEqual(events);
    for (const file of readdirSync(options.dataDir!).filter((f) => f.endsWith('.jsonl')))
      expect(statSync(join(options.dataDir!, file)).mode & 0o077).toBe(0);
  });
});
