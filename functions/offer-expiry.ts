/**
 * Every minute (EventBridge Scheduler, Europe/London): sends offer texts that are still unsent, ends
 * offers whose hold lapsed, and sends the next wave (or records the slot unfilled at the cutoff).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { logger, metrics } from '#runtime/powertools.ts';
import { scheduledRun } from '#runtime/scheduled-run.ts';
import { type OfferSweepReport, runOfferSweep } from '#services/backfill.ts';

const deps = depsFromEnv();

export const sweep = async (event?: unknown): Promise<OfferSweepReport> => {
  const report = await runOfferSweep(deps);
  metrics.addMetric('OfferTextsSent', MetricUnit.Count, report.textsSent);
  metrics.addMetric('OffersExpired', MetricUnit.Count, report.expired);
  metrics.addMetric('OfferWavesSent', MetricUnit.Count, report.wavesSent);
  metrics.addMetric('SlotsUnfilled', MetricUnit.Count, report.unfilled);
  if (report.textsSent + report.expired + report.wavesSent + report.unfilled > 0)
    logger.info('offer sweep', { ...report, ...scheduledRun(event) });
  return report;
};

export const handler = middy(sweep).use(injectLambdaContext(logger)).use(logMetrics(metrics));
