/**
 * Keeps the metrics counters up to date from the table stream. The event source mapping's filters
 * (functions/store/metrics-stream-filters.ts) pass only bookings, freed slots and outbound texts; each
 * record becomes counter increments on per-day cells (functions/core/metrics.ts).
 *
 * Exactly once: the increments and an "applied" marker for the record's eventID go in one conditional
 * transaction (functions/store/metrics.ts), rather than through Powertools Idempotency. Idempotency
 * saves its record in one write and the handler's effect in others, so a crash between them, or a
 * failure part-way through the several counter cells a record moves, would count again on the retry;
 * `ADD` is not idempotent, so the marker has to land in the same transaction as the counts.
 *
 * A batch's records are counted together first, in as few transactions as fit (markers plus distinct
 * cells ≤ 100): one write for many records. A record left out (its transaction found an applied
 * marker, or stayed contended) is then counted on its own, so a redelivered record is a duplicate as
 * before. Records are handled one after another: they often touch the same day's cells, and
 * transactions on the same item at once would only conflict. A record that is not a booking, slot or text is skipped and
 * counted; one that is but cannot be read, or fails to count, is reported as a batch item failure, so the
 * mapping retries (bisects, then dead-letters) it without holding back the rest of the shard
 * (functions/runtime/stream-batch.ts).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import * as z from '#core/zod.ts';
import { clock } from '#runtime/clock.ts';
import { parseEnv } from '#runtime/env.ts';
import { logger, metrics } from '#runtime/powertools.ts';
import { storeFromEnv } from '#runtime/store-from-env.ts';
import { streamBatchHandler } from '#runtime/stream-batch.ts';
import {
  type CountOutcome,
  countStreamRecord,
  countStreamRecords,
  type ItemRecord,
  type MetricsDeps,
} from '#services/metrics.ts';

const env = parseEnv();
const deps: MetricsDeps = { store: storeFromEnv(env), config: env.trust, now: clock.now };
/** The entities whose changes move a counter (the mapping's filters pass only these). */
const COUNTED = new Set(['Booking', 'Slot', 'Message']);
const image = z.optional(z.record(z.string(), z.unknown()));

/** Without its eventID a record cannot be counted exactly once: it is unreadable, and ends in the DLQ. */
const countedRecord = z.pipe(
  z.object({
    eventID: z.string().check(z.minLength(1)),
    eventName: z.enum(['INSERT', 'MODIFY', 'REMOVE']),
    dynamodb: z.object({ NewImage: image, OldImage: image }),
  }),
  z.transform(
    (record): ItemRecord => ({
      eventId: record.eventID,
      eventName: record.eventName,
      oldImage: record.dynamodb.OldImage,
      newImage: record.dynamodb.NewImage,
    }),
  ),
);

/** The outcomes of this batch's records counted together (prepare), by eventID; reset for each batch. */
let counted = new Map<string, CountOutcome>();

export const processEvent = streamBatchHandler({
  isOurs: (record) => {
    const entity = record.dynamodb.NewImage?.entity ?? record.dynamodb.OldImage?.entity;
    return typeof entity === 'string' && COUNTED.has(entity);
  },
  schema: countedRecord,
  // The batch's records counted together first: one transaction for many records, not one each.
  async prepare(records) {
    counted = new Map();
    counted = await countStreamRecords(deps, records);
  },
  async handle(record): Promise<CountOutcome> {
    const outcome = counted.get(record.eventId) ?? (await countStreamRecord(deps, record));
    metrics.addMetric(`MetricsRecord_${outcome}`, MetricUnit.Count, 1);
    if (outcome === 'duplicate') logger.info('stream record already counted', { eventID: record.eventId });
    return outcome;
  },
  log: logger,
  processInParallel: false,
});

export const handler = middy(processEvent).use(injectLambdaContext(logger)).use(logMetrics(metrics));
