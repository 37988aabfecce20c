import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * One Logger and Metrics per cold start (Tracer, where a function keeps it, is in tracer.ts). Nothing
 * that identifies a family (phone numbers, names, message bodies) is ever passed to the logger; log ids
 * instead.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'attend' });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Attend',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'attend',
});
