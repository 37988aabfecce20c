/**
 * The local runtime's side of the browser front door: which paths go to the web function, and the
 * API Gateway REST API proxy event (payload 1.0) an HTTP request becomes, as the deployed REST API
 * (binary media types `*\/*`) delivers it: every body base64-encoded, headers single- and multi-valued.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** `/`, `/staff*`, `/auth/*`, `/p/*` and `/assets/*` are the web function's; the rest is the admin API's. */
export function isWebPath(path: string): boolean {
  return (
    path === '/' ||
    path.startsWith('/staff') ||
    path.startsWith('/auth/') ||
    path.startsWith('/p/') ||
    path.startsWith('/assets/')
  );
}

export function restApiEvent(req: IncomingMessage, body: Buffer, port: number): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', `http://localhost:${port}`);
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    const value = req.rawHeaders[i + 1] ?? '';
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  // API Gateway tells the function how the browser connected; locally that is plain HTTP.
  headers['X-Forwarded-Proto'] = 'http';
  multiValueHeaders['X-Forwarded-Proto'] = ['http'];
  if (!req.headers.host) {
    headers.Host = `localhost:${port}`;
    multiValueHeaders.Host = [headers.Host];
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const now = new Date();
  const requestId = randomUUID();
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: url.searchParams.size ? query : null,
    multiValueQueryStringParameters: url.searchParams.size ? multiQuery : null,
    pathParameters: url.pathname === '/' ? null : { proxy: url.pathname.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: null,
      domainName: req.headers.host ?? `localhost:${port}`,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: req.headers['user-agent'] ?? null,
        userArn: null,
      },
      path: url.pathname,
      protocol: 'HTTP/1.1',
      requestId,
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: '/{proxy+}',
      stage: 'local',
    },
    body: method === 'GET' || method === 'HEAD' || body.length === 0 ? null : body.toString('base64'),
    isBase64Encoded: !(method === 'GET' || method === 'HEAD' || body.length === 0),
  };
}

/** Writes the web function's proxy result as the REST API would: headers, each cookie, decoded body. */
export function writeRestResult(res: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers[name] = values.map(String);
  res.writeHead(result.statusCode, headers);
  res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}
