/**
 * Silent fallbacks a tester found in the admin API's queries: each bad input must be a 4xx naming what
 * is wrong, never a 200 that quietly answers something else.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { StoreContext } from '#store/context.ts';
import { aClinic } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, type ErrorResult } from '#tests/support/function-url.ts';
import { seed } from './helpers.ts';

let store: StoreContext;
let deps: TestDeps;

beforeAll(async () => {
  store = await freshTable();
  deps = testDeps(store, '2026-11-23T10:00:00Z');
  await seed(store, { clinic: aClinic({ id: 'riverside' }) });
});

describe("an unknown clinic's day", () => {
  it.each(['/slots', '/bookings'])(
    'GET %s for a clinic that does not exist is a 404 naming it',
    async (path) => {
      const res = await callApi<ErrorResult>(deps, 'GET', `${path}?clinicId=nope&date=2026-12-04`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
      expect(res.body.error.message).toContain('nope');
    },
  );

  it.each(['/slots', '/bookings'])('GET %s for a known clinic is still a 200', async (path) => {
    const res = await callApi<{ items: unknown[] }>(
      deps,
      'GET',
      `${path}?clinicId=riverside&date=2026-12-04`,
    );
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });
});

describe('query parameters a route does not take', () => {
  it('GET /metrics with a stray parameter is a 400 naming it and the ones the route takes', async () => {
    const res = await callApi<ErrorResult>(deps, 'GET', '/metrics?from=2026-11-01&to=2026-11-20&extra=1');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields).toEqual([
      { field: 'query.extra', message: 'not a parameter of this request; expected from, groupBy, to' },
    ]);
  });

  it('GET /metrics without it is still a 200', async () => {
    const res = await callApi(deps, 'GET', '/metrics?from=2026-11-01&to=2026-11-20');
    expect(res.status).toBe(200);
  });

  it('a misspelt parameter is refused on other routes too', async () => {
    const res = await callApi<ErrorResult>(
      deps,
      'GET',
      '/slots?clinicId=riverside&dat=2026-12-04&date=2026-12-04',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.fields?.map((f) => f.field)).toEqual(['query.dat']);
  });

  it('a route that takes no query refuses any parameter, __proto__ included', async () => {
    const res = await callApi<ErrorResult>(deps, 'GET', '/clinics?x=1&__proto__=2');
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([
      { field: 'query.x', message: 'not a parameter of this request; expected no query parameters' },
      { field: 'query.__proto__', message: 'not a parameter of this request; expected no query parameters' },
    ]);
  });
});

describe('a single-valued query parameter given twice', () => {
  it('GET /audit?date=…&date=… is a 400 naming date, not the first date used', async () => {
    const res = await callApi<ErrorResult>(deps, 'GET', '/audit?date=2026-12-01&date=2026-12-02');
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([
      { field: 'query.date', message: 'given more than once; give it once' },
    ]);
  });

  it('GET /audit with the date once is still a 200', async () => {
    const res = await callApi<{ date: string }>(deps, 'GET', '/audit?date=2026-12-01');
    expect(res.status).toBe(200);
    expect(res.body.date).toBe('2026-12-01');
  });
});
