/**
 * Freed slots from the table stream (the event source mapping's filter passes only slots whose status
 * became FREE). Each record starts a short-notice run for its slot. Powertools Batch reports partial
 * failures so one bad record is retried (and bisected, then dead-lettered) without blocking the shard;
 * Powertools Idempotency and the slot's run id make a redelivered record change nothing.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { AttributeValue, Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { idempotencyStore } from '#runtime/idempotency.ts';
import { logger, metrics, tracer } from '#runtime/powertools.ts';
import { type StartOutcome, startBackfill } from '#services/backfill.ts';

const deps = depsFromEnv();
const processor = new BatchProcessor(EventType.DynamoDBStreams);
const idempotency = new IdempotencyConfig({
  eventKeyJmesPath: '[slotId, runId]',
  expiresAfterSeconds: 24 * 3600,
});

const freedSlot = z.object({
  entity: z.literal('Slot'),
  id: z.string().min(1),
  freedAt: z.string().optional(),
});

const startOnce = makeIdempotent(
  async (freed: { slotId: string; runId: string }): Promise<StartOutcome> =>
    startBackfill(deps, freed.slotId),
  { persistenceStore: idempotencyStore(deps.env), config: idempotency },
);

const recordHandler = async (record: DynamoDBRecord): Promise<StartOutcome> => {
  const image = record.dynamodb?.NewImage;
  // A record that is not a slot image can never succeed: it fails, is retried, and ends in the DLQ.
  const slot = freedSlot.parse(image ? unmarshall(image as Record<string, AttributeValue> as never) : {});
  const outcome = await startOnce({ slotId: slot.id, runId: slot.freedAt ?? 'none' });
  metrics.addMetric(`Backfill_${outcome}`, MetricUnit.Count, 1);
  logger.info('freed slot handled', { slotId: slot.id, outcome });
  return outcome;
};

export const processEvent = async (event: DynamoDBStreamEvent, context: Context) => {
  idempotency.registerLambdaContext(context);
  return processPartialResponse(event, recordHandler, processor, { context });
};

export const handler = middy(processEvent)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
