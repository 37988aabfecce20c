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
 * Records are handled one after another: they often touch the same day's cells, and transactions on the
 * same item at once would only conflict. Powertools Batch reports each failed record, so the mapping
 * retries (bisects, then dead-letters) it without holding back the rest of the shard.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { AttributeValue, Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { clock } from '#runtime/clock.ts';
import { parseEnv } from '#runtime/env.ts';
import { logger, metrics, tracer } from '#runtime/powertools.ts';
import { storeFromEnv } from '#runtime/store-from-env.ts';
import { type CountOutcome, countStreamRecord, type MetricsDeps } from '#services/metrics.ts';

const env = parseEnv();
const deps: MetricsDeps = { store: storeFromEnv(env), config: env.trust, now: clock.now };
const processor = new BatchProcessor(EventType.DynamoDBStreams);

const image = (value: Record<string, AttributeValue> | undefined) =>
  value ? (unmarshall(value as never) as Record<string, unknown>) : undefined;

const recordHandler = async (record: DynamoDBRecord): Promise<CountOutcome> => {
  // Without its eventID a record cannot be counted exactly once: it fails, and ends in the DLQ.
  if (!record.eventID) throw new Error('stream record has no eventID');
  const outcome = await countStreamRecord(deps, {
    eventId: record.eventID,
    eventName: record.eventName,
    oldImage: image(record.dynamodb?.OldImage),
    newImage: image(record.dynamodb?.NewImage),
  });
  metrics.addMetric(`MetricsRecord_${outcome}`, MetricUnit.Count, 1);
  if (outcome === 'duplicate') logger.info('stream record already counted', { eventID: record.eventID });
  return outcome;
};

export const processEvent = async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context, processInParallel: false });

export const handler = middy(processEvent)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
