/** The staff admin API, on a Lambda function URL (AWS_IAM auth): the IAM door to the route table. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createAdminApi } from '#api/router.ts';
import { parseTrustConfig } from '#core/config/trust-config.ts';
import { cursorCodecFromEnv } from '#runtime/cursor-key.ts';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { parseEnv } from '#runtime/env.ts';
import { normaliseFunctionUrlEvent } from '#runtime/function-url-event.ts';
import { errorResponse } from '#runtime/http.ts';
import { lettersFromEnv } from '#runtime/letters-from-env.ts';
import { logger } from '#runtime/powertools.ts';
import { traceHandler } from '#runtime/tracer.ts';
import { callerFromIam } from '#services/iam-door.ts';

// The whole trust config: this function reads `staffAccess` (and the event path's parse leaves it out).
const deps = depsFromEnv(parseEnv(process.env, parseTrustConfig), { letters: lettersFromEnv });
// The IAM door; only the local runtime sets ATTEND_LOCAL_CALLER, making unsigned calls the local admin.
const unsignedLocalAdmin = deps.env.ATTEND_LOCAL_CALLER === 'admin';
const api = createAdminApi(
  { deps, cursors: cursorCodecFromEnv(deps.env) },
  { callerOf: (event) => callerFromIam(event, deps.config, { unsignedLocalAdmin }) },
);

/** A function URL turns a throw into a bare 502; the caller gets the API's error shape instead. */
async function asProxyResult(response: Response): Promise<APIGatewayProxyStructuredResultV2> {
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: await response.text(),
    isBase64Encoded: false,
  };
}

export const processEvent = async (
  event: unknown,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const edge = normaliseFunctionUrlEvent(event);
  if (!edge.ok) return edge.response;
  try {
    return await api.resolve(edge.event, context);
  } catch (err) {
    return asProxyResult(errorResponse(err, logger));
  }
};

export const handler = middy(processEvent)
  .use(traceHandler({ captureResponse: false }))
  .use(injectLambdaContext(logger));
