import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isWebPath, restApiEvent } from '#local/rest-api-event.ts';
import { requestFromRestEvent } from '#web/proxy.ts';

describe('isWebPath', () => {
  it.each([
    '/',
    '/staff',
    '/staff/today',
    '/staffroom',
    '/auth/callback',
    '/auth/no-access',
    '/p/abc',
    '/assets/x.css',
  ])('%s goes to the web function', (path) => expect(isWebPath(path)).toBe(true));

  it.each(['/clients', '/health', '/openapi.json', '/auth', '/p', '/dev/clock', '/oidc/auth', '/metrics'])(
    '%s does not',
    (path) => expect(isWebPath(path)).toBe(false),
  );
});

/** Captures one real HTTP request as the local runtime's server sees it. */
async function capture(
  send: (url: string) => Promise<unknown>,
): Promise<{ req: IncomingMessage; body: Buffer; port: number }> {
  return new Promise((resolve, reject) => {
    let port = 0;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.end('ok');
        server.close();
        resolve({ req, body: Buffer.concat(chunks), port });
      });
    });
    server.listen(0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      send(`http://localhost:${port}`).catch(reject);
    });
  });
}

describe('restApiEvent', () => {
  it('is the REST API proxy event the front door would send: base64 body, every header value, the query', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0x41]);
    const { req, body, port } = await capture((url) =>
      fetch(`${url}/staff/upload?clinic=a&clinic=b`, {
        method: 'POST',
        body: bytes,
        headers: { 'content-type': 'application/octet-stream', cookie: '__Host-attend=abc' },
      }),
    );
    const event = restApiEvent(req, body, port);
    expect(event).toMatchObject({
      httpMethod: 'POST',
      path: '/staff/upload',
      resource: '/{proxy+}',
      pathParameters: { proxy: 'staff/upload' },
      multiValueQueryStringParameters: { clinic: ['a', 'b'] },
      isBase64Encoded: true,
    });
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);

    // And the web function reads it back as the browser sent it, over plain HTTP locally.
    const request = requestFromRestEvent(event);
    expect(request.url).toBe(`http://localhost:${port}/staff/upload?clinic=a&clinic=b`);
    expect(request.headers.get('cookie')).toBe('__Host-attend=abc');
    expect(Buffer.from(await request.arrayBuffer())).toEqual(bytes);
  });

  it('has no body for a GET', async () => {
    const { req, body, port } = await capture((url) => fetch(`${url}/`));
    expect(restApiEvent(req, body, port)).toMatchObject({
      httpMethod: 'GET',
      body: null,
      isBase64Encoded: false,
    });
  });
});
