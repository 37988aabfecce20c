/**
 * Once a day at letters.batchAt (EventBridge Scheduler, in the trust's zone): makes each clinic's batch
 * of letters for the day, stores it through the letter sink and sends LetterBatchReady
 * (services/letters.ts). A rerun, or a retry, changes nothing twice. Each run first finishes any earlier
 * day's batch still MAKING (its run failed after the scheduler's retries), so none waits for a person;
 * with GOV.UK Notify it also settles, by looking each up in Notify by its reference, letters whose send
 * was cut off. The report counts those batches too.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { lettersFromEnv } from '#runtime/letters-from-env.ts';
import { logger, metrics } from '#runtime/powertools.ts';
import { scheduledRun } from '#runtime/scheduled-run.ts';
import { traceHandler } from '#runtime/tracer.ts';
import { makeLetterBatches } from '#services/letters.ts';

const deps = depsFromEnv(undefined, { letters: lettersFromEnv });

export interface LetterRunReport {
  batches: number;
  letters: number;
}

export const run = async (event?: unknown): Promise<LetterRunReport> => {
  if (!deps.letters) throw new Error('letter-batch has no letters bucket (LETTERS_BUCKET_NAME)');
  const batches = await makeLetterBatches(deps, deps.letters);
  const report = { batches: batches.length, letters: batches.reduce((sum, b) => sum + b.letters, 0) };
  metrics.addMetric('LetterBatches', MetricUnit.Count, report.batches);
  metrics.addMetric('Letters', MetricUnit.Count, report.letters);
  logger.info('letter batches', { ...report, ...scheduledRun(event) });
  return report;
};

export const handler = middy(run)
  .use(traceHandler())
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
