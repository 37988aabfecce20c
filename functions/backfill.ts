/**
 * Freed slots from the table stream (the event source mapping's filter passes only slots whose status
 * became FREE). Each record starts a short-notice run for its slot. A record that is not a slot is
 * skipped and counted; a slot record that cannot be read is reported as a batch item failure, so it is
 * retried (and bisected, then dead-lettered) without blocking the shard (functions/runtime/stream-batch.ts).
 * Powertools Idempotency and the slot's run id make a redelivered record change nothing.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from '#core/zod.ts';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { idempotencyStore } from '#runtime/idempotency.ts';
import { logger, metrics } from '#runtime/powertools.ts';
import { streamBatchHandler } from '#runtime/stream-batch.ts';
import { type StartOutcome, startBackfill } from '#services/backfill.ts';

const deps = depsFromEnv();
const idempotency = new IdempotencyConfig({
  eventKeyJmesPath: '[slotId, runId]',
  expiresAfterSeconds: 24 * 3600,
});

/** The new image of a freed slot: the only record this consumer handles. */
const freedSlot = z.pipe(
  z.object({
    dynamodb: z.object({
      NewImage: z.object({
        entity: z.literal('Slot'),
        id: z.string().check(z.minLength(1)),
        freedAt: z.optional(z.string()),
      }),
    }),
  }),
  z.transform((record) => record.dynamodb.NewImage),
);

const startOnce = makeIdempotent(
  async (freed: { slotId: string; runId: string }): Promise<StartOutcome> =>
    startBackfill(deps, freed.slotId),
  { persistenceStore: idempotencyStore(deps.env), config: idempotency },
);

const processBatch = streamBatchHandler({
  isOurs: (record) => record.dynamodb.NewImage?.entity === 'Slot',
  schema: freedSlot,
  async handle(slot): Promise<StartOutcome> {
    const outcome = await startOnce({ slotId: slot.id, runId: slot.freedAt ?? 'none' });
    metrics.addMetric(`Backfill_${outcome}`, MetricUnit.Count, 1);
    logger.info('freed slot handled', { slotId: slot.id, outcome });
    return outcome;
  },
  log: logger,
});

export const processEvent = async (event: DynamoDBStreamEvent, context: Context) => {
  idempotency.registerLambdaContext(context);
  return processBatch(event, context);
};

export const handler = middy(processEvent).use(injectLambdaContext(logger)).use(logMetrics(metrics));
