/**
 * The metrics counters, in their own table (`ctx.metricsTable`, store/table.ts METRICS_TABLE: no index,
 * no stream): one item per (local day, dimension) cell, holding plain numeric attributes that only ever
 * move by `ADD`. Cells are partitioned by month (`METRICS#2026-11`, sort key
 * `2026-11-16#CLINIC#riverside`), so a year's report is at most 13 Queries. A trust's counters change a
 * few times a second at the very most, far inside one partition's write limit.
 *
 * Exactly-once counting: the increments of one stream record and an "applied" marker for its eventID
 * are written in one transaction, and the marker must not exist yet. A redelivered record fails that
 * condition and changes nothing; a crash part-way leaves nothing half-counted. The marker expires (TTL)
 * well after the stream's 24-hour retention, so nothing can be delivered again once it has gone.
 */
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { calendarDate } from '#core/dates.ts';
import { COUNTERS, type Counters, type Increment, mergeIncrements } from '#core/metrics.ts';
import { withRetry } from '#core/retry.ts';
import * as z from '#core/zod.ts';
import { cancellationReasons, isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { metricsKeys } from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/** How long an applied marker is kept: the stream keeps records 24 hours; three days leaves a margin. */
const MARKER_TTL_SECONDS = 3 * 86_400;
/** A busy day's ALL cell is in most transactions; a clash with another one is retried here first. */
const CONFLICT_ATTEMPTS = 4;

export type ApplyResult = 'applied' | 'duplicate';

/**
 * Applies one change's increments, once per `eventId`: the stream record's eventID, or any id that
 * names one change for good (the demo seed uses the seeded item's id).
 */
export async function applyIncrements(
  ctx: StoreContext,
  eventId: string,
  increments: readonly Increment[],
  now: Date,
): Promise<ApplyResult> {
  const marker = markerItem(eventId, increments.length, now);
  const updates = increments.map(cellUpdate(ctx));
  // Another transaction holding one of the cells cancels this one as a conflict: nothing was written,
  // so trying again is safe. After a few tries the error goes back to the batch, which retries the record.
  try {
    return await withRetry(
      async () => {
        await ctx.db.send(
          new TransactWriteCommand({ TransactItems: [{ Put: markerPut(ctx, marker) }, ...updates] }),
        );
        return 'applied' as const;
      },
      { attempts: CONFLICT_ATTEMPTS, minDelayMs: 20, retryIf: isConflict },
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const reasons = cancellationReasons(err);
    if (reasons[0] === 'ConditionalCheckFailed' || (err as Error).name === 'ConditionalCheckFailedException')
      return 'duplicate';
    throw err;
  }
}

/** A transaction holds at most 100 actions (DynamoDB's TransactWriteItems limit). */
export const MAX_TRANSACTION_ACTIONS = 100;

/** One change's increments, named by the id that makes it count once (see applyIncrements). */
export interface ChangeIncrements {
  eventId: string;
  increments: readonly Increment[];
}

/**
 * Applies several changes' increments in one transaction: an applied marker for each change (none may
 * exist yet) and each touched cell once, with the changes' counts added together. All or nothing, as
 * for one change: so a batch of stream records costs one write call rather than one per record.
 *
 * Returns 'applied', or 'not-applied' when nothing was written because a marker already existed (one of
 * the changes was counted before: the caller counts them one by one, so each is counted once) or the
 * cells stayed contended after a few tries. Throws on anything else. The changes' ids must be distinct,
 * and markers plus distinct cells at most MAX_TRANSACTION_ACTIONS (the caller chunks); otherwise it
 * throws without writing. Cells whose counts add up to nothing are left out (mergeIncrements).
 */
export async function applyIncrementsTogether(
  ctx: StoreContext,
  changes: readonly ChangeIncrements[],
  now: Date,
): Promise<'applied' | 'not-applied'> {
  const ids = new Set(changes.map((c) => c.eventId));
  if (ids.size !== changes.length) throw new Error('applyIncrementsTogether: the same eventId twice');
  const merged = mergeIncrements(changes.flatMap((c) => c.increments));
  const actions = changes.length + merged.length;
  if (actions > MAX_TRANSACTION_ACTIONS)
    throw new Error(`applyIncrementsTogether: ${actions} actions, more than ${MAX_TRANSACTION_ACTIONS}`);
  const markers = changes.map((c) => ({
    Put: markerPut(ctx, markerItem(c.eventId, c.increments.length, now)),
  }));
  try {
    await withRetry(
      () =>
        ctx.db.send(
          new TransactWriteCommand({ TransactItems: [...markers, ...merged.map(cellUpdate(ctx))] }),
        ),
      { attempts: CONFLICT_ATTEMPTS, minDelayMs: 20, retryIf: isConflict },
    );
    return 'applied';
  } catch (err) {
    if (isConditionFailure(err)) return 'not-applied';
    throw err;
  }
}

const isConflict = (err: unknown) =>
  isConditionFailure(err) && cancellationReasons(err).includes('TransactionConflict');

function markerItem(eventId: string, cells: number, now: Date): Record<string, unknown> {
  return {
    ...metricsKeys.applied(eventId),
    entity: 'MetricsApplied',
    cells,
    at: now.toISOString(),
    [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + MARKER_TTL_SECONDS,
  };
}

function markerPut(ctx: StoreContext, item: Record<string, unknown>) {
  return { TableName: ctx.metricsTable, Item: item, ConditionExpression: 'attribute_not_exists(pk)' };
}

/** The transaction Update that adds one cell's counts to its counter cell (and names its day and dimension). */
export function cellUpdate(ctx: StoreContext) {
  return (inc: Increment) => {
    const entries = Object.entries(inc.counters) as [string, number][];
    return {
      Update: {
        TableName: ctx.metricsTable,
        Key: metricsKeys.cell(inc.day, inc.dimension),
        UpdateExpression: `SET entity = :entity, #day = :day, #dimension = :dimension ADD ${entries
          .map((_, i) => `#c${i} :c${i}`)
          .join(', ')}`,
        ExpressionAttributeNames: {
          '#day': 'day',
          '#dimension': 'dimension',
          ...Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
        },
        ExpressionAttributeValues: {
          ':entity': 'MetricsCell',
          ':day': inc.day,
          ':dimension': inc.dimension,
          ...Object.fromEntries(entries.map(([, value], i) => [`:c${i}`, value])),
        },
      },
    };
  };
}

/** A stored counter cell: its day, dimension and counters (the keys and `entity` are dropped). */
export const cellItem = z.extend(
  z.object({
    day: calendarDate,
    dimension: z.string().check(z.minLength(1)),
  }),
  Object.fromEntries(COUNTERS.map((c) => [c, z.optional(z.number())])) as Record<
    (typeof COUNTERS)[number],
    z.ZodMiniOptional<z.ZodMiniNumber>
  >,
);

/** Pattern: every counter cell of the days from `from` to `to` (inclusive), one Query per month. */
export async function metricsCells(ctx: StoreContext, from: string, to: string): Promise<Increment[]> {
  const cells: Increment[] = [];
  for (const month of monthsBetween(from, to)) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await ctx.db.send(
        new QueryCommand({
          TableName: ctx.metricsTable,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': metricsKeys.month(month),
            ':from': metricsKeys.dayRange(from, to).from,
            ':to': metricsKeys.dayRange(from, to).to,
          },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const { day, dimension, ...rest } = cellItem.parse(item);
        const counters = Object.fromEntries(
          Object.entries(rest).filter(([, v]) => typeof v === 'number'),
        ) as Counters;
        cells.push({ day, dimension, counters });
      }
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return cells;
}

function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const last = to.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > last) return months;
    months.push(month);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
}
