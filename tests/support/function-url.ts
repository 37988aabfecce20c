/**
 * Calls the admin API as its Lambda function URL would: a payload-2.0 event through the same router the
 * admin-api Lambda resolves, with an IAM caller in the request context. The test config maps one IAM role
 * to each Attend role (`IAM_ROLE_ARNS`), and `STAFF_ARN` (the default caller) to `admin`.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { RouteContext } from '#api/dispatch.ts';
import { createAdminApi } from '#api/router.ts';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { ROLES, type Role } from '#core/roles.ts';
import { CursorCodec } from '#runtime/cursors.ts';
import type { Deps } from '#services/deps.ts';

const HOST = 'abc123.lambda-url.eu-west-2.on.aws';
const context = { functionName: 'attend-admin-api', awsRequestId: 'test' } as unknown as Context;

/** The router logs at debug level too; the tests' silent log has no debug. */
const routerLog = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Deps['log'];

/** An administrator's CLI session (mapped to `admin`): the default caller. */
export const STAFF_ARN = 'arn:aws:sts::123456789012:assumed-role/attend-staff/hv-jones';

/** A principal of a role for each Attend role, each mapped to exactly that role by `withTestStaff`. */
export const IAM_CALLER_ARNS: Readonly<Record<Role, string>> = Object.fromEntries(
  ROLES.map((role) => [role, `arn:aws:sts::123456789012:assumed-role/attend-${role}/someone`]),
) as Record<Role, string>;

/** A signed request from an IAM role the trust config does not map: no Attend role. */
export const UNMAPPED_ARN = 'arn:aws:sts::123456789012:assumed-role/attend-unmapped/someone';

/** The trust config with the test IAM roles mapped (as a trust maps its staff roles in `staffAccess.iamRoles`). */
export function withTestStaff(config: TrustConfig): TrustConfig {
  return {
    ...config,
    staffAccess: {
      ...config.staffAccess,
      iamRoles: {
        ...config.staffAccess.iamRoles,
        'arn:aws:iam::123456789012:role/attend-staff': ['admin'],
        ...Object.fromEntries(ROLES.map((role) => [`arn:aws:iam::123456789012:role/attend-${role}`, [role]])),
      },
    },
  };
}

/** One cursor key for the whole test run, so a cursor from one call opens on the next. */
export const TEST_CURSORS = CursorCodec.ephemeral();

/** The route table's context for tests: the test staff mapped, responses checked against their schemas. */
export function testRouteContext(deps: Deps<TrustConfig>): RouteContext & { deps: Deps<TrustConfig> } {
  return {
    deps: { ...deps, config: withTestStaff(deps.config), log: routerLog },
    cursors: TEST_CURSORS,
    checkResponses: true,
  };
}

export interface ApiResult<T> {
  status: number;
  body: T;
  headers: Record<string, string>;
}

export interface ErrorResult {
  error: { code: string; message: string; fields?: { field: string; message: string }[] };
}

/** A function URL event as AWS delivers it; `caller` undefined is a request with no IAM identity. */
export function functionUrlEvent(
  now: Date,
  method: string,
  pathAndQuery: string,
  body?: string,
  caller: string | undefined = STAFF_ARN,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): APIGatewayProxyEventV2 {
  const queryAt = pathAndQuery.indexOf('?');
  const path = queryAt < 0 ? pathAndQuery : pathAndQuery.slice(0, queryAt);
  const query = queryAt < 0 ? '' : pathAndQuery.slice(queryAt + 1);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    headers: { host: HOST, ...headers },
    queryStringParameters: query ? Object.fromEntries(new URLSearchParams(query).entries()) : undefined,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      ...(caller && { authorizer: { iam: { userArn: caller, callerId: 'AROAEXAMPLE:someone' } } }),
      domainName: HOST,
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

export async function callApi<T = unknown>(
  deps: Deps<TrustConfig>,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  caller: string | undefined = STAFF_ARN,
  headers?: Record<string, string>,
): Promise<ApiResult<T>> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const event = functionUrlEvent(deps.now(), method, pathAndQuery, text, caller, headers);
  const res = await createAdminApi(testRouteContext(deps)).resolve(event, context);
  const out = typeof res.body === 'string' ? res.body : '';
  return {
    status: res.statusCode ?? 0,
    body: (out ? JSON.parse(out) : undefined) as T,
    headers: Object.fromEntries(
      Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
    ),
  };
}
