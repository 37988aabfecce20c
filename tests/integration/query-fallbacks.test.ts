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
  it.each(['/slots', '/bookings'])('GET %s for a clinic that does not exist is a 404 naming it', async (path) => {
    const res = await callApi<ErrorResult>(deps, 'GET', `${path}?clinicId=nope&date=2026-12-04`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(res.body.error.message).toContain('nope');
  });

  it.each(['/slots', '/bookings'])('GET %s for a known clinic is still a 200', async (path) => {
    const res = await callApi<{ items: unknown[] }>(deps, 'GET', `${path}?clinicId=riverside&date=2026-12-04`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });
});
