/**
 * Moves the metrics counter cells that an earlier Attend wrote into the main table over to the metrics
 * table (store/table.ts METRICS_TABLE), so a developer whose `.attend/<trust>/` data predates that table
 * keeps the history `/metrics` shows instead of finding zeros. The local runtime runs it at start, before
 * the stream is read (local/runtime.ts, moveMetricsCellsOnce), until a marker in the metrics table
 * (`metricsKeys.moved`) says it is done. ensureTables writes that marker when it makes both tables
 * together (nothing to move), so a fresh start, and the simulator's Kent-sized table, is never scanned.
 *
 * Only the local runtime needs this: no trust has deployed Attend to AWS yet, so no deployed main table
 * holds counters (as README says of the indexes, in "Upgrading a stack deployed before these indexes").
 *
 * How: a Scan of the main table for `entity = MetricsCell`, paginated, with a FilterExpression. A Scan
 * reads the whole table, which is fine for local data (the demo is a few thousand items); it is not a
 * pattern for a deployed table. Each cell found moves in ONE TransactWriteItems: an Update of the cell
 * with the same keys in the metrics table that ADDs each counter (store/metrics.ts cellUpdate, so counts
 * the new code has already written there are added to, not overwritten), and a Delete of the old cell
 * whose condition is that it still exists, every counter still has the value read, and no other counter
 * has appeared. So a second run, or a crash part-way, never counts a cell twice; and a cell changed
 * between the read and the move fails the condition, is read again and moved with its new counts (a few
 * tries, then the error goes up and the start fails, with nothing half-moved).
 *
 * The exactly-once markers (`entity: 'MetricsApplied'`) are not moved: they only guard stream records of
 * the last 24 hours against a second count, and those left in the main table expire by their TTL.
 *
 * It logs nothing itself (the counters are aggregates, but no item is ever printed); the runtime prints
 * how many cells moved. The Deletes reach the main table's stream as REMOVE records, which neither stream
 * mapping's filters pass.
 */
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mapWithConcurrency } from '#core/concurrency.ts';
import { COUNTERS, type Counters } from '#core/metrics.ts';
import { withRetry } from '#core/retry.ts';
import { cancellationReasons, type DocClient, isConditionFailure } from '#store/client.ts';
import { metricsKeys } from '#store/keys.ts';
import { cellItem, cellUpdate } from '#store/metrics.ts';

/** Tries per cell: the first, then one after each change of the cell (or transaction conflict) seen. */
const MOVE_ATTEMPTS = 5;
/** Cells moved at once: each transaction touches its own two items, so they never contend. */
const MOVE_CONCURRENCY = 8;

export interface MoveMetricsOptions {
  /**
   * Called before each try to move a cell, with the cell's keys and the try's number (from 1), after the
   * cell was read for that try. Tests change the cell here; nothing else needs it.
   */
  beforeMove?: (key: CellKey, attempt: number) => Promise<void>;
}

interface CellKey {
  pk: string;
  sk: string;
}

/**
 * Moves the cells once: nothing if the metrics table has the marker (`metricsKeys.moved`), otherwise
 * moveMetricsCells, then the marker. A start that fails part-way leaves no marker, so the next one
 * finishes the move (moving a cell twice is impossible, see moveCell). Returns how many cells moved.
 */
export async function moveMetricsCellsOnce(
  db: DocClient,
  names: { table: string; metricsTable: string },
  options: MoveMetricsOptions = {},
): Promise<{ moved: number }> {
  const done = await db.send(
    new GetCommand({ TableName: names.metricsTable, Key: metricsKeys.moved, ConsistentRead: true }),
  );
  if (done.Item) return { moved: 0 };
  const result = await moveMetricsCells(db, names, options);
  await db.send(new PutCommand({ TableName: names.metricsTable, Item: movedMarker() }));
  return result;
}

/** Writes the marker that says there is nothing (more) to move, through a low-level client (ensureTables). */
export async function markMetricsMoved(client: DynamoDBClient, metricsTable: string): Promise<void> {
  await client.send(new PutItemCommand({ TableName: metricsTable, Item: marshall(movedMarker()) }));
}

const movedMarker = () => ({ ...metricsKeys.moved, entity: 'MetricsMoved', at: new Date().toISOString() });

/**
 * Moves every counter cell from `names.table` to `names.metricsTable` (both must exist). Returns how many
 * cells this call moved (0 when there were none). Throws what DynamoDB throws, and when a cell still
 * changed or clashed after MOVE_ATTEMPTS tries, or a cell's keys do not match its day and dimension;
 * the cells moved before the error stay moved, and the ones not yet moved stay where they were.
 */
export async function moveMetricsCells(
  db: DocClient,
  names: { table: string; metricsTable: string },
  options: MoveMetricsOptions = {},
): Promise<{ moved: number }> {
  let moved = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: names.table,
        FilterExpression: '#entity = :cell',
        ExpressionAttributeNames: { '#entity': 'entity' },
        ExpressionAttributeValues: { ':cell': 'MetricsCell' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    // Deleting the items of a page already read does not disturb the Scan's next page.
    const results = await mapWithConcurrency(page.Items ?? [], MOVE_CONCURRENCY, (item) =>
      moveCell(db, names, item, options),
    );
    moved += results.filter(Boolean).length;
    start = page.LastEvaluatedKey;
  } while (start);
  return { moved };
}

/** Moves one cell; false when it had gone from the main table before this could move it. */
async function moveCell(
  db: DocClient,
  names: { table: string; metricsTable: string },
  read: Record<string, unknown>,
  options: MoveMetricsOptions,
): Promise<boolean> {
  const key: CellKey = { pk: String(read.pk), sk: String(read.sk) };
  return withRetry(
    async (attempt) => {
      const item =
        attempt === 1
          ? read
          : (await db.send(new GetCommand({ TableName: names.table, Key: key, ConsistentRead: true }))).Item;
      if (item?.entity !== 'MetricsCell') return false;
      await options.beforeMove?.(key, attempt);
      await db.send(new TransactWriteCommand({ TransactItems: moveActions(db, names, key, item) }));
      return true;
    },
    { attempts: MOVE_ATTEMPTS, minDelayMs: 20, retryIf: changedOrClashed },
  );
}

/** The cell changed (or went) since it was read, or another transaction held one of its items. */
const changedOrClashed = (err: unknown) =>
  isConditionFailure(err) &&
  cancellationReasons(err).some((r) => r === 'ConditionalCheckFailed' || r === 'TransactionConflict');

/** The transaction's actions: add the counts to the metrics table's cell, and delete the cell as read. */
function moveActions(
  db: DocClient,
  names: { table: string; metricsTable: string },
  key: CellKey,
  item: Record<string, unknown>,
) {
  const { day, dimension } = cellItem.parse(item);
  const target = metricsKeys.cell(day, dimension);
  if (target.pk !== key.pk || target.sk !== key.sk)
    throw new Error(`moveMetricsCells: the cell at ${key.pk} ${key.sk} names another day or dimension`);
  // Every numeric attribute is a counter (the keys and the names are strings): one the code no longer
  // lists is moved too rather than lost.
  const counters = Object.fromEntries(
    Object.entries(item).filter(([, value]) => typeof value === 'number'),
  ) as Counters;
  const held = Object.entries(counters);
  const absent = COUNTERS.filter((counter) => !(counter in counters));
  const remove = {
    Delete: {
      TableName: names.table,
      Key: key,
      ConditionExpression: [
        'attribute_exists(pk)',
        ...held.map((_, i) => `#c${i} = :c${i}`),
        ...absent.map((_, i) => `attribute_not_exists(#a${i})`),
      ].join(' AND '),
      ExpressionAttributeNames: {
        ...Object.fromEntries(held.map(([name], i) => [`#c${i}`, name])),
        ...Object.fromEntries(absent.map((name, i) => [`#a${i}`, name])),
      },
      ...(held.length > 0 && {
        ExpressionAttributeValues: Object.fromEntries(held.map(([, value], i) => [`:c${i}`, value])),
      }),
    },
  };
  // A cell with no counter carries nothing to add: it is only deleted.
  if (held.length === 0) return [remove];
  const add = cellUpdate({ db, table: names.table, metricsTable: names.metricsTable })({
    day,
    dimension,
    counters,
  });
  return [add, remove];
}
