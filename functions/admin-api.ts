/** The staff admin API, on a Lambda function URL (AWS_IAM auth): the IAM door to the route table. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createAdminApi } from '#api/router.ts';
import { cursorCodecFromEnv } from '#runtime/cursor-key.ts';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { logger, tracer } from '#runtime/powertools.ts';
import { callerFromIam } from '#services/iam-door.ts';

const deps = depsFromEnv();
// The IAM door; only the local runtime sets ATTEND_LOCAL_CALLER, making unsigned calls the local admin.
const unsignedLocalAdmin = deps.env.ATTEND_LOCAL_CALLER === 'admin';
const api = createAdminApi(
  { deps, cursors: cursorCodecFromEnv(deps.env) },
  { callerOf: (event) => callerFromIam(event, deps.config, { unsignedLocalAdmin }) },
);

export const handler = middy((event: APIGatewayProxyEventV2, context: Context) => api.resolve(event, context))
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger));
