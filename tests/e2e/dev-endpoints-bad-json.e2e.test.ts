/**
 * A `/dev/…` body that is not JSON at all (`{bad`) is told so, in the admin API's own words, not read as
 * a wrong field (`POST /dev/clock` used to name `now`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '#local/runtime.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;
let http: Api;

beforeAll(async () => {
  runtime = await startTestRuntime('2026-11-23T10:00:00Z');
  http = api(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

describe('a development endpoint given a body that is not JSON', () => {
  it.each(['/dev/clock', '/dev/sms/inbound'])('%s answers as the admin API does', async (path) => {
    // Act
    const dev = await http.post(path, '{bad');
    const admin = await http.post('/clients', '{bad');

    // Assess
    expect(admin).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: 'Request body is not valid JSON' } },
    });
    expect(dev).toEqual(admin);
  });

  it('leaves the clock where it was, and still names a wrong field in a JSON body', async () => {
    // Act
    await http.post('/dev/clock', '{bad');
    const banana = await http.post<{ error: { fields: { field: string }[] } }>('/dev/clock', {
      advance: 'banana',
    });

    // Assess
    expect((await http.get<{ now: string }>('/dev/clock')).body.now).toBe('2026-11-23T10:00:00.000Z');
    expect(banana.status).toBe(400);
    expect(banana.body.error.fields.map((f) => f.field)).toEqual(['advance']);
  });
});
