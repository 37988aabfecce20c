/**
 * API Gateway REST API proxy events (payload 1.0) ↔ web Request and Response. The deployed front door
 * and the local runtime both deliver this shape to the web function.
 *
 * Bodies go both ways as base64: the REST API treats every media type as binary (binaryMediaTypes
 * `*\/*`, because a browser's Accept header cannot be relied on to name one), so uploads arrive as
 * their exact bytes and compressed or binary responses leave untouched. Set-Cookie headers go out in
 * multiValueHeaders, one cookie each, never joined or split on commas.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const NO_BODY_METHODS = new Set(['GET', 'HEAD']);

/** The web Request a REST API proxy event describes. */
export function requestFromRestEvent(event: APIGatewayProxyEvent): Request {
  const headers = new Headers();
  const multi = event.multiValueHeaders ?? {};
  for (const [name, values] of Object.entries(multi)) {
    for (const value of values ?? []) headers.append(name, value);
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined && !headers.has(name)) headers.set(name, value);
  }
  const host = headers.get('host') ?? event.requestContext.domainName ?? 'localhost';
  const protocol = headers.get('x-forwarded-proto') ?? 'https';
  const url = new URL(event.path || '/', `${protocol}://${host}`);
  const query = event.multiValueQueryStringParameters;
  if (query) {
    for (const [name, values] of Object.entries(query))
      for (const v of values ?? []) url.searchParams.append(name, v);
  } else {
    for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
      if (value !== undefined) url.searchParams.append(name, value);
    }
  }
  const method = event.httpMethod.toUpperCase();
  const body =
    NO_BODY_METHODS.has(method) || event.body == null
      ? null
      : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return new Request(url, { method, headers, body });
}

/** The proxy result for a Response: body in base64, each Set-Cookie on its own. */
export async function restResultFromResponse(
  response: Response,
  method = 'GET',
): Promise<APIGatewayProxyResult> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') headers[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  const body =
    method === 'HEAD' || response.body === null ? Buffer.alloc(0) : Buffer.from(await response.arrayBuffer());
  return {
    statusCode: response.status,
    headers,
    ...(cookies.length > 0 && { multiValueHeaders: { 'set-cookie': cookies } }),
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}
