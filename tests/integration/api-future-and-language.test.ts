/**
 * Values the admin API took that it must not (session 5 tester's faults, item 3): a date of birth in
 * the future, a slot that has already started, a language Attend does not serve families in. Each is a 400
 * naming the field, and nothing is written. Antenatal contacts are registered with `dueDate`, which may
 * be ahead, and are not refused. Called as the function URL calls the API, on DynamoDB Local.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { aClinic } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, type ErrorResult } from '#tests/support/function-url.ts';
import { scanEntity, seed } from './helpers.ts';

// 23:30 in London on Monday 30 November: "today" is the trust's local day, not the UTC one.
const NOW = '2026-11-30T23:30:00Z';
let deps: TestDeps;

beforeAll(async () => {
  deps = testDeps(await freshTable(), NOW);
  await seed(deps.store, { clinic: aClinic({ id: 'riverside' }) });
});

const fieldsOf = (body: unknown) => (body as ErrorResult).error.fields ?? [];

describe('POST /clients: date of birth and language', () => {
  const family = (id: string, extra: Record<string, unknown>) => ({
    id,
    firstName: 'Amelia',
    phone: '07700 900612',
    ...extra,
  });

  it('refuses a date of birth after today, naming dateOfBirth and pointing to dueDate; nothing is stored', async () => {
    // Act
    const res = await callApi(
      deps,
      'POST',
      '/clients',
      family('born-tomorrow', { dateOfBirth: '2026-12-01' }),
    );

    // Assess
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual([
      {
        field: 'dateOfBirth',
        message: 'must be today (2026-11-30) or earlier; for an expected baby give dueDate instead',
      },
    ]);
    expect((await callApi(deps, 'GET', '/clients/born-tomorrow')).status).toBe(404);
  });

  it('takes a child born today, and an antenatal contact with a due date ahead and no date of birth', async () => {
    const today = await callApi(
      deps,
      'POST',
      '/clients',
      family('born-today', { dateOfBirth: '2026-11-30' }),
    );
    const antenatal = await callApi(deps, 'POST', '/clients', family('expected', { dueDate: '2027-03-14' }));
    expect(today.status).toBe(201);
    expect(antenatal.status).toBe(201);
    expect(antenatal.body).toMatchObject({ id: 'expected', dueDate: '2027-03-14' });
  });

  it('refuses a language Attend does not support, naming language and the ones it does', async () => {
    // Act
    const res = await callApi(deps, 'POST', '/clients', family('klingon', { language: 'tlh' }));

    // Assess
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual([
      { field: 'language', message: 'not a language Attend supports; one of: en, cy, pl, ro, ne' },
    ]);
    expect((await callApi(deps, 'GET', '/clients/klingon')).status).toBe(404);
  });

  it.each([['cy'], ['ne']])(
    'takes %s: a language with templates, or with letters and reply words (texts fall back to English)',
    async (language) => {
      const res = await callApi(deps, 'POST', '/clients', family(`lang-${language}`, { language }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ language });
    },
  );
});

describe('POST /slots and /slots/session: slots that have already started', () => {
  const slot = { clinicId: 'riverside', type: 'one-year-review' };

  it.each([
    ['a local date and time earlier today', { date: '2026-11-30', time: '23:00' }, 'time'],
    ['a UTC instant yesterday', { startsAt: '2026-11-29T10:00:00Z' }, 'startsAt'],
    ['the very instant it is now', { startsAt: NOW }, 'startsAt'],
  ])('refuses %s, naming the field; no slot is stored', async (_what, when, field) => {
    // Act
    const res = await callApi(deps, 'POST', '/slots', { ...slot, ...when });

    // Assess
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual([
      { field, message: expect.stringMatching(/^must be in the future \(it is now 2026-11-30 23:30\)/) },
    ]);
    expect(await scanEntity(deps.store, 'Slot')).toEqual([]);
  });

  it('refuses a session on a past day, naming from; no slot is stored', async () => {
    const res = await callApi(deps, 'POST', '/slots/session', {
      ...slot,
      date: '2026-11-27',
      from: '09:00',
      to: '12:00',
      everyMinutes: 30,
    });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body).map((f) => f.field)).toEqual(['from']);
    expect(await scanEntity(deps.store, 'Slot')).toEqual([]);
  });

  it('takes a slot tomorrow', async () => {
    const res = await callApi(deps, 'POST', '/slots', { ...slot, date: '2026-12-01', time: '09:00' });
    expect(res.status).toBe(201);
    expect(await scanEntity(deps.store, 'Slot')).toHaveLength(1);
  });
});
