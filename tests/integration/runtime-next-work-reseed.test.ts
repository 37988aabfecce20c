/**
 * The local runtime's in-memory copies of the dueReminders and offersByExpiry indexes
 * (local/index-mirror.ts) are read again from the new database when a lost one comes back (the watch's
 * onBack, local/runtime.ts), including the demo data it seeds again. That data is written before the
 * stream poller is positioned on the new table's stream, so no stream record brings it: only the load
 * does. Without the load, the schedules would ask DynamoDB (a Query per shard) for the same instant;
 * with a load that read nothing, they would miss the seeded work.
 *
 * The database comes back new, as an in-memory DynamoDB Local started afresh does: its table is deleted
 * on the shared DynamoDB Local, and the runtime's watch finds it missing and makes it again
 * (runtime-next-work-restart.test.ts does the same without a seed; a runtime's handlers are loaded
 * once per process, hence a file of its own).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { offersByExpiry } from '#store/keys.ts';
import { exampleConfig, freshTable, queriesDuring, tableGoneAndBack } from '#tests/support/dynamo.ts';

const runtimes: LocalRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.stop()));
});

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('the local runtime’s next-work answers after its database comes back and is seeded again', () => {
  it('come from the seeded data, loaded again in memory, with no Query', async () => {
    // Prepare: a runtime on a new table, seeding the demo data, with letters off so that the answer is
    // the reminders' and offers' alone.
    const store = await freshTable();
    const lines: string[] = [];
    const runtime = await startLocal({
      config: { ...exampleConfig, letters: { ...exampleConfig.letters, enabled: false } },
      port: 0,
      dynamoEndpoint: store.endpoint,
      tableName: store.table,
      seed: true,
      frozenClock: true,
      startAt: new Date('2026-11-23T06:00:00.000Z'),
      print: (line) => lines.push(line),
    });
    runtimes.push(runtime);
    const seeded = await queriesDuring(() => runtime.scheduler.nextWorkAt());
    // An offer whose hold ends sooner than any seeded work, in the old database only.
    await store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: { pk: 'SLOT#s1', sk: 'OFFER#o1', ...offersByExpiry.entry('o1', '2026-11-23T06:00:30.000Z') },
      }),
    );
    const withOffer = await queriesDuring(() => runtime.scheduler.nextWorkAt());

    // Act: the database comes back new (its table gone), and the runtime makes it and seeds it again.
    await tableGoneAndBack(runtime, store.endpoint, store.table, lines, 60_000);
    const reseeded = await queriesDuring(() => runtime.scheduler.nextWorkAt());

    // Assess: the same seeded work next as at start (the clock stands still, so the seed is
    // the same), the old database's offer forgotten; every answer from memory, never a Query.
    expect(iso(withOffer.result)).toBe('2026-11-23T06:01:00.000Z');
    expect(iso(seeded.result)).toBe('2026-11-23T08:00:00.000Z');
    expect(iso(reseeded.result)).toBe(iso(seeded.result));
    expect([seeded.queries, withOffer.queries, reseeded.queries]).toEqual([0, 0, 0]);
    store.db.destroy();
  }, 120_000);
});
