/**
 * Parents' replies: AWS End User Messaging → SNS topic → this function. Each record is parsed with the
 * SNS schema in runtime/event-schemas.ts and the End User Messaging payload's, handled at most once per
 * inboundMessageId (Powertools Idempotency), and a malformed record is counted and acknowledged
 * rather than retried for ever.
 */

import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { inboundSmsSchema } from '#messaging/inbound-sms-schema.ts';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { jsonStringified, snsEvent } from '#runtime/event-schemas.ts';
import { idempotencyStore } from '#runtime/idempotency.ts';
import { logger, metrics } from '#runtime/powertools.ts';
import type { Deps } from '#services/deps.ts';
import { handleInboundSms, type InboundSms, type ReplyResult } from '#services/replies.ts';

const deps = depsFromEnv();
if (!deps.env.IDEMPOTENCY_TABLE_NAME)
  throw new Error('Invalid environment:\n  IDEMPOTENCY_TABLE_NAME: required');

const persistenceStore = idempotencyStore(deps.env);
const idempotency = new IdempotencyConfig({
  eventKeyJmesPath: 'inboundMessageId',
  // SNS retries for hours at most; a day covers every redelivery.
  expiresAfterSeconds: 24 * 3600,
});

const handleOnce = makeIdempotent(
  (_deps: Deps, sms: InboundSms): Promise<ReplyResult> => handleInboundSms(_deps, sms),
  {
    persistenceStore,
    config: idempotency,
    dataIndexArgument: 1,
  },
);

const messageSchema = jsonStringified(inboundSmsSchema);

export const processEvent = async (
  event: unknown,
  context: Context,
): Promise<{ handled: number; malformed: number }> => {
  idempotency.registerLambdaContext(context);
  const envelope = snsEvent.safeParse(event);
  if (!envelope.success) {
    // Not an SNS event at all: nothing to retry that would ever succeed.
    metrics.addMetric('InboundMalformed', MetricUnit.Count, 1);
    logger.error('inbound event is not an SNS event', {
      issues: envelope.error.issues.map((i) => i.path.join('.')),
    });
    return { handled: 0, malformed: 1 };
  }
  let handled = 0;
  let malformed = 0;
  for (const record of envelope.data.Records) {
    const parsed = messageSchema.safeParse(record.Sns.Message);
    if (!parsed.success) {
      // Only the failing field paths are logged: the payload holds a phone number and the parent's words.
      malformed++;
      metrics.addMetric('InboundMalformed', MetricUnit.Count, 1);
      logger.error('malformed inbound SMS acknowledged without action', {
        snsMessageId: record.Sns.MessageId,
        fields: parsed.error.issues.map((i) => i.path.join('.')),
      });
      continue;
    }
    const sms = parsed.data;
    const result = await handleOnce(deps, {
      from: sms.originationNumber,
      to: sms.destinationNumber,
      body: sms.messageBody,
      inboundMessageId: sms.inboundMessageId,
      previousPublishedMessageId: sms.previousPublishedMessageId,
    });
    handled++;
    metrics.addMetric(`Reply_${result.outcome}`, MetricUnit.Count, 1);
    logger.info('inbound SMS handled', {
      snsMessageId: record.Sns.MessageId,
      outcome: result.outcome,
      intent: result.intent,
    });
  }
  return { handled, malformed };
};

export const handler = middy(processEvent).use(injectLambdaContext(logger)).use(logMetrics(metrics));
