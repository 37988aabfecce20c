/**
 * The NHS number through the admin API, as a new user would try it on `npm start`: register a child with
 * one, find them by it, and be refused a second child with the same number or a number that fails its
 * check digit. Dates are checked the same way on every door.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '#core/model.ts';
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

interface ErrorBody {
  error: { code: string; message: string; fields?: { field: string; message: string }[] };
}

const child = (overrides: Record<string, unknown> = {}) => ({
  firstName: 'Amelia',
  familyName: 'Smith',
  phone: '07700 900611',
  ...overrides,
});

describe('clients and their NHS number', () => {
  it('registers a child with an NHS number written in groups, stores the 10 digits, and finds them by it', async () => {
    // Act
    const created = await http.post<Client>('/clients', child({ nhsNumber: '943 476 5919' }));
    const found = await http.get<{ items: Client[] }>('/clients?nhsNumber=943%20476%205919');
    const none = await http.get<{ items: Client[] }>('/clients?nhsNumber=9990001014');

    // Assess
    expect(created.status).toBe(201);
    expect(created.body.nhsNumber).toBe('9434765919');
    expect(found.status).toBe(200);
    expect(found.body.items.map((c) => c.id)).toEqual([created.body.id]);
    expect(none.body.items).toEqual([]);
  });

  it('refuses a second child with the same NHS number with a 409 that does not repeat it', async () => {
    // Act
    const again = await http.post<ErrorBody>(
      '/clients',
      child({ firstName: 'Leo', nhsNumber: '9434765919' }),
    );

    // Assess
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('NHS_NUMBER_IN_USE');
    expect(JSON.stringify(again.body)).not.toContain('9434765919');
  });

  it.each([
    {
      what: 'a check digit that does not match',
      path: '/clients',
      body: child({ nhsNumber: '943 476 5918' }),
    },
    { what: 'nine digits', path: '/clients', body: child({ nhsNumber: '943476591' }) },
  ])('answers 400 to an NHS number with $what', async ({ path, body }) => {
    // Act
    const res = await http.post<ErrorBody>(path, body);

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.fields?.[0]?.field).toBe('nhsNumber');
  });

  it.each([
    { what: 'neither phone nor nhsNumber', query: '' },
    { what: 'both', query: '?phone=07700900611&nhsNumber=9434765919' },
    { what: 'an NHS number that fails its check digit', query: '?nhsNumber=9434765918' },
  ])('answers 400 to GET /clients with $what', async ({ query }) => {
    // Act
    const res = await http.get<ErrorBody>(`/clients${query}`);

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('dates are real calendar dates on every door', () => {
  it.each([
    {
      door: 'a body',
      call: () =>
        http.post<ErrorBody>('/clients', child({ phone: '07700 900612', dateOfBirth: '2023-02-31' })),
    },
    { door: 'a query string', call: () => http.get<ErrorBody>('/metrics?from=2026-02-29&to=2026-03-01') },
  ])('refuses 31 February (and 29 February 2026) in $door', async ({ call }) => {
    // Act
    const res = await call();

    // Assess
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('not a real calendar date');
  });
});
