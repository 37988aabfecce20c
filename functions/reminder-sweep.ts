/** Every 5 minutes (EventBridge Scheduler, Europe/London): send the reminder tiers that are due. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { logger, metrics } from '#runtime/powertools.ts';
import { scheduledRun } from '#runtime/scheduled-run.ts';
import { runReminderSweep, type SweepReport } from '#services/reminders.ts';

const deps = depsFromEnv();

export const sweep = async (
  event?: unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<SweepReport> => {
  // The run stops claiming 30 s before its timeout; whatever is still due waits for the next sweep.
  const report = await runReminderSweep(
    deps,
    context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {},
  );
  metrics.addMetric('RemindersSent', MetricUnit.Count, report.sent);
  metrics.addMetric('RemindersFailed', MetricUnit.Count, report.failed);
  metrics.addMetric('RemindersSkipped', MetricUnit.Count, report.skipped);
  metrics.addMetric('RemindersDeferred', MetricUnit.Count, report.deferred);
  metrics.addMetric('RemindersLeftForNextSweep', MetricUnit.Count, report.leftForNext);
  metrics.addMetric('SweepItemsRead', MetricUnit.Count, report.itemsRead);
  logger.info('reminder sweep finished', { ...report, ...scheduledRun(event) });
  return report;
};

export const handler = middy(sweep).use(injectLambdaContext(logger)).use(logMetrics(metrics));
