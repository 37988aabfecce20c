/**
 * Moving the metrics counter cells an earlier Attend kept in the main table into the metrics table
 * (local/metrics-move.ts), on DynamoDB Local: the counts arrive, the old cells go, the exactly-once
 * markers stay to expire; a second run changes nothing; counts the new code already wrote are added to;
 * a cell changed between its read and its move is moved with its new counts, not lost; and the local
 * runtime does it at start-up and says so.
 */

import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';
import { moveMetricsCells } from '#local/metrics-move.ts';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { ensureTables, metricsTableOf } from '#local/tables.ts';
import type { DocClient } from '#store/client.ts';
import { metricsKeys } from '#store/keys.ts';
import { TTL_ATTRIBUTE } from '#store/table.ts';
import { exampleConfig, freshTable } from '#tests/support/dynamo.ts';

let db: DocClient;
let endpoint: string;
let names: { table: string; metricsTable: string };

/** A counter cell as the code before the metrics table wrote it (and as the new code writes it there). */
const cell = (day: string, dimension: string, counters: Record<string, number>) => ({
  ...metricsKeys.cell(day, dimension),
  entity: 'MetricsCell',
  day,
  dimension,
  ...counters,
});

const MARKER = {
  ...metricsKeys.applied('stream-event-1'),
  entity: 'MetricsApplied',
  cells: 2,
  at: '2026-11-23T09:00:00.000Z',
  [TTL_ATTRIBUTE]: 1_795_000_000,
};
/** Not a metrics item: the move leaves it alone. */
const OTHER = { pk: 'CLINIC#riverside', sk: 'CLINIC#riverside', entity: 'Clinic', name: 'Riverside' };

const put = (table: string, item: Record<string, unknown>) =>
  db.send(new PutCommand({ TableName: table, Item: item }));

/** Every item of a table, in key order. */
async function itemsOf(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

/** As the code before the move counted: one more in a counter of an Attend-table cell. */
const addOne = (key: { pk: string; sk: string }, counter: string) =>
  db.send(
    new UpdateCommand({
      TableName: names.table,
      Key: key,
      UpdateExpression: 'ADD #counter :one',
      ExpressionAttributeNames: { '#counter': counter },
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );

const getItem = async (table: string, key: { pk: string; sk: string }) =>
  (await db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

beforeEach(async () => {
  const store = await freshTable();
  db = store.db;
  endpoint = store.endpoint;
  names = { table: store.table, metricsTable: store.metricsTable };
  // As an upgrade finds them: the metrics table made after the Attend table, so without the marker
  // ensureTables writes when it makes both together.
  await db.send(new DeleteCommand({ TableName: names.metricsTable, Key: metricsKeys.moved }));
});

describe('moveMetricsCells', () => {
  it('moves every counter cell with its counts, deletes the old ones, and leaves the markers', async () => {
    // Prepare: two cells, a marker and another item in the main table, as an earlier Attend left them.
    const monday = cell('2026-11-23', 'ALL', { booked: 3, attended: 2, cancelNoticeMinutesSum: 1_440 });
    const riverside = cell('2026-12-01', 'CLINIC#riverside', { dna: 1 });
    for (const item of [monday, riverside, MARKER, OTHER]) await put(names.table, item);

    // Act
    const result = await moveMetricsCells(db, names);

    // Assert: the cells are in the metrics table as they were, and only the cells left the main table.
    expect(result).toEqual({ moved: 2 });
    expect(await itemsOf(names.metricsTable)).toEqual([monday, riverside]);
    expect(await itemsOf(names.table)).toEqual([OTHER, MARKER]);
  });

  it('changes nothing when run again', async () => {
    // Prepare: a cell moved once.
    await put(names.table, cell('2026-11-23', 'ALL', { booked: 3 }));
    await put(names.table, MARKER);
    expect(await moveMetricsCells(db, names)).toEqual({ moved: 1 });
    const main = await itemsOf(names.table);
    const metrics = await itemsOf(names.metricsTable);

    // Act
    const again = await moveMetricsCells(db, names);

    // Assert
    expect(again).toEqual({ moved: 0 });
    expect(await itemsOf(names.table)).toEqual(main);
    expect(await itemsOf(names.metricsTable)).toEqual(metrics);
  });

  it('adds to a cell the new code has already counted in the metrics table', async () => {
    // Prepare: the same day and dimension in both tables, with a counter only the new one has.
    await put(names.table, cell('2026-11-23', 'ALL', { booked: 3, attended: 2 }));
    await put(names.metricsTable, cell('2026-11-23', 'ALL', { booked: 1, textsOut: 4 }));

    // Act
    await moveMetricsCells(db, names);

    // Assert
    expect(await itemsOf(names.metricsTable)).toEqual([
      cell('2026-11-23', 'ALL', { booked: 4, attended: 2, textsOut: 4 }),
    ]);
    expect(await itemsOf(names.table)).toEqual([]);
  });

  it('reads a cell again and moves its new counts when a counter changed after it was read', async () => {
    // Prepare: between the first read and the move, the old code counts one more booking.
    const key = metricsKeys.cell('2026-11-23', 'ALL');
    await put(names.table, cell('2026-11-23', 'ALL', { booked: 3 }));
    const attempts: number[] = [];
    const countOneMore = async (_: unknown, attempt: number) => {
      attempts.push(attempt);
      if (attempt === 1) await addOne(key, 'booked');
    };

    // Act
    const result = await moveMetricsCells(db, names, { beforeMove: countOneMore });

    // Assert: the first try was refused, the second moved 4, not 3.
    expect(attempts).toEqual([1, 2]);
    expect(result).toEqual({ moved: 1 });
    expect(await getItem(names.metricsTable, key)).toEqual(cell('2026-11-23', 'ALL', { booked: 4 }));
    expect(await getItem(names.table, key)).toBeUndefined();
  });

  it('reads a cell again when a counter it did not have appeared after it was read', async () => {
    // Prepare: between the first read and the move, the old code counts the day's first DNA.
    const key = metricsKeys.cell('2026-11-23', 'ALL');
    await put(names.table, cell('2026-11-23', 'ALL', { booked: 3 }));
    const firstDna = async (_: unknown, attempt: number) => {
      if (attempt === 1) await addOne(key, 'dna');
    };

    // Act
    await moveMetricsCells(db, names, { beforeMove: firstDna });

    // Assert
    expect(await getItem(names.metricsTable, key)).toEqual(cell('2026-11-23', 'ALL', { booked: 3, dna: 1 }));
    expect(await getItem(names.table, key)).toBeUndefined();
  });

  it('counts nothing for a cell that went from the main table before it could be moved', async () => {
    // Prepare: another mover takes the cell between the read and the move.
    const key = metricsKeys.cell('2026-11-23', 'ALL');
    await put(names.table, cell('2026-11-23', 'ALL', { booked: 3 }));
    const takenAway = async (_: unknown, attempt: number) => {
      if (attempt === 1) await db.send(new DeleteCommand({ TableName: names.table, Key: key }));
    };

    // Act
    const result = await moveMetricsCells(db, names, { beforeMove: takenAway });

    // Assert
    expect(result).toEqual({ moved: 0 });
    expect(await itemsOf(names.metricsTable)).toEqual([]);
  });
});

describe('ensureTables', () => {
  it('starts the counters again when the Attend table was gone but the metrics table was not', async () => {
    // Prepare: counted tables (made together, as a start makes them), then the Attend table deleted
    const table = `${names.table}-again`;
    const metricsTable = metricsTableOf(table);
    const raw = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
    try {
      await ensureTables(raw, { table, metricsTable });
      await put(metricsTable, cell('2026-11-23', 'ALL', { booked: 3 }));
      await put(metricsTable, MARKER);
      await raw.send(new DeleteTableCommand({ TableName: table }));

      // Act
      await ensureTables(raw, { table, metricsTable });

      // Assert: only the marker that says there is nothing to move (a re-seed counts afresh)
      expect((await itemsOf(metricsTable)).map((i) => i.entity)).toEqual(['MetricsMoved']);
      // and a start that finds both tables leaves the counters alone
      await put(metricsTable, cell('2026-11-23', 'ALL', { booked: 1 }));
      await ensureTables(raw, { table, metricsTable });
      expect(await getItem(metricsTable, metricsKeys.cell('2026-11-23', 'ALL'))).toMatchObject({ booked: 1 });
    } finally {
      raw.destroy();
    }
  });
});

describe('the local runtime at start-up', () => {
  let runtime: LocalRuntime | undefined;
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  const start = (tableName: string, print: (line: string) => void) =>
    startLocal({
      config: exampleConfig,
      port: 0,
      dynamoEndpoint: endpoint,
      tableName,
      seed: false,
      frozenClock: true,
      startAt: new Date('2026-11-23T06:00:00.000Z'),
      print,
    });

  it('moves the main table’s counter cells once and says how many', async () => {
    // Prepare: the runtime's tables (it names its metrics table `<table>-metrics`, as freshTable does),
    // with a cell left in the main one.
    const key = metricsKeys.cell('2026-11-23', 'ALL');
    await put(names.table, cell('2026-11-23', 'ALL', { booked: 3 }));
    const lines: string[] = [];

    // Act
    runtime = await start(names.table, (line) => lines.push(line));

    // Assert
    expect(lines).toContain('Moved 1 metrics counter cell into the metrics table.');
    expect(await getItem(names.table, key)).toBeUndefined();
    expect(await getItem(names.metricsTable, key)).toMatchObject({ booked: 3 });
    // Done: the next start does not look again, even at a cell put back by hand.
    await runtime.stop();
    await put(names.table, cell('2026-11-23', 'ALL', { booked: 3 }));
    lines.length = 0;
    runtime = await start(names.table, (line) => lines.push(line));
    expect(lines.filter((l) => l.startsWith('Moved'))).toEqual([]);
    expect(await getItem(names.table, key)).toMatchObject({ booked: 3 });
  });

  it('does not look in tables ensureTables made together (a fresh start, the simulator)', async () => {
    // Prepare: a new pair of tables, then a cell put into the Attend table by hand
    const table = `${names.table}-new`;
    const raw = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
    await ensureTables(raw, { table, metricsTable: metricsTableOf(table) });
    raw.destroy();
    const key = metricsKeys.cell('2026-11-23', 'ALL');
    await put(table, cell('2026-11-23', 'ALL', { booked: 3 }));
    const lines: string[] = [];

    // Act
    runtime = await start(table, (line) => lines.push(line));

    // Assert: not scanned, so not moved
    expect(lines.filter((l) => l.startsWith('Moved'))).toEqual([]);
    expect(await getItem(table, key)).toMatchObject({ booked: 3 });
    expect(await getItem(metricsTableOf(table), metricsKeys.moved)).toMatchObject({ entity: 'MetricsMoved' });
  });
});
