import { describe, expect, it } from 'vitest';
import { buildRequest, signedHeaders, table, UsageError } from '#bin/admin.ts';

describe('attend admin', () => {
  it('maps resource and action to the API route, with query parameters and a JSON body', () => {
    const list = buildRequest(['bookings', 'list', '--clinicId', 'riverside', '--date', '2026-12-03'], {});
    expect(list.method).toBe('GET');
    expect(list.url.toString()).toBe('http://localhost:3000/bookings?clinicId=riverside&date=2026-12-03');

    const cancel = buildRequest(
      [
        'bookings',
        'cancel',
        'b-1',
        '--json',
        '{"reason":"unwell"}',
        '--url',
        'https://abc.lambda-url.eu-west-2.on.aws/',
      ],
      {},
    );
    expect(cancel.method).toBe('POST');
    expect(cancel.url.toString()).toBe('https://abc.lambda-url.eu-west-2.on.aws/bookings/b-1/cancel');
    expect(cancel.body).toBe('{"reason":"unwell"}');

    const fromEnv = buildRequest(['health', 'get'], {
      ATTEND_ADMIN_URL: 'https://x.lambda-url.eu-west-2.on.aws',
    });
    expect(fromEnv.url.toString()).toBe('https://x.lambda-url.eu-west-2.on.aws/health');
  });

  it('refuses unknown commands, a missing id and bad JSON with a usage error', () => {
    expect(() => buildRequest(['bookings', 'explode'], {})).toThrow(UsageError);
    expect(() => buildRequest(['bookings', 'cancel'], {})).toThrow(/needs an id/);
    expect(() => buildRequest(['clinics', 'create', '--json', '{nope'], {})).toThrow(/valid JSON/);
  });

  it('signs for the lambda service in the region of the function URL', async () => {
    const request = buildRequest(['health', 'get', '--url', 'https://abc.lambda-url.eu-west-2.on.aws'], {});
    const headers = await signedHeaders(request, {
      credentials: async () => ({
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'secret',
        sessionToken: 'token',
      }),
    });
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-2\/lambda\/aws4_request/,
    );
    expect(headers['x-amz-security-token']).toBe('token');
    expect(headers['x-amz-content-sha256'] ?? headers['x-amz-date']).toBeDefined();
  });

  it('prints a fixed-width table with a row count', () => {
    const out = table([{ id: 'a', status: 'FREE' }, { id: 'bbb' }], ['id', 'status']);
    expect(out.split('\n')).toEqual(['id   status', '---  ------', 'a    FREE', 'bbb', '2 row(s)']);
  });
});
