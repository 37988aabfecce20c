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
import { getClient } from '#store/clients.ts';
import { applyIncrements, metricsCells } from '#store/metrics.ts';
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
 * Counts one stream record exactly once (see applyIncrements). A booking change that moves a counter
 * reads the client's IMD decile for the deprivation breakdown; an erased client counts as "unknown".
 */
export async function countStreamRecord(deps: MetricsDeps, record: ItemRecord): Promise<CountOutcome> {
  if (record.eventName === 'REMOVE') return 'nothing-to-count';
  const change = changeOf(record);
  if (!change) return 'nothing-to-count';
  const timeZone = deps.config.timeZone;
  let increments: Increment[] = incrementsFor(change, timeZone);
  if (increments.length === 0) return 'nothing-to-count';
  if (change.entity === 'Booking') {
    const clientId = change.new?.clientId ?? change.old?.clientId;
    const client = clientId ? await getClient(deps.store, clientId) : undefined;
    increments = incrementsFor({ ...change, imdDecile: client?.flags.imdDecile }, timeZone);
  }
  const result = await applyIncrements(deps.store, record.eventId, increments, deps.now());
  return result === 'applied' ? 'counted' : 'duplicate';
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
