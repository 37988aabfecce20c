/** The OpenAPI document is served by the running API, unsigned locally, and is not an audited change. */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildOpenApiDocument } from '#api/openapi.ts';
import { ROUTES } from '#api/routes.ts';
import type { LocalRuntime } from '#local/runtime.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;
let http: Api;

beforeAll(async () => {
  runtime = await startTestRuntime('2026-11-23T09:00:00Z');
  http = api(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

it('GET /openapi.json answers the OpenAPI 3.1 document', async () => {
  // Act
  const res = await fetch(`${runtime.url}/openapi.json`);
  const body: unknown = await res.json();

  // Assess
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/json');
  expect(body).toEqual(buildOpenApiDocument(ROUTES));
  expect((await new Validator().validate(body as never)).valid).toBe(true);
  const trail = await http.get<{ items: unknown[] }>('/audit?date=2026-11-23');
  expect(trail.body.items).toEqual([]);
});

it('answers errors in the shape the document gives as ErrorBody', async () => {
  // Act
  const missing = await http.get<{ error: { code: string; message: string } }>('/clinics/no-such-clinic');
  const bad = await http.post<{ error: { code: string; fields: unknown[] } }>('/clinics', { venue: '' });

  // Assess
  expect(missing.status).toBe(404);
  expect(Object.keys(missing.body)).toEqual(['error']);
  expect(missing.body.error).toEqual({ code: 'NOT_FOUND', message: expect.any(String) });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields.length).toBeGreaterThan(0);
});
