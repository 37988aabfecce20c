/**
 * Powertools Tracer, for the functions that keep it (admin-api, web-app and letter-batch: not on the
 * event path). Importing this module also makes every AWS SDK client the runtime creates afterwards a
 * traced one, so DynamoDB, Secrets Manager, SMS and EventBridge calls appear as X-Ray subsegments.
 * The event-path functions do not import it (README, "Small, quick Lambdas").
 *
 * Where tracing is off (POWERTOOLS_TRACE_ENABLED "false" or "0": the local runtime, the simulator),
 * Tracer is not loaded at all. Tracer brings aws-xray-sdk-core, whose context (cls-hooked) installs
 * async hooks that run on every promise in the process, and locally every function shares one
 * process: the hooks cost the month's simulation about a tenth of its Node CPU for nothing.
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';
import { captureAwsClientsWith } from './aws-clients.ts';

const off = ['false', '0'].includes(process.env.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() ?? '');

/** The function's Tracer; undefined where tracing is off (see the top). */
export const tracer: Tracer | undefined = off
  ? undefined
  : new (await import('@aws-lambda-powertools/tracer')).Tracer({
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'attend',
    });

if (tracer) captureAwsClientsWith((client) => tracer.captureAWSv3Client(client));

/**
 * For middy's `use`: Powertools' captureLambdaHandler middleware, or none where tracing is off (middy
 * refuses a middleware with no hooks, and takes a list).
 */
export function traceHandler(options?: Parameters<typeof captureLambdaHandler>[1]): MiddlewareObj[] {
  return tracer ? [captureLambdaHandler(tracer, options)] : [];
}
