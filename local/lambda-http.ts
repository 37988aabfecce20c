/** The shapes Lambda gives a handler, made from a local HTTP request: the context and a function-URL event. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/**
 * A Lambda context for a local invocation of `functionName`, made when the invocation starts: its
 * remaining time counts down in real time from `timeoutSeconds` (the function's own, from
 * core/function-timeouts.ts, as the stack gives it), never below 0, so a handler that watches it (the
 * reminder sweep) and middy's early timeout act as they would in AWS. `now` is for tests.
 */
export function lambdaContext(
  functionName: string,
  timeoutSeconds = 30,
  now: () => number = Date.now,
): Context {
  const deadline = now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-2:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** Wraps an HTTP request as the payload-2.0 event a Lambda function URL delivers. */
export function functionUrlEvent(req: IncomingMessage, body: string, port: number): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', `http://localhost:${port}`);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  // The router builds the request URL from the Host header, so it must look like a real host.
  headers.host = headers.host ?? `localhost:${port}`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.searchParams.toString(),
    headers,
    queryStringParameters: url.searchParams.size ? Object.fromEntries(url.searchParams.entries()) : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host,
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body === '' ? undefined : body,
    isBase64Encoded: false,
  };
}

/** The whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A JSON answer. */
export function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
