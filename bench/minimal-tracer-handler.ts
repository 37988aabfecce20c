/**
 * The Tracer yardstick for `npm run bench`'s Lambda table: the minimal Logger handler plus Powertools
 * Tracer as the functions used it (captureLambdaHandler through middy; Tracer's AWS SDK capture lives
 * in the same aws-xray-sdk-core it loads). Its difference from minimal-handler.ts is what Tracer costs a function, measured
 * in the same run: the price of keeping Tracer on the event path (README, "Small, quick Lambdas").
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';

const logger = new Logger({ serviceName: 'minimal-tracer' });
const tracer = new Tracer({ serviceName: 'minimal-tracer' });

export const handler = middy(async (): Promise<{ ok: true }> => {
  logger.info('minimal handler with Tracer ran');
  return { ok: true };
}).use(captureLambdaHandler(tracer));
