/**
 * The function-URL edge: every event shape AWS documents (nulls where the router wants nothing, hosts
 * that are no host names) becomes one the Powertools router resolves; what is no request at all gets a
 * 4xx in the API's error shape.
 */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { normaliseFunctionUrlEvent, PLACEHOLDER_HOST } from '#runtime/function-url-event.ts';

const base = () => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/echo',
  rawQueryString: 'a=1',
  headers: { host: 'abc123.lambda-url.eu-west-2.on.aws', 'content-type': 'text/plain' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    domainName: 'abc123.lambda-url.eu-west-2.on.aws',
    domainPrefix: 'abc123',
    http: { method: 'POST', path: '/echo', protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 't' },
    requestId: 'r',
    routeKey: '$default',
    stage: '$default',
    time: '30/Nov/2026:09:00:00 +0000',
    timeEpoch: 1796029200000,
  },
  body: 'hello',
  isBase64Encoded: false,
});

/** A router that echoes what it read, to show the normalised event is routable. */
const router = new Router();
router.post('/echo', async ({ req }) => ({
  url: req.url,
  body: await req.text(),
  cookie: req.headers.get('cookie'),
}));
router.get('/echo', async ({ req }) => ({ url: req.url }));
const context = {} as Context;

async function resolve(event: unknown) {
  const edge = normaliseFunctionUrlEvent(event);
  if (!edge.ok) throw new Error(`refused: ${edge.response.body}`);
  const res = await router.resolve(edge.event, context);
  return { status: res.statusCode, body: JSON.parse(String(res.body)) };
}

describe('normaliseFunctionUrlEvent', () => {
  it.each([
    ['body', null],
    ['pathParameters', null],
    ['stageVariables', null],
    ['queryStringParameters', null],
    ['cookies', null],
    ['rawQueryString', null],
  ])('reads %s: null as absent', async (field, value) => {
    const event = { ...base(), [field]: value };

    const { status, body } = await resolve(event);

    expect(status).toBe(200);
    expect(body.url).toMatch(/^https:\/\/abc123\.lambda-url\.eu-west-2\.on\.aws\/echo/);
  });

  it('routes a GET with a null body and null headers', async () => {
    const event = { ...base(), body: null, headers: null };
    event.requestContext.http.method = 'GET';

    expect((await resolve(event)).status).toBe(200);
  });

  it.each([
    ['no Host and a domainName in angle brackets', undefined, '<url-id>.lambda-url.us-west-2.on.aws'],
    ['a Host with a space', 'bad host', 'bad host'],
    ['a Host with a path', 'example.org/x', ''],
    ['a Host with credentials', 'user@example.org', undefined],
  ])('puts a placeholder in place of %s', async (_case, host, domainName) => {
    const event = base();
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    if (host !== undefined) headers.host = host;
    const withHost = {
      ...event,
      headers,
      requestContext: { ...event.requestContext, domainName },
    };

    const { status, body } = await resolve(withHost);

    expect(status).toBe(200);
    expect(new URL(body.url).host).toBe(PLACEHOLDER_HOST);
  });

  it('keeps a usable Host, falling back to domainName when the header is missing', async () => {
    const { headers: _omit, ...withoutHeaders } = base();

    const { body } = await resolve({ ...withoutHeaders, headers: {} });

    expect(new URL(body.url).host).toBe('abc123.lambda-url.eu-west-2.on.aws');
  });

  it('drops an X-Forwarded-Proto that is not http or https', async () => {
    const event = base();
    event.headers = { ...event.headers, 'x-forwarded-proto': 'ht tp' } as typeof event.headers;

    expect(new URL((await resolve(event)).body.url).protocol).toBe('https:');
  });

  it('reads a rawQueryString given with its "?", as the guide’s table shows it', async () => {
    const event = { ...base(), rawQueryString: '?parameter1=value1&parameter2=value2' };

    expect(new URL((await resolve(event)).body.url).search).toBe('?parameter1=value1&parameter2=value2');
  });

  it('passes cookies on, leaving out any that is not a string', async () => {
    const event = { ...base(), cookies: ['a=1', 7, 'b=2'] };

    expect((await resolve(event)).body.cookie).toBe('a=1; b=2');
  });

  it.each([
    ['no requestContext', { ...base(), requestContext: undefined }, 400],
    ['no method', { ...base(), requestContext: { ...base().requestContext, http: {} } }, 400],
    ['not an object', 'GET /', 400],
    ['a header name the Fetch API refuses', { ...base(), headers: { 'bad header': 'x' } }, 400],
    [
      'a method no function URL sends',
      { ...base(), requestContext: { ...base().requestContext, http: { method: 'BREW', path: '/' } } },
      405,
    ],
  ])('refuses an event with %s in the error shape', (_case, event, status) => {
    const edge = normaliseFunctionUrlEvent(event);

    expect(edge.ok).toBe(false);
    if (edge.ok) return;
    expect(edge.response.statusCode).toBe(status);
    expect(JSON.parse(String(edge.response.body))).toEqual({
      error: { code: expect.any(String), message: expect.any(String) },
    });
  });
});
