/**
 * The edge of an HTTP Lambda: what a function URL (payload 2.0) delivers, made into the one shape the
 * Powertools router reads, before the router sees it.
 *
 * Why: AWS documents function-URL requests with `"body": null`, `"pathParameters": null` and
 * `"stageVariables": null` (Lambda developer guide, "Request payload format"), but the router's event
 * check accepts only a string or nothing there, and throws `InvalidEventError` rather than answering. The
 * router also builds the request URL from the Host header (else `requestContext.domainName`), so a host
 * that is not a host name (the documented sample's `<url-id>.lambda-url.us-west-2.on.aws`) makes `new
 * Request()` throw a `TypeError`. Nothing in the API routes by host, so such a host is replaced by a
 * placeholder and the request is answered on its path. What cannot be read as a request at all (no
 * method or path, a header the Fetch API refuses) gets a 400 in the API's error shape, never a throw.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';

/** Stands in for a Host the URL parser refuses; `.invalid` is reserved (RFC 6761) and never resolves. */
export const PLACEHOLDER_HOST = 'function-url.invalid';

export type EdgeResult =
  | { ok: true; event: APIGatewayProxyEventV2 }
  | { ok: false; response: APIGatewayProxyStructuredResultV2 };

const stringMap = z.record(z.string(), z.unknown());
/** Only what the router reads is required; everything else is passed through as AWS sent it. */
const functionUrlEvent = z.looseObject({
  rawPath: z.string().optional(),
  rawQueryString: z.string().nullish(),
  headers: stringMap.nullish(),
  cookies: z.array(z.unknown()).nullish(),
  queryStringParameters: stringMap.nullish(),
  pathParameters: stringMap.nullish(),
  stageVariables: stringMap.nullish(),
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().nullish(),
  requestContext: z.looseObject({
    domainName: z.string().nullish(),
    http: z.looseObject({ method: z.string().min(1), path: z.string().optional() }),
  }),
});

/** The methods a function URL passes on (Lambda developer guide, `requestContext.http.method`). */
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

function refuse(statusCode: 400 | 405, code: string, message: string): EdgeResult {
  return {
    ok: false,
    response: {
      statusCode,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: { code, message } }),
      isBase64Encoded: false,
    },
  };
}

const badRequest = (message: string) => refuse(400, 'BAD_REQUEST', message);

/** A host[:port] that the URL parser reads back unchanged as the whole authority, else undefined. */
function usableHost(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    const url = new URL(`https://${value}/`);
    return url.host === value.toLowerCase() && url.username === '' && url.pathname === '/'
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

/** Only strings become header values; the Fetch API's own check decides what a header may hold. */
function headersOf(raw: Record<string, unknown> | null | undefined): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  const probe = new Headers();
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (typeof value !== 'string') continue;
    try {
      probe.set(name, value);
    } catch {
      return undefined;
    }
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

const stringsOnly = (raw: Record<string, unknown> | null | undefined): Record<string, string> | undefined => {
  if (!raw) return undefined;
  const entries = Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string');
  return Object.fromEntries(entries);
};

/** Makes any function-URL event (as AWS documents it, or as a test or the local bridge builds it) routable. */
export function normaliseFunctionUrlEvent(input: unknown): EdgeResult {
  const parsed = functionUrlEvent.safeParse(input);
  if (!parsed.success) return badRequest('The request could not be read: it has no HTTP method.');
  const event = parsed.data;
  const method = event.requestContext.http.method.toUpperCase();
  if (!METHODS.has(method)) return refuse(405, 'METHOD_NOT_ALLOWED', 'The API does not serve this method.');
  const headers = headersOf(event.headers);
  if (!headers) return badRequest('The request has a header that is not valid HTTP.');
  const host =
    usableHost(headers.host) ?? usableHost(event.requestContext.domainName ?? undefined) ?? PLACEHOLDER_HOST;
  headers.host = host;
  const proto = headers['x-forwarded-proto'];
  if (proto !== undefined && proto !== 'https' && proto !== 'http') delete headers['x-forwarded-proto'];
  const rawPath = event.rawPath ?? event.requestContext.http.path ?? '/';
  const cookies = event.cookies?.filter((c): c is string => typeof c === 'string');
  const normalised: Record<string, unknown> = {
    ...event,
    version: '2.0',
    routeKey: typeof event.routeKey === 'string' ? event.routeKey : '$default',
    rawPath: rawPath.startsWith('/') ? rawPath : `/${rawPath}`,
    rawQueryString: (event.rawQueryString ?? '').replace(/^\?/, ''),
    headers,
    requestContext: {
      ...event.requestContext,
      domainName: host,
      http: { ...event.requestContext.http, method },
    },
    isBase64Encoded: event.isBase64Encoded ?? false,
  };
  // The router accepts these only absent or as a record/string/array, never null.
  for (const key of ['body', 'cookies', 'queryStringParameters', 'pathParameters', 'stageVariables'])
    delete normalised[key];
  if (typeof event.body === 'string') normalised.body = event.body;
  if (cookies && cookies.length > 0) normalised.cookies = cookies;
  const query = stringsOnly(event.queryStringParameters);
  if (query) normalised.queryStringParameters = query;
  const pathParameters = stringsOnly(event.pathParameters);
  if (pathParameters) normalised.pathParameters = pathParameters;
  const stageVariables = stringsOnly(event.stageVariables);
  if (stageVariables) normalised.stageVariables = stageVariables;
  return { ok: true, event: normalised as unknown as APIGatewayProxyEventV2 };
}
