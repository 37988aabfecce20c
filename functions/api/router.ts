/**
 * The IAM door: the admin API on its AWS_IAM function URL, a Powertools router whose routes are
 * registered from the route table. The caller comes from the request context (`callerFromIam`: the
 * principal mapped through `staffAccess.iamRoles`, no mapping → 403); the permission check, input,
 * cursors and audit are the table's (dispatch.ts).
 *
 * Before the router sees a request, the edge answers what the router would not answer in the API's error
 * shape: a method a path does not serve (405 with `Allow`; Powertools answers an unknown method with a
 * bare 405 and a known one on the wrong path with 404) and a path whose percent-escapes do not decode
 * (400; Powertools' decoding throws).
 */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { TrustConfig } from '#core/config/trust-config.ts';
import type { Caller } from '#core/roles.ts';
import { errorResponse, json } from '#runtime/http.ts';
import type { Deps, Log } from '#services/deps.ts';
import { callerFromIam } from '#services/iam-door.ts';
import { answerRequest, notServed, type RouteContext } from './dispatch.ts';
import { matchRoute } from './match.ts';
import { ROUTES } from './routes.ts';

/** Who made a request, from its event: the IAM door (or, in the local runtime, the unsigned local admin). */
export type CallerOf = (event: unknown) => Caller | undefined;

/** `/bookings/{id}/cancel` → `/bookings/:id/cancel`, as Powertools writes path parameters. */
export const powertoolsPath = (path: string): `/${string}` =>
  // Powertools takes a parameter only as a whole segment: `{batchId}.pdf` is registered as `:batchId`
  // (a file route is answered before the router anyway; see `resolve`).
  path.replace(/\{(\w+)\}(\.[a-z]+)?/g, ':$1') as `/${string}`;

export interface AdminApi {
  /** The Powertools router, with every route of the table registered. */
  readonly router: Router;
  /** Answers a function URL event (payload 2.0): the edge, then the router. */
  resolve(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2>;
}

async function proxyResult(response: Response): Promise<APIGatewayProxyStructuredResultV2> {
  const type = response.headers.get('content-type') ?? '';
  const binary = !type.startsWith('application/json') && !type.startsWith('text/');
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: binary ? Buffer.from(await response.arrayBuffer()).toString('base64') : await response.text(),
    isBase64Encoded: binary,
  };
}

/** The web Request of a function URL event, for a route answered outside the router (GET only). */
function requestOf(event: APIGatewayProxyEventV2): Request {
  const host = event.requestContext?.domainName ?? 'localhost';
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  return new Request(`https://${host}${event.rawPath}${query}`, {
    method: event.requestContext.http.method,
    headers: Object.entries(event.headers ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
  });
}

/** The edge's answer, or undefined when the router should answer. */
function edge(event: APIGatewayProxyEventV2, log: Log): Response | undefined {
  const method = String(event.requestContext?.http?.method ?? '').toUpperCase();
  let path: string;
  try {
    // As the router reads it: the raw path after a host, so `//x` stays a path, dot segments resolved.
    path = new URL(`https://edge.invalid${event.rawPath || '/'}`).pathname;
  } catch {
    return json(400, { error: { code: 'VALIDATION_FAILED', message: 'The request path is not valid' } });
  }
  try {
    const found = matchRoute(method, path);
    if (found.kind === 'route') return undefined;
    return notServed(method, path, found.kind === 'method-not-allowed' ? found.allow : undefined);
  } catch (err) {
    return errorResponse(err, log);
  }
}

/** The deps hold the whole trust config: the IAM door maps callers through `staffAccess.iamRoles`. */
export function createAdminApi(
  ctx: RouteContext & { readonly deps: Deps<TrustConfig> },
  options: { callerOf?: CallerOf } = {},
): AdminApi {
  const { deps } = ctx;
  const callerOf = options.callerOf ?? ((event: unknown) => callerFromIam(event, deps.config));
  const router = new Router({ logger: deps.log as never });
  for (const route of ROUTES) {
    router.route(
      async ({ req, event, params }) => answerRequest(ctx, route, callerOf(event), req, params, 'iam'),
      { method: route.method, path: powertoolsPath(route.path) },
    );
  }
  router.errorHandler(Error, async (err) => errorResponse(err, deps.log));
  router.notFound(async (err) => errorResponse(err, deps.log));
  router.methodNotAllowed(async (err) => errorResponse(err, deps.log));
  return {
    router,
    async resolve(event, context) {
      const early = edge(event, deps.log);
      if (early) return proxyResult(early);
      // A file (a letter batch PDF) is answered here, in base64: the router would send it as text.
      const found = matchRoute(event.requestContext.http.method.toUpperCase(), event.rawPath || '/');
      if (found.kind === 'route' && found.route.response.file) {
        return proxyResult(
          await answerRequest(ctx, found.route, callerOf(event), requestOf(event), found.params, 'iam'),
        );
      }
      return router.resolve(event, context) as Promise<APIGatewayProxyStructuredResultV2>;
    },
  };
}
