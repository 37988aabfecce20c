/**
 * The local runtime's in-memory copies of the dueReminders and offersByExpiry indexes (local/index-mirror.ts)
 * are loaded again when a lost database comes back (the watch's onBack, local/runtime.ts), so the
 * scheduler's "when is the next work?" stays answered from memory, with no Query, and from the new
 * database only. Loading is observable only that way: a copy that was not loaded again leaves the
 * schedule asking DynamoDB (`nextReminderDue`, `nextOfferWork`), which gives the same instant with a
 * Query per shard; a copy that was not forgotten gives the old database's work.
 *
 * The database comes back new, as an in-memory DynamoDB Local started afresh does: its table is
 * deleted on the shared DynamoDB Local, the runtime's watch finds it missing, and makes it again (a
 * DynamoDB Local killed and restarted takes the same path once it answers; see
 * tests/e2e/database-restart-in-memory.e2e.test.ts, which does that with a real kill).
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { dueReminders, offersByExpiry } from '#store/keys.ts';
import { exampleConfig, freshTable, queriesDuring, tableGoneAndBack } from '#tests/support/dynamo.ts';

const runtimes: LocalRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.stop()));
});

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('the local runtime’s next-work answers after its database comes back', () => {
  it('come from the new database’s indexes, loaded again in memory, with no Query', async () => {
    // Prepare: a reminder due and an offer whose hold ends, in the table the runtime starts on.
    const store = await freshTable();
    await store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: { pk: 'BOOKING#b1', sk: 'BOOKING#b1', ...dueReminders.entry('b1', '2026-11-23T06:12:00.000Z') },
      }),
    );
    await store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: { pk: 'SLOT#s1', sk: 'OFFER#o1', ...offersByExpiry.entry('o1', '2026-11-23T06:03:00.000Z') },
      }),
    );
    const lines: string[] = [];
    const runtime = await startLocal({
      config: exampleConfig,
      port: 0,
      dynamoEndpoint: store.endpoint,
      tableName: store.table,
      seed: false,
      frozenClock: true,
      startAt: new Date('2026-11-23T06:00:00.000Z'),
      print: (line) => lines.push(line),
    });
    runtimes.push(runtime);
    const before = await queriesDuring(() => runtime.scheduler.nextWorkAt());
    expect(iso(before.result)).toBe('2026-11-23T06:03:00.000Z');

    // Act 1: the database comes back new: its table is gone, and the watch makes it again.
    await tableGoneAndBack(runtime, store.endpoint, store.table, lines, 10_000);
    const empty = await queriesDuring(() => runtime.scheduler.nextWorkAt());

    // Act 2: work written to the new database only, then part of it taken away again.
    await store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: { pk: 'BOOKING#b2', sk: 'BOOKING#b2', ...dueReminders.entry('b2', '2026-11-23T06:37:00.000Z') },
      }),
    );
    await store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: { pk: 'SLOT#s2', sk: 'OFFER#o2', ...offersByExpiry.entry('o2', '2026-11-23T06:21:30.000Z') },
      }),
    );
    const written = await queriesDuring(() => runtime.scheduler.nextWorkAt());
    await store.db.send(
      new DeleteCommand({ TableName: store.table, Key: { pk: 'SLOT#s2', sk: 'OFFER#o2' } }),
    );
    const offerGone = await queriesDuring(() => runtime.scheduler.nextWorkAt());

    // Assess: the old database's reminder and offer are forgotten (only the letter batch, 07:00 London,
    // is left); the new database's offer is next at its minute, then its reminder at the sweep's tick
    // (every 5 minutes); every answer from memory, never a Query.
    expect(iso(empty.result)).toBe('2026-11-23T07:00:00.000Z');
    expect(iso(written.result)).toBe('2026-11-23T06:22:00.000Z');
    expect(iso(offerGone.result)).toBe('2026-11-23T06:40:00.000Z');
    expect([before.queries, empty.queries, written.queries, offerGone.queries]).toEqual([0, 0, 0, 0]);
    store.db.destroy();
  });
});
