/**
 * The web function: the staff app and the parent pages, as server-rendered HTML, behind the browser
 * front door (API Gateway REST API with the trust's domain and AWS WAF; locally, the local runtime).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { logger, tracer } from '#runtime/powertools.ts';
import { createWebApp } from '#web/app.ts';
import { registeredWebAdapters } from '#web/registry.ts';
import { signInNotConfigured } from '#web/staff-session.ts';

const adapters = registeredWebAdapters();
// Until staff sign-in is wired in, nobody is signed in and pages that need sign-in answer 503.
const app = createWebApp(depsFromEnv(), {
  staffSessions: adapters.staffSessions ?? signInNotConfigured,
  ...(adapters.pages && { pages: adapters.pages }),
  ...(adapters.extraTemplates && { extraTemplates: adapters.extraTemplates }),
});

export const handler = middy((event: APIGatewayProxyEvent, _context: Context) => app.handleEvent(event))
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger));
