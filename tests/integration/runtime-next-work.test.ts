/**
 * The local runtime answers the reminder sweep's and the offer expiry's "when is your next work?" from
 * in-memory copies of the dueReminders and offersByExpiry indexes: loaded at start (items written before
 * it, as the simulator's set-up writes them, are in it) and kept from the stream after, with no Query.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { dueReminders, offersByExpiry } from '#store/keys.ts';
import { exampleConfig, freshTable, queriesDuring } from '#tests/support/dynamo.ts';

const runtimes: LocalRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.stop()));
});

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('the local runtime’s next-work answers', () => {
  it('come from the indexes as loaded at start and as the stream changes them, with no Query', async () => {
    // Prepare: a booking with a reminder due and an offer whose hold ends, written before the runtime starts.
    const store = await freshTable();
    const booking = { pk: 'BOOKING#b1', sk: 'BOOKING#b1' };
    const offer = { pk: 'SLOT#s1', sk: 'OFFER#o1' };
    await store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: { ...booking, ...dueReminders.entry('b1', '2026-11-23T06:12:00.000Z') },
      }),
    );
    await store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: { ...offer, ...offersByExpiry.entry('o1', '2026-11-23T06:03:00.000Z') },
      }),
    );
    const runtime = await startLocal({
      config: exampleConfig,
      port: 0,
      dynamoEndpoint: store.endpoint,
      tableName: store.table,
      seed: false,
      frozenClock: true,
      startAt: new Date('2026-11-23T06:00:00.000Z'),
      print: () => {},
    });
    runtimes.push(runtime);

    // Act: ask at start; after the offer is deleted; after the booking's key for the index is removed.
    const atStart = await queriesDuring(() => runtime.scheduler.nextWorkAt());
    await store.db.send(new DeleteCommand({ TableName: store.table, Key: offer }));
    const offerGone = await queriesDuring(() => runtime.scheduler.nextWorkAt());
    await store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: booking,
        UpdateExpression: 'REMOVE dueShard, nextDueAt',
      }),
    );
    const reminderGone = await queriesDuring(() => runtime.scheduler.nextWorkAt());

    // Assess: the offer's minute, then the reminder's sweep tick (every 5 minutes), then only the
    // letter batch (07:00 London); never a Query.
    expect(iso(atStart.result)).toBe('2026-11-23T06:03:00.000Z');
    expect(iso(offerGone.result)).toBe('2026-11-23T06:15:00.000Z');
    expect(iso(reminderGone.result)).toBe('2026-11-23T07:00:00.000Z');
    expect([atStart.queries, offerGone.queries, reminderGone.queries]).toEqual([0, 0, 0]);
    store.db.destroy();
  });
});
