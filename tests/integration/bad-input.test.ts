/**
 * Issue 9 item 7, the cases as reported: forged page cursors, over-long path ids and malformed
 * percent-encoding each got a 500 from the admin API. Each must be a 4xx in the error shape. The fuzz
 * test (tests/integration/api-fuzz.test.ts) covers the kinds over every route; these are the repros.
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

const forged = (key: unknown) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64');

/** The paged routes the report names, with the query each needs besides the cursor. */
const PAGED = [
  '/audit?',
  '/slots?clinicId=riverside&date=2026-11-24&',
  '/bookings?clinicId=riverside&date=2026-11-24&',
  '/waitlist?type=six-to-eight-week-review&',
  '/inbox?',
  '/follow-ups?',
];
const FORGERIES = [
  forged({ pk: 'CLIENT#1' }),
  forged({ pk: 'CLIENT#1', sk: 'CLIENT' }),
  forged({ pk: { S: 'x' } }),
  forged({}),
  forged([1, 2]),
  'not-base64-%%%',
];

/** Routes with an id in the path: the id goes where `{id}` is. */
const ID_ROUTES: ['GET' | 'POST' | 'DELETE', string][] = [
  ['GET', '/clients/{id}'],
  ['DELETE', '/clients/{id}'],
  ['GET', '/clinics/{id}'],
  ['GET', '/slots/{id}'],
  ['GET', '/bookings/{id}'],
  ['POST', '/bookings/{id}/cancel'],
  ['GET', '/follow-ups/{id}'],
  ['GET', '/waitlist/{id}'],
  ['DELETE', '/waitlist/{id}'],
];

function expectErrorShape(status: number, body: unknown): void {
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  expect(Object.keys(body as object)).toEqual(['error']);
  expect((body as ErrorResult).error).toEqual(
    expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
  );
}

describe('forged page cursors', () => {
  it.each(PAGED.flatMap((path) => FORGERIES.map((cursor) => [path, cursor] as const)))(
    'GET %scursor=%s is a 400',
    async (path, cursor) => {
      const res = await callApi(deps, 'GET', `${path}cursor=${encodeURIComponent(cursor)}`);
      expectErrorShape(res.status, res.body);
      expect(res.status).toBe(400);
    },
  );
});

describe('path ids over DynamoDB’s key size', () => {
  it.each(ID_ROUTES)('%s %s with a 3,000-character id is a 400', async (method, path) => {
    const body = method === 'POST' ? { reason: 'x' } : undefined;
    const res = await callApi(deps, method, path.replace('{id}', 'x'.repeat(3000)), body);
    expectErrorShape(res.status, res.body);
    expect(res.status).toBe(400);
  });
});

describe('malformed percent-encoding', () => {
  it.each(ID_ROUTES)('%s %s with a malformed UTF-8 escape as the id is a 400', async (method, path) => {
    const body = method === 'POST' ? { reason: 'x' } : undefined;
    const res = await callApi(deps, method, path.replace('{id}', '%F0%28%8C%28'), body);
    expectErrorShape(res.status, res.body);
    expect(res.status).toBe(400);
  });
});

describe('body fields a route does not take', () => {
  it('refuses a misspelt field with a 400 naming it and the fields the route takes, and writes nothing', async () => {
    // Act: `firstname` for `firstName`, and a stray field inside the address
    const res = await callApi(deps, 'POST', '/clients', {
      id: 'misspelt',
      firstName: 'Amelia',
      firstname: 'Amelia',
      phone: '07700 900612',
    });
    const after = await callApi(deps, 'GET', '/clients/misspelt');

    // Assess
    expect(res.status).toBe(400);
    expectErrorShape(res.status, res.body);
    const fields = (res.body as ErrorResult).error.fields ?? [];
    expect(fields.map((f) => f.field)).toEqual(['firstname']);
    expect(fields[0]!.message).toMatch(/not a field of this request; expected .*firstName/);
    expect(after.status).toBe(404);
  });

  it('refuses __proto__ and constructor keys with a 400 naming them, not a 500', async () => {
    for (const [raw, field] of [
      ['{"id":"proto","firstName":"A","phone":"07700 900613","__proto__":{"admin":true}}', '__proto__'],
      [
        '{"id":"proto","firstName":"A","phone":"07700 900613","constructor":{"prototype":{"x":1}}}',
        'constructor',
      ],
    ] as const) {
      const res = await callApi(deps, 'POST', '/clients', raw);

      expect(res.status).toBe(400);
      expectErrorShape(res.status, res.body);
      expect(((res.body as ErrorResult).error.fields ?? []).map((f) => f.field)).toEqual([field]);
    }
    expect((await callApi(deps, 'GET', '/clients/proto')).status).toBe(404);
  });

  it('still accepts the same body without the stray field', async () => {
    const res = await callApi(deps, 'POST', '/clients', {
      id: 'spelt',
      firstName: 'Amelia',
      phone: '07700 900612',
    });

    expect(res.status).toBe(201);
  });
});

describe('a slot given both forms of its time', () => {
  it.each([
    { what: 'date and time', extra: { date: '2026-12-21', time: '10:00' } },
    { what: 'a date only', extra: { date: '2026-12-21' } },
    { what: 'a time only', extra: { time: '10:00' } },
  ])('with startsAt and $what is a 400 naming startsAt, and no slot is made', async ({ extra }) => {
    // Act
    const res = await callApi(deps, 'POST', '/slots', {
      clinicId: 'riverside',
      type: 'one-year-review',
      startsAt: '2026-12-22T15:00:00Z',
      ...extra,
    });

    // Assess
    expect(res.status).toBe(400);
    expectErrorShape(res.status, res.body);
    expect((res.body as ErrorResult).error.fields).toEqual([
      { field: 'startsAt', message: 'give either startsAt, or date and time, not both' },
    ]);
    const day = await callApi<{ items: unknown[] }>(deps, 'GET', '/slots?clinicId=riverside&date=2026-12-22');
    expect(day.body.items).toEqual([]);
  });

  it('still makes a slot from either form alone', async () => {
    // Act
    const byInstant = await callApi(deps, 'POST', '/slots', {
      clinicId: 'riverside',
      type: 'one-year-review',
      startsAt: '2026-12-23T15:00:00Z',
    });
    const byLocal = await callApi(deps, 'POST', '/slots', {
      clinicId: 'riverside',
      type: 'one-year-review',
      date: '2026-12-23',
      time: '10:00',
    });

    // Assess
    expect([byInstant.status, byLocal.status]).toEqual([201, 201]);
  });
});
