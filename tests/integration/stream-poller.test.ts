/**
 * The local stream poller against DynamoDB Local's real stream: only freed slots reach the handler, in
 * the shape Lambda delivers; partial batch failures, bisect-on-error and dead letters behave as the
 * event source mapping does; and records caused by the handler's own writes arrive in the same drain.
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseAwayError, StreamPoller, type StreamPollerOptions } from '#local/stream-poller.ts';
import { WriteWatch } from '#local/write-watch.ts';
import type { StoreContext } from '#store/context.ts';
import { SLOT_FREED_FILTER_PATTERNS } from '#store/stream-filters.ts';
import { freshTable } from '#tests/support/dynamo.ts';

type Reply = Awaited<ReturnType<StreamPollerOptions['handler']>>;

let store: StoreContext & { endpoint: string };
const pollers: StreamPoller[] = [];

beforeEach(async () => {
  store = await freshTable();
});

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.close()));
});

/** A poller on the test's table with the backfill filters; `respond` decides each invocation's reply. */
function aPoller(
  respond: (event: DynamoDBStreamEvent) => Promise<Reply> | Reply = () => undefined,
  overrides: Partial<StreamPollerOptions> = {},
): { poller: StreamPoller; calls: DynamoDBRecord[][] } {
  const calls: DynamoDBRecord[][] = [];
  const poller = new StreamPoller({
    endpoint: store.endpoint,
    tableName: store.table,
    filters: SLOT_FREED_FILTER_PATTERNS,
    handler: async (event) => {
      calls.push(event.Records);
      return respond(event);
    },
    ...overrides,
  });
  pollers.push(poller);
  return { poller, calls };
}

function slotKey(id: string) {
  return { pk: `SLOT#${id}`, sk: `SLOT#${id}` };
}

async function putSlot(id: string, status: string, extra: Record<string, unknown> = {}): Promise<void> {
  await store.db.send(
    new PutCommand({
      TableName: store.table,
      Item: { ...slotKey(id), entity: 'Slot', slotId: id, status, ...extra },
    }),
  );
}

async function setStatus(id: string, status: string): Promise<void> {
  await store.db.send(
    new UpdateCommand({
      TableName: store.table,
      Key: slotKey(id),
      UpdateExpression: 'SET #status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status },
    }),
  );
}

const slotIdOf = (record: DynamoDBRecord): string | undefined => record.dynamodb?.NewImage?.slotId?.S;
const idsOf = (records: readonly DynamoDBRecord[]): (string | undefined)[] => records.map(slotIdOf);

/** The DynamoDB and Streams requests this process sends while `act` runs, counted by operation. */
async function operationsDuring(act: () => Promise<unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const onStart = (message: unknown) => {
    const target = (message as { request: ClientRequest }).request.getHeader('x-amz-target');
    const operation = typeof target === 'string' ? target.split('.').at(-1) : undefined;
    if (operation) counts[operation] = (counts[operation] ?? 0) + 1;
  };
  diagnostics.subscribe('http.client.request.start', onStart);
  try {
    await act();
  } finally {
    diagnostics.unsubscribe('http.client.request.start', onStart);
  }
  return counts;
}

/** GetRecords requests this process sends while `act` runs. */
async function getRecordsDuring(act: () => Promise<unknown>): Promise<number> {
  return (await operationsDuring(act)).GetRecords ?? 0;
}

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('StreamPoller filtering and event shape', () => {
  it('hands the handler only freed slots, as Lambda records with attribute-value images', async () => {
    // Prepare
    const { poller, calls } = aPoller();
    const streamArn = await poller.init();
    const before = Math.floor(Date.now() / 1000);
    await putSlot('inserted-free', 'FREE', { durationMinutes: 30 });
    await putSlot('inserted-booked', 'BOOKED');
    await putSlot('freed', 'BOOKED', { durationMinutes: 30 });
    await setStatus('freed', 'FREE');
    await putSlot('still-free', 'FREE');
    await store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: slotKey('still-free'),
        UpdateExpression: 'SET durationMinutes = :d',
        ExpressionAttributeValues: { ':d': 45 },
      }),
    );
    await putSlot('taken', 'FREE');
    await setStatus('taken', 'BOOKED');
    await store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: { pk: 'OFFER#o1', sk: 'OFFER#o1', entity: 'Offer', slotId: 'not-a-slot', status: 'FREE' },
      }),
    );
    await store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: slotKey('inserted-free'),
        UpdateExpression: 'REMOVE durationMinutes',
      }),
    );
    await store.db.send(new DeleteCommand({ TableName: store.table, Key: slotKey('freed') }));

    // Act
    const delivered = await poller.drain();

    // Assess
    const records = calls.flat();
    expect(delivered).toBe(4);
    expect(records.map((r) => [r.eventName, slotIdOf(r)])).toEqual([
      ['INSERT', 'inserted-free'],
      ['MODIFY', 'freed'],
      ['INSERT', 'still-free'],
      ['INSERT', 'taken'],
    ]);
    const [insert, modify] = records;
    expect(modify).toEqual({
      eventID: expect.any(String),
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-2',
      eventSourceARN: streamArn,
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'SLOT#freed' }, sk: { S: 'SLOT#freed' } },
        NewImage: {
          pk: { S: 'SLOT#freed' },
          sk: { S: 'SLOT#freed' },
          entity: { S: 'Slot' },
          slotId: { S: 'freed' },
          status: { S: 'FREE' },
          durationMinutes: { N: '30' },
        },
        OldImage: {
          pk: { S: 'SLOT#freed' },
          sk: { S: 'SLOT#freed' },
          entity: { S: 'Slot' },
          slotId: { S: 'freed' },
          status: { S: 'BOOKED' },
          durationMinutes: { N: '30' },
        },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(insert?.dynamodb).not.toHaveProperty('OldImage');
    // DynamoDB Local rounds the creation time down (to the minute), so allow for it.
    expect(insert?.dynamodb?.ApproximateCreationDateTime).toBeGreaterThanOrEqual(before - 60);
    expect(insert?.dynamodb?.ApproximateCreationDateTime).toBeLessThanOrEqual(Date.now() / 1000 + 1);
  });

  it('starts at LATEST: records written before it was started are not delivered', async () => {
    // Prepare
    await putSlot('before-start', 'FREE');
    const { poller, calls } = aPoller();
    await poller.init();
    await putSlot('after-start', 'FREE');

    // Act
    const delivered = await poller.drain();

    // Assess
    expect(delivered).toBe(1);
    expect(idsOf(calls.flat())).toEqual(['after-start']);
  });

  it('sends at most batchSize records per invocation, in stream order', async () => {
    // Prepare
    const { poller, calls } = aPoller(undefined, { batchSize: 2 });
    await poller.init();
    for (const id of ['a', 'b', 'c', 'd', 'e']) await putSlot(id, 'FREE');

    // Act
    const delivered = await poller.drain();

    // Assess
    expect(delivered).toBe(5);
    expect(calls.map(idsOf)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });
});

describe('StreamPoller failures', () => {
  it('retries from the first reported batch item failure, not the records before it', async () => {
    // Prepare
    let invocation = 0;
    const { poller, calls } = aPoller((event) => {
      invocation++;
      const third = event.Records[2]?.dynamodb?.SequenceNumber ?? '';
      return invocation === 1
        ? { batchItemFailures: [{ itemIdentifier: third }] }
        : { batchItemFailures: [] };
    });
    await poller.init();
    for (const id of ['s1', 's2', 's3', 's4', 's5']) await putSlot(id, 'FREE');

    // Act
    const delivered = await poller.drain();

    // Assess
    expect(delivered).toBe(5);
    expect(calls.map(idsOf)).toEqual([
      ['s1', 's2', 's3', 's4', 's5'],
      ['s3', 's4', 's5'],
    ]);
    expect(poller.deadLetters).toEqual([]);
  });

  it('dead-letters a record the handler always reports, after maxRetries retries, and moves on', async () => {
    // Prepare
    const { poller, calls } = aPoller(
      (event) => ({
        batchItemFailures: event.Records.filter((r) => slotIdOf(r) === 'stuck').map((r) => ({
          itemIdentifier: r.dynamodb?.SequenceNumber ?? '',
        })),
      }),
      { maxRetries: 2 },
    );
    await poller.init();
    for (const id of ['s1', 'stuck', 's3']) await putSlot(id, 'FREE');

    // Act
    const delivered = await poller.drain();

    // Assess
    expect(delivered).toBe(2);
    expect(calls.map(idsOf)).toEqual([['s1', 'stuck', 's3'], ['stuck', 's3'], ['stuck', 's3'], ['s3']]);
    expect(poller.deadLetters.map((d) => [slotIdOf(d.record), d.reason])).toEqual([
      ['stuck', 'the handler reported it as a batch item failure'],
    ]);
  });

  it('bisects a batch that throws until the poison record stands alone, dead-letters it, delivers the rest', async () => {
    // Prepare
    const maxRetries = 3;
    const accepted: string[] = [];
    const deadLettered: string[] = [];
    const { poller, calls } = aPoller(
      (event) => {
        const ids = idsOf(event.Records);
        if (ids.includes('poison')) throw new Error('cannot offer slot poison');
        accepted.push(...(ids as string[]));
        return undefined;
      },
      { batchSize: 4, maxRetries, onDeadLetter: (record) => deadLettered.push(slotIdOf(record) ?? '') },
    );
    await poller.init();
    const ids = ['s1', 's2', 'poison', 's4', 's5', 's6'];
    for (const id of ids) await putSlot(id, 'FREE');

    // Act
    const delivered = await poller.drain();

    // Assess
    expect(delivered).toBe(5);
    expect(accepted).toEqual(['s1', 's2', 's4', 's5', 's6']);
    expect(poller.deadLetters).toHaveLength(1);
    expect(slotIdOf(poller.deadLetters[0]!.record)).toBe('poison');
    expect(poller.deadLetters[0]?.reason).toBe('the handler threw: cannot offer slot poison');
    expect(deadLettered).toEqual(['poison']);
    const alone = calls.filter((batch) => batch.length === 1 && slotIdOf(batch[0]!) === 'poison');
    expect(alone).toHaveLength(1 + maxRetries);
    expect(calls.every((batch) => batch.length <= 4)).toBe(true);
  });

  it('does not count a failure against the record while the database is away, and reads the page again when it is back', async () => {
    // Prepare: the handler fails while the database is "away" (as it does when DynamoDB Local is killed).
    let away = true;
    const { poller, calls } = aPoller(
      () => {
        if (away) throw new Error('connect ECONNREFUSED');
        return undefined;
      },
      { maxRetries: 0, databaseAway: async () => away },
    );
    await poller.init();
    await putSlot('s1', 'FREE');

    // Act 1
    const first = poller.drain();

    // Assess 1: the drain stops, blaming nothing
    await expect(first).rejects.toThrow(DatabaseAwayError);
    expect(poller.deadLetters).toEqual([]);

    // Act 2: the database is back
    away = false;
    const delivered = await poller.drain();

    // Assess 2: the same record, delivered now
    expect(delivered).toBe(1);
    expect(idsOf(calls.at(-1) ?? [])).toEqual(['s1']);
    expect(poller.deadLetters).toEqual([]);
  });

  it('does not deliver a dead-lettered record again on the next drain', async () => {
    // Prepare
    const { poller, calls } = aPoller(
      (event) => {
        if (idsOf(event.Records).includes('poison')) throw new Error('poison');
        return undefined;
      },
      { maxRetries: 0 },
    );
    await poller.init();
    await putSlot('poison', 'FREE');
    await poller.drain();
    const callsBefore = calls.length;

    // Act
    const delivered = await poller.drain();

    // Assess
    expect(delivered).toBe(0);
    expect(calls).toHaveLength(callsBefore);
    expect(poller.deadLetters).toHaveLength(1);
  });
});

describe('StreamPoller with two mappings on one read', () => {
  it('gives each mapping its own records, batches and dead letters, and the second sees the first one’s writes in the same drain', async () => {
    // Prepare: the backfill's mapping (freed slots) and a counting mapping that takes every record, 2 at a time
    // and chokes on one of them. The backfill's handler writes, as it does when it offers a slot.
    const counted: (string | undefined)[][] = [];
    const deadLettered: string[] = [];
    const { poller, calls } = aPoller(
      async (event) => {
        for (const record of event.Records)
          if (slotIdOf(record) === 'freed') await putSlot('offered', 'HELD');
        return undefined;
      },
      {
        name: 'backfill',
        also: [
          {
            name: 'counter',
            filters: [],
            batchSize: 2,
            maxRetries: 1,
            handler: async (event) => {
              if (idsOf(event.Records).includes('poison')) throw new Error('cannot count poison');
              counted.push(idsOf(event.Records));
            },
            onDeadLetter: (record) => deadLettered.push(slotIdOf(record) ?? ''),
          },
        ],
      },
    );
    await poller.init();
    await putSlot('booked', 'BOOKED');
    await putSlot('poison', 'BOOKED');
    await putSlot('freed', 'FREE');

    // Act
    const delivered = await poller.drain();

    // Assess: the backfill took only the freed slot; the counter took all four records (the offer written
    // by the backfill included) in batches of at most 2, except the poison it dead-lettered under its name.
    expect(idsOf(calls.flat())).toEqual(['freed']);
    expect(counted.flat()).toEqual(['booked', 'freed', 'offered']);
    expect(counted.every((batch) => batch.length <= 2)).toBe(true);
    expect(deadLettered).toEqual(['poison']);
    expect(poller.deadLetters.map((d) => [d.mapping, slotIdOf(d.record)])).toEqual([['counter', 'poison']]);
    expect(delivered).toBe(1 + 3);
  });
});

describe('StreamPoller draining', () => {
  it('delivers the records caused by the handler’s own writes within the same drain', async () => {
    // Prepare
    const { poller, calls } = aPoller(async (event) => {
      for (const record of event.Records) {
        const id = slotIdOf(record);
        // A family accepting an earlier slot frees their later one, which is offered in turn.
        if (id === 'earlier') await putSlot('later', 'BOOKED');
        if (id === 'earlier') await setStatus('later', 'FREE');
        if (id === 'later') await putSlot('latest', 'FREE');
      }
      return undefined;
    });
    await poller.init();
    await putSlot('earlier', 'FREE');

    // Act
    const delivered = await poller.drain();

    // Assess
    expect(delivered).toBe(3);
    expect(idsOf(calls.flat())).toEqual(['earlier', 'later', 'latest']);
  });

  it('runs concurrent drains one after the other, delivering each record once', async () => {
    // Prepare
    let inFlight = 0;
    let mostInFlight = 0;
    const { poller, calls } = aPoller(
      async () => {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        // A real round trip, so an overlapping drain would have the chance to run.
        await store.db.send(new PutCommand({ TableName: store.table, Item: { pk: 'TOUCH', sk: 'TOUCH' } }));
        inFlight--;
        return undefined;
      },
      { batchSize: 1 },
    );
    await poller.init();
    for (const id of ['a', 'b', 'c', 'd']) await putSlot(id, 'FREE');

    // Act
    const [first, second] = await Promise.all([poller.drain(), poller.drain()]);

    // Assess
    expect(mostInFlight).toBe(1);
    expect(first + second).toBe(4);
    expect(idsOf(calls.flat())).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps its shard list and iterators between drains, and shows every record read to onRecord', async () => {
    // Prepare: the shard list is read once, at init, and never again on age.
    const seen: (string | undefined)[] = [];
    const { poller, calls } = aPoller(() => undefined, {
      shardListMaxAgeMs: Number.POSITIVE_INFINITY,
      onRecord: (record) => seen.push(`${record.eventName} ${slotIdOf(record) ?? 'removed'}`),
    });
    await poller.init();

    // Act: three drains, each after its own writes, and one with nothing to read.
    await putSlot('one', 'FREE');
    const first = await poller.drain();
    await putSlot('two', 'BOOKED');
    await setStatus('two', 'FREE');
    const second = await poller.drain();
    const third = await poller.drain();
    await store.db.send(new DeleteCommand({ TableName: store.table, Key: slotKey('one') }));
    await putSlot('three', 'FREE');
    const fourth = await poller.drain();

    // Assess: each freed slot reaches the handler once, in order; onRecord saw the filtered ones too.
    expect([first, second, third, fourth]).toEqual([1, 1, 0, 1]);
    expect(idsOf(calls.flat())).toEqual(['one', 'two', 'three']);
    expect(seen).toEqual(['INSERT one', 'INSERT two', 'MODIFY two', 'REMOVE removed', 'INSERT three']);
  });

  it('polls in the background once started, until stopped', async () => {
    // Prepare
    const { poller, calls } = aPoller();
    await poller.start(20);

    // Act
    await putSlot('background', 'FREE');
    await eventually(() => calls.length > 0);
    await poller.stop();

    // Assess
    expect(idsOf(calls.flat())).toEqual(['background']);
  });
});

describe('StreamPoller positioning', () => {
  it('reads a shard that was empty at LATEST from its start when DynamoDB Local rejects that position, without a warning or a shard list re-read', async () => {
    // Prepare: positioned on the fresh table's empty shard; then a write to another table of the same
    // database (as the local runtime's counters are) takes a sequence number before the shard's first record.
    // DynamoDB Local numbers every table's records from one counter, and its LATEST on an empty shard is the
    // shard's starting number, so it now answers that position's first read as trimmed.
    const warnings: string[] = [];
    const { poller, calls } = aPoller(undefined, {
      log: { warn: (message) => warnings.push(message) },
      shardListMaxAgeMs: Number.POSITIVE_INFINITY,
    });
    await poller.init();
    await store.db.send(
      new PutCommand({ TableName: store.metricsTable, Item: { pk: 'ELSEWHERE', sk: 'ELSEWHERE' } }),
    );
    await putSlot('first-in-shard', 'FREE');

    // Act
    let delivered = 0;
    const requests = await operationsDuring(async () => {
      delivered = await poller.drain();
    });

    // Assess: the record, once; the rejected position replaced by one from the shard's start (one
    // GetShardIterator), and nothing taken for a trim: no warning, no DescribeStream.
    expect(delivered).toBe(1);
    expect(idsOf(calls.flat())).toEqual(['first-in-shard']);
    expect(requests.GetShardIterator).toBe(1);
    expect(requests.DescribeStream).toBeUndefined();
    expect(warnings).toEqual([]);
  });
});

describe('StreamPoller with a write watch (the simulator: this process is the only writer)', () => {
  it('skips a drain while no write started since its last empty pass, and reads again after one', async () => {
    // Prepare
    const watch = new WriteWatch(store.endpoint);
    const seen: string[] = [];
    const { poller, calls } = aPoller(() => undefined, {
      writeWatch: { watch, maxQuietMs: Number.POSITIVE_INFINITY },
      onRecord: (record) => seen.push(`${record.eventName} ${slotIdOf(record)}`),
    });
    await poller.init();
    try {
      await putSlot('one', 'FREE');
      expect(await poller.drain()).toBe(1);

      // Act: nothing written since that drain's last (empty) pass; then a write, and a drain.
      const idle = await getRecordsDuring(() => poller.drain());
      await setStatus('one', 'BOOKED');
      await setStatus('one', 'FREE');
      const after = await getRecordsDuring(() => poller.drain());

      // Assess
      expect(idle).toBe(0);
      expect(poller.skippedDrains).toBe(1);
      expect(after).toBeGreaterThan(0);
      expect(seen).toEqual(['INSERT one', 'MODIFY one', 'MODIFY one']);
      expect(idsOf(calls.flat())).toEqual(['one', 'one']);
    } finally {
      watch.close();
    }
  });

  it('ends a drain on the empty page asked for after the last write, without another pass', async () => {
    // Prepare: a handler that frees a second slot when it is given the first, and nothing else; a watch
    // that counts exactly those writes (the real one's timing is tested below).
    let started = 0;
    const watch = {
      mark: () => ({ started, settled: true, at: performance.now() }),
      wroteSince: (mark: { started: number }) => started !== mark.started,
    };
    const seen: string[] = [];
    const { poller } = aPoller(
      async (event) => {
        if (!event.Records.some((r) => slotIdOf(r) === 'first')) return;
        started++;
        await putSlot('second', 'FREE');
      },
      {
        writeWatch: { watch, maxQuietMs: Number.POSITIVE_INFINITY },
        onRecord: (record) => seen.push(`${record.eventName} ${slotIdOf(record)}`),
      },
    );
    await poller.init();
    // The shard is read once first: on a fresh table DynamoDB Local rejects the first read of the LATEST
    // position and the shard is read again from its start (tested in 'StreamPoller positioning'), a
    // request that is not this test's.
    started++;
    await putSlot('warm', 'BOOKED');
    await poller.drain();

    // Act: a drain whose handler writes nothing; then one whose handler writes.
    started++;
    await putSlot('alone', 'FREE');
    const quiet = await getRecordsDuring(() => poller.drain());
    started++;
    await putSlot('first', 'FREE');
    const written = await getRecordsDuring(() => poller.drain());

    // Assess: one pass each, ending on the empty page asked for after the last write: the record's page
    // and that empty page for the first; for the second, its page, the page with the handler's own
    // write (asked for once the handler was done), and the empty page. No pass after to find nothing.
    expect(quiet).toBe(2);
    expect(written).toBe(3);
    expect(seen).toEqual(['INSERT warm', 'INSERT alone', 'INSERT first', 'INSERT second']);
    expect(await getRecordsDuring(() => poller.drain())).toBe(0);
  });

  it('does not trust a pass that began with a write in flight', async () => {
    // Prepare: a watch that always has a write in flight, and none started.
    const mark = { started: 0, settled: false, at: performance.now() };
    const { poller } = aPoller(() => undefined, {
      writeWatch: {
        watch: { mark: () => mark, wroteSince: () => false },
        maxQuietMs: Number.POSITIVE_INFINITY,
      },
    });
    await poller.init();

    // Act
    await poller.drain();
    const reads = await getRecordsDuring(() => poller.drain());

    // Assess
    expect(reads).toBeGreaterThan(0);
    expect(poller.skippedDrains).toBe(0);
  });

  it('counts a write as in flight from its request until its answer', async () => {
    // Prepare
    const watch = new WriteWatch(store.endpoint);
    try {
      const before = watch.mark();
      expect(before.settled).toBe(true);

      // Act: a write sent, not yet answered.
      const write = putSlot('flying', 'FREE');
      while (!watch.wroteSince(before)) await new Promise((resolve) => setImmediate(resolve));
      const during = watch.mark();
      await write;
      const after = watch.mark();

      // Assess
      expect(during.settled).toBe(false);
      expect(after.settled).toBe(true);
      expect(watch.wroteSince(during)).toBe(false);
    } finally {
      watch.close();
    }
  });

  it('reads on every drain without a write watch (the default)', async () => {
    // Prepare
    const { poller } = aPoller();
    await poller.init();
    await poller.drain();

    // Act
    const reads = await getRecordsDuring(() => poller.drain());

    // Assess
    expect(reads).toBeGreaterThan(0);
    expect(poller.skippedDrains).toBe(0);
  });
});
