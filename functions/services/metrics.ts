/**
 * Metrics: counting changes as they happen (from the table stream) and reporting the counters.
 */

import { addDays, daysBetween } from '#core/dates.ts';
import { ValidationError } from '#core/errors.ts';
import { localDay } from '#core/local-time.ts';
import {
  bookingFacts,
  type Increment,
  type ItemChange,
  incrementsFor,
  messageFacts,
  slotFacts,
} from '#core/metrics.ts';
import { buildReport, type GroupBy, MAX_RANGE_DAYS, type MetricsReport } from '#core/metrics-report.ts';
import type { Client } from '#core/model.ts';
import { getClient, getClients } from '#store/clients.ts';
import {
  applyIncrements,
  applyIncrementsTogether,
  type ChangeIncrements,
  MAX_TRANSACTION_ACTIONS,
  metricsCells,
} from '#store/metrics.ts';
import type { Deps } from './deps.ts';

/** What counting and reporting need: no texts, no events. */
export type MetricsDeps = Pick<Deps, 'store' | 'config' | 'now'>;

/** One table stream record, images already unmarshalled. */
export interface ItemRecord {
  eventId: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' | undefined;
  oldImage?: Record<string, unknown>;
  newImage?: Record<string, unknown>;
}

export type CountOutcome = 'counted' | 'duplicate' | 'nothing-to-count';

/** Reads an image as the entity's facts; an item of another kind is no change to count. */
function changeOf(record: ItemRecord): ItemChange | undefined {
  const entity = record.newImage?.entity ?? record.oldImage?.entity;
  const parse = <T>(schema: { parse(v: unknown): T }, image?: Record<string, unknown>) =>
    image ? schema.parse(image) : undefined;
  if (entity === 'Booking')
    return {
      entity,
      old: parse(bookingFacts, record.oldImage),
      new: parse(bookingFacts, record.newImage),
    };
  if (entity === 'Slot')
    return { entity, old: parse(slotFacts, record.oldImage), new: parse(slotFacts, record.newImage) };
  if (entity === 'Message')
    return {
      entity,
      old: parse(messageFacts, record.oldImage),
      new: parse(messageFacts, record.newImage),
    };
  return undefined;
}

/**
 * The record's change and its increments, when it moves a counter; undefined when it counts nothing (a
 * REMOVE, an item of another kind, a change that moves no counter). Throws on an image that does not read.
 */
function countedChange(
  record: ItemRecord,
  timeZone: string,
): { change: ItemChange; increments: Increment[] } | undefined {
  if (record.eventName === 'REMOVE') return undefined;
  const change = changeOf(record);
  if (!change) return undefined;
  const increments = incrementsFor(change, timeZone);
  return increments.length > 0 ? { change, increments } : undefined;
}

/** The client a booking change is counted under (for the IMD breakdown); none for a slot or a text. */
function bookingClientId(change: ItemChange): string | undefined {
  return change.entity === 'Booking' ? (change.new?.clientId ?? change.old?.clientId) : undefined;
}

/** A booking change's increments again, under its client's IMD decile ("unknown" for an erased client). */
function withImd(
  counted: { change: ItemChange; increments: Increment[] },
  client: Client | undefined,
  timeZone: string,
): Increment[] {
  const { change } = counted;
  return change.entity === 'Booking'
    ? incrementsFor({ ...change, imdDecile: client?.flags.imdDecile }, timeZone)
    : counted.increments;
}

/**
 * Counts one stream record exactly once (see applyIncrements). A booking change that moves a counter
 * reads the client's IMD decile for the deprivation breakdown; an erased client counts as "unknown".
 */
export async function countStreamRecord(deps: MetricsDeps, record: ItemRecord): Promise<CountOutcome> {
  const timeZone = deps.config.timeZone;
  const counted = countedChange(record, timeZone);
  if (!counted) return 'nothing-to-count';
  const clientId = bookingClientId(counted.change);
  const client = clientId ? await getClient(deps.store, clientId) : undefined;
  const increments = withImd(counted, client, timeZone);
  const result = await applyIncrements(deps.store, record.eventId, increments, deps.now());
  return result === 'applied' ? 'counted' : 'duplicate';
}

/** At most this many records' increments go in one transaction (and at most 100 actions in all). */
const RECORDS_PER_TRANSACTION = 25;

/**
 * Counts a batch of stream records together, each exactly once: the records' increments go in as few
 * transactions as fit (markers plus distinct cells ≤ 100, at most RECORDS_PER_TRANSACTION records), and
 * the clients' IMD deciles in one batch read. Returns the outcome of each record it counted, by
 * eventId. A record it did not count (its transaction found a marker, so one of its records was counted
 * before, or the cells stayed contended, or the write failed) is absent: count it with
 * countStreamRecord, which says 'duplicate' or throws as for a single record.
 */
export async function countStreamRecords(
  deps: MetricsDeps,
  records: readonly ItemRecord[],
): Promise<Map<string, CountOutcome>> {
  const outcomes = new Map<string, CountOutcome>();
  const timeZone = deps.config.timeZone;
  const pending: { eventId: string; counted: { change: ItemChange; increments: Increment[] } }[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    let counted: ReturnType<typeof countedChange>;
    try {
      counted = countedChange(record, timeZone);
    } catch {
      continue; // unreadable: countStreamRecord reports it as the single record it is
    }
    if (!counted) outcomes.set(record.eventId, 'nothing-to-count');
    else if (!seen.has(record.eventId)) pending.push({ eventId: record.eventId, counted });
    seen.add(record.eventId); // the same record twice: the second is counted alone
  }
  const clientIds = pending.flatMap(({ counted }) => bookingClientId(counted.change) ?? []);
  const clients =
    clientIds.length > 0 ? await getClients(deps.store, clientIds, { consistentRead: true }) : new Map();
  const changes: ChangeIncrements[] = pending.map(({ eventId, counted }) => {
    const clientId = bookingClientId(counted.change);
    return { eventId, increments: withImd(counted, clientId ? clients.get(clientId) : undefined, timeZone) };
  });
  for (const chunk of transactionChunks(changes)) {
    try {
      if ((await applyIncrementsTogether(deps.store, chunk, deps.now())) === 'applied')
        for (const c of chunk) outcomes.set(c.eventId, 'counted');
    } catch {
      // Left out: each is counted on its own, which retries or reports it.
    }
  }
  return outcomes;
}

/** Consecutive changes grouped so that each group's markers and distinct cells fit one transaction. */
function transactionChunks(changes: readonly ChangeIncrements[]): ChangeIncrements[][] {
  const chunks: ChangeIncrements[][] = [];
  let chunk: ChangeIncrements[] = [];
  let cells = new Set<string>();
  for (const change of changes) {
    const mine = change.increments.map((inc) => `${inc.day}|${inc.dimension}`);
    const grown = new Set([...cells, ...mine]);
    if (
      chunk.length > 0 &&
      (chunk.length + 1 > RECORDS_PER_TRANSACTION || chunk.length + 1 + grown.size > MAX_TRANSACTION_ACTIONS)
    ) {
      chunks.push(chunk);
      chunk = [];
      cells = new Set(mine);
    } else {
      cells = grown;
    }
    chunk.push(change);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

export interface MetricsQuery {
  from?: string;
  to?: string;
  groupBy?: GroupBy;
}

/**
 * The report for [from, to] (local days, inclusive): by default the twelve weeks to today, by week.
 * The range may span at most a year.
 */
export async function metricsReport(deps: MetricsDeps, query: MetricsQuery): Promise<MetricsReport> {
  const today = localDay(deps.now(), deps.config.timeZone);
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -83);
  if (from > to) {
    throw new ValidationError('Query string is invalid', [
      { field: 'query.from', message: 'must be on or before "to"' },
    ]);
  }
  if (dayCount(from, to) > MAX_RANGE_DAYS) {
    throw new ValidationError('Query string is invalid', [
      { field: 'query.to', message: `the range may span at most ${MAX_RANGE_DAYS} days` },
    ]);
  }
  const cells = await metricsCells(deps.store, from, to);
  return buildReport(cells, {
    from,
    to,
    groupBy: query.groupBy ?? 'week',
    pricePerSegmentGbp: deps.config.costs.pricePerSegmentGbp,
    pricePerLetterGbp: deps.config.letters.costPerLetterGbp,
  });
}

const dayCount = (from: string, to: string) => daysBetween(from, to) + 1;
