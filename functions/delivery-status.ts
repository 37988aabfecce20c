/**
 * Delivery status of texts: End User Messaging (a configuration set's event destination) → SNS topic →
 * this function. Each record's message is one SMS event; it is read with zod, turned into a delivery
 * report (core/delivery-status.ts) and applied idempotently and in any order (services/delivery.ts). A
 * malformed record or an unknown status is counted and acknowledged: retrying it would never succeed.
 * The events carry both phone numbers, so only ids, statuses and field paths are ever logged.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { deliveryReportFromEum, eumSmsEventSchema } from '#core/delivery-status.ts';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { jsonStringified, snsEvent } from '#runtime/event-schemas.ts';
import { logger, metrics } from '#runtime/powertools.ts';
import { applyDeliveryReport } from '#services/delivery.ts';

const deps = depsFromEnv();
// Our own SNS schema, not Powertools Parser's: Parser's modules import `{ z }`, which brings every zod
// locale into the bundle (functions/runtime/event-schemas.ts).
const eventSchema = jsonStringified(eumSmsEventSchema);

export const processEvent = async (event: unknown): Promise<{ applied: number; ignored: number }> => {
  const envelope = snsEvent.safeParse(event);
  if (!envelope.success) {
    metrics.addMetric('DeliveryStatusMalformed', MetricUnit.Count, 1);
    logger.error('delivery status event is not an SNS event', {
      issues: envelope.error.issues.map((i) => i.path.join('.')),
    });
    return { applied: 0, ignored: 1 };
  }
  let applied = 0;
  let ignored = 0;
  for (const record of envelope.data.Records) {
    const parsed = eventSchema.safeParse(record.Sns.Message);
    if (!parsed.success) {
      ignored++;
      metrics.addMetric('DeliveryStatusMalformed', MetricUnit.Count, 1);
      logger.error('malformed delivery status acknowledged without action', {
        snsMessageId: record.Sns.MessageId,
        fields: parsed.error.issues.map((i) => i.path.join('.')),
      });
      continue;
    }
    const report = deliveryReportFromEum(parsed.data);
    if (!report) {
      ignored++;
      logger.warn('unknown delivery status acknowledged without action', {
        snsMessageId: record.Sns.MessageId,
        messageStatus: parsed.data.messageStatus.slice(0, 60),
      });
      continue;
    }
    const result = await applyDeliveryReport(deps, report);
    if (result.outcome === 'applied') applied++;
    else ignored++;
    metrics.addMetric(
      `Delivery_${result.outcome === 'applied' ? report.status : result.outcome}`,
      MetricUnit.Count,
      1,
    );
  }
  return { applied, ignored };
};

export const handler = middy(processEvent).use(injectLambdaContext(logger)).use(logMetrics(metrics));
