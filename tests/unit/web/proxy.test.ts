import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { requestFromRestEvent, restResultFromResponse } from '#web/proxy.ts';

function restEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path: '/staff/today',
    resource: '/{proxy+}',
    headers: { Host: 'attend.example.nhs.uk', 'X-Forwarded-Proto': 'https' },
    multiValueHeaders: { Host: ['attend.example.nhs.uk'], 'X-Forwarded-Proto': ['https'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: 'staff/today' },
    stageVariables: null,
    requestContext: {} as never,
    body: null,
    isBase64Encoded: false,
    ...overrides,
  };
}

describe('requestFromRestEvent', () => {
  it('builds the URL from the host, protocol, path and every query value', () => {
    const request = requestFromRestEvent(
      restEvent({
        queryStringParameters: { clinic: 'oakwood', date: '2026-12-01' },
        multiValueQueryStringParameters: { clinic: ['riverside', 'oakwood'], date: ['2026-12-01'] },
      }),
    );
    const url = new URL(request.url);
    expect(url.origin).toBe('https://attend.example.nhs.uk');
    expect(url.pathname).toBe('/staff/today');
    expect(url.searchParams.getAll('clinic')).toEqual(['riverside', 'oakwood']);
    expect(url.searchParams.get('date')).toBe('2026-12-01');
  });

  it('keeps every value of a repeated header', () => {
    const request = requestFromRestEvent(
      restEvent({
        multiValueHeaders: {
          Host: ['attend.example.nhs.uk'],
          Accept: ['text/html', 'application/xhtml+xml'],
        },
      }),
    );
    expect(request.headers.get('accept')).toBe('text/html, application/xhtml+xml');
  });

  it('decodes a base64 body to its exact bytes', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0x41, 0xe9]);
    const request = requestFromRestEvent(
      restEvent({ httpMethod: 'POST', body: bytes.toString('base64'), isBase64Encoded: true }),
    );
    expect(Buffer.from(await request.arrayBuffer())).toEqual(bytes);
  });

  it('reads a text body as UTF-8', async () => {
    const request = requestFromRestEvent(restEvent({ httpMethod: 'POST', body: 'note=caf%C3%A9' }));
    expect(await request.text()).toBe('note=caf%C3%A9');
  });
});

describe('restResultFromResponse', () => {
  it('sends the body as base64 and each Set-Cookie whole, even with a comma in Expires', async () => {
    const headers = new Headers({ 'content-type': 'text/html; charset=utf-8' });
    headers.append('set-cookie', '__Host-attend=abc; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=1800');
    headers.append('set-cookie', 'old=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    const result = await restResultFromResponse(new Response('<h1>Hi</h1>', { status: 200, headers }));
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body, 'base64').toString('utf8')).toBe('<h1>Hi</h1>');
    expect(result.multiValueHeaders?.['set-cookie']).toEqual([
      '__Host-attend=abc; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=1800',
      'old=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ]);
    expect(result.headers?.['set-cookie']).toBeUndefined();
    expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
  });

  it('sends no body for HEAD, and none for a redirect', async () => {
    expect((await restResultFromResponse(new Response('x'), 'HEAD')).body).toBe('');
    const redirect = await restResultFromResponse(
      new Response(null, { status: 303, headers: { location: '/' } }),
    );
    expect(redirect).toMatchObject({ statusCode: 303, body: '', headers: { location: '/' } });
  });
});
