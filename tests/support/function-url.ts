/**
 * Calls the admin API as its Lambda function URL would: a payload-2.0 event through the same router the
 * admin-api Lambda resolves, with an IAM caller in the request context.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createAdminRouter } from '#api/router.ts';
import type { Deps } from '#services/deps.ts';

const HOST = 'abc123.lambda-url.eu-west-2.on.aws';
const context = { functionName: 'attend-admin-api', awsRequestId: 'test' } as unknown as Context;

/** The router logs at debug level too; the tests' silent log has no debug. */
const routerLog = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Deps['log'];

export const STAFF_ARN = 'arn:aws:sts::123456789012:assumed-role/attend-staff/hv-jones';

export interface ApiResult<T> {
  status: number;
  body: T;
}

export interface ErrorResult {
  error: { code: string; message: string; fields?: { field: string; message: string }[] };
}

export async function callApi<T = unknown>(
  deps: Deps,
  method: 'GET' | 'POST' | 'DELETE',
  pathAndQuery: string,
  body?: unknown,
  caller = STAFF_ARN,
): Promise<ApiResult<T>> {
  const now = deps.now();
  const [path = '/', query = ''] = pathAndQuery.split('?');
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    headers: { host: HOST, 'content-type': 'application/json' },
    queryStringParameters: query ? Object.fromEntries(new URLSearchParams(query).entries()) : undefined,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: { iam: { userArn: caller, callerId: 'AROAEXAMPLE:hv-jones' } },
      domainName: HOST,
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
  const res = await createAdminRouter({ ...deps, log: routerLog }).resolve(event, context);
  const text = typeof res.body === 'string' ? res.body : '';
  return { status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T };
}
