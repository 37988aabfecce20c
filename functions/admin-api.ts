/** The staff admin API, on a Lambda function URL (AWS_IAM auth). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createAdminRouter } from '#api/router.ts';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { logger, tracer } from '#runtime/powertools.ts';

const router = createAdminRouter(depsFromEnv());

export const handler = middy((event: APIGatewayProxyEventV2, context: Context) =>
  router.resolve(event, context),
)
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger));
