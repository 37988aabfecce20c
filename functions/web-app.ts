/**
 * The web function: the staff app and the parent pages, as server-rendered HTML, behind the browser
 * front door (API Gateway REST API with the trust's domain and AWS WAF; locally, the local runtime).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { parseTrustConfig } from '#core/config/trust-config.ts';
import { cursorCodecFromEnv } from '#runtime/cursor-key.ts';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { parseEnv } from '#runtime/env.ts';
import { lettersFromEnv } from '#runtime/letters-from-env.ts';
import { logger } from '#runtime/powertools.ts';
import { staffAuthFromEnv } from '#runtime/staff-auth-from-env.ts';
import { traceHandler } from '#runtime/tracer.ts';
import { createWebApp } from '#web/app.ts';
import { registeredWebAdapters } from '#web/registry.ts';
import { signInNotConfigured } from '#web/staff-session.ts';

const adapters = registeredWebAdapters();
// The whole trust config: this function reads `staffAccess` (and the event path's parse leaves it out).
const deps = depsFromEnv(parseEnv(process.env, parseTrustConfig), { letters: lettersFromEnv });
const oidc = deps.config.staffAccess.oidc;
// Staff sign in through the trust's identity provider when staffAccess.oidc is configured; otherwise
// nobody is signed in and pages that need sign-in answer 503. Tests may register their own port.
const staffAuth = !adapters.staffSessions && oidc ? staffAuthFromEnv(deps) : undefined;
const app = createWebApp(deps, {
  staffSessions: adapters.staffSessions ?? staffAuth ?? signInNotConfigured,
  ...(staffAuth && { signIn: staffAuth }),
  // Sign-out ends at the provider's own sign-out page: a redirect after a form post, which form-action governs.
  ...(oidc && { formActionOrigins: [new URL(oidc.issuer).origin] }),
  ...(adapters.pages && { pages: adapters.pages }),
  ...(adapters.extraTemplates && { extraTemplates: adapters.extraTemplates }),
  // The route table, for pages (page.invoke) and the browser door's JSON API under /staff/api.
  routes: { deps, cursors: cursorCodecFromEnv(deps.env) },
});

export const handler = middy((event: APIGatewayProxyEvent, _context: Context) => app.handleEvent(event))
  .use(traceHandler({ captureResponse: false }))
  .use(injectLambdaContext(logger));
