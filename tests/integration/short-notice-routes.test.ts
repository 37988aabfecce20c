/**
 * GET /short-notice (the list of a type with each score worked out now and explained, and the dates each
 * family can be offered) and GET /short-notice/runs (the runs of offers under way), through the IAM door
 * against a real table. A freed slot's run is started as the stream would (startBackfill).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Clinic } from '#core/model.ts';
import { startBackfill } from '#services/backfill.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { aClient, aClinic, aSlotFor, aWaitlistRequestFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, IAM_CALLER_ARNS } from '#tests/support/function-url.ts';
import { seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London. */
const NOW = '2026-11-23T10:00:00.000Z';
/** Born on 5 October, a baby is due the 6-8 week review from 16 to 30 November. */
const BORN = '2026-10-05';
const TYPE = 'six-to-eight-week-review';

let deps: TestDeps;
let clinic: Clinic;

beforeEach(async () => {
  const store = await freshTable();
  clinic = aClinic();
  await seed(store, { clinic });
  deps = testDeps(store, NOW);
});

async function onTheList(firstName: string, flags: Partial<ReturnType<typeof aClient>['flags']> = {}) {
  const client = aClient({
    firstName,
    dateOfBirth: BORN,
    flags: { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: false, ...flags },
  });
  await seed(deps.store, { clients: [client] });
  const entry = await addToWaitlist(deps, aWaitlistRequestFor(client, clinic));
  return { client, entry };
}

interface Explained {
  id: string;
  firstName?: string;
  scoreNow: number;
  breakdown: { factor: string; points: number; detail: string }[];
  dates: { earliest?: string; latest?: string; ageUnknown: boolean };
}

describe('GET /short-notice', () => {
  it('lists the waiting families of a type, highest first, each score with its parts and their dates', async () => {
    const low = await onTheList('Dev');
    const high = await onTheList('Ava', { imdDecile: 1, vulnerable: true });

    const res = await callApi<{ items: Explained[] }>(deps, 'GET', `/short-notice?type=${TYPE}`);

    expect(res.status).toBe(200);
    expect(res.body.items.map((e) => [e.id, e.firstName])).toEqual([
      [high.entry.id, 'Ava'],
      [low.entry.id, 'Dev'],
    ]);
    const ava = res.body.items[0]!;
    expect(ava.dates).toEqual({ earliest: '2026-11-16', latest: '2026-11-30', ageUnknown: false });
    // The parts add up to the score, and name the equity factors that made it.
    expect(ava.breakdown.reduce((sum, p) => sum + p.points, 0)).toBeCloseTo(ava.scoreNow, 1);
    expect(ava.breakdown.map((p) => p.factor)).toEqual(
      expect.arrayContaining(['imd-decile-1-2', 'vulnerable']),
    );
    expect(ava.scoreNow).toBeGreaterThan(res.body.items[1]!.scoreNow);
  });

  it('says which appointment types there are when asked for one that is not', async () => {
    const res = await callApi<{ error: { fields: { field: string; message: string }[] } }>(
      deps,
      'GET',
      '/short-notice?type=no-such-type',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0]).toMatchObject({
      field: 'query.type',
      message: expect.stringContaining(TYPE),
    });
  });

  it('is not for health visitors', async () => {
    const res = await callApi(
      deps,
      'GET',
      `/short-notice?type=${TYPE}`,
      undefined,
      IAM_CALLER_ARNS['health-visitor'],
    );
    expect(res.status).toBe(403);
  });
});

describe('GET /short-notice/runs', () => {
  it('lists each slot under offer with its wave and this run’s offers, and nothing once the run has ended', async () => {
    await onTheList('Ava', { imdDecile: 1 });
    await onTheList('Ben');
    const holder = aClient({ dateOfBirth: BORN });
    // Thursday 26 November, 14:00: three days ahead, inside the short-notice lead time.
    const slot = aSlotFor(clinic, { startsAt: '2026-11-26T14:00:00.000Z' });
    const untouched = aSlotFor(clinic, { startsAt: '2026-11-26T15:00:00.000Z' });
    await seed(deps.store, { clients: [holder], slots: [slot, untouched] });
    const booking = await bookSlot(deps, {
      slotId: slot.id,
      clientId: holder.id,
      by: 'staff',
      source: 'staff',
    });

    expect((await callApi<{ items: unknown[] }>(deps, 'GET', '/short-notice/runs')).body.items).toEqual([]);

    await cancelByStaff(deps, { bookingId: booking.id, by: 'staff', reason: 'unwell', notify: false });
    await startBackfill(deps, slot.id);
    const res = await callApi<{
      items: {
        slot: { id: string; backfill: { state: string; wave: number } };
        offers: { firstName?: string; status: string }[];
      }[];
    }>(deps, 'GET', '/short-notice/runs');

    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const run = res.body.items[0]!;
    expect(run.slot.id).toBe(slot.id);
    expect(run.slot.backfill).toMatchObject({ state: 'OFFERING', wave: 1 });
    expect(run.offers.map((o) => [o.firstName, o.status])).toEqual(
      expect.arrayContaining([
        ['Ava', 'PENDING'],
        ['Ben', 'PENDING'],
      ]),
    );

    // Staff withdraw the slot: the run ends, and the list of runs under way is empty again.
    const withdrawn = await callApi(deps, 'POST', `/slots/${slot.id}/withdraw`);
    expect(withdrawn.status).toBe(200);
    expect((await callApi<{ items: unknown[] }>(deps, 'GET', '/short-notice/runs')).body.items).toEqual([]);
  });
});

describe('POST /slots/{id}/short-notice', () => {
  it('offers a free slot to the list at once, and refuses it while it is under offer, booked or past', async () => {
    await onTheList('Ava', { imdDecile: 1 });
    // Thursday 26 November, 15:00: a slot made for ordinary booking, never freed.
    const slot = aSlotFor(clinic, { startsAt: '2026-11-26T15:00:00.000Z' });
    const booked = aSlotFor(clinic, { startsAt: '2026-11-26T16:00:00.000Z' });
    const past = aSlotFor(clinic, { startsAt: '2026-11-23T09:00:00.000Z' });
    const holder = aClient({ dateOfBirth: BORN });
    await seed(deps.store, { clients: [holder], slots: [slot, booked, past] });
    await bookSlot(deps, { slotId: booked.id, clientId: holder.id, by: 'staff', source: 'staff' });

    const res = await callApi<{
      status: string;
      freedBy: string;
      backfill: { state: string; offersMade: number };
    }>(deps, 'POST', `/slots/${slot.id}/short-notice`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'OFFERING',
      freedBy: 'short-notice',
      backfill: { state: 'OFFERING', offersMade: 1 },
    });
    const runs = await callApi<{ items: { slot: { id: string }; offers: { firstName?: string }[] }[] }>(
      deps,
      'GET',
      '/short-notice/runs',
    );
    expect(runs.body.items.map((r) => [r.slot.id, r.offers.map((o) => o.firstName)])).toEqual([
      [slot.id, ['Ava']],
    ]);

    const again = await callApi<{ error: { code: string } }>(deps, 'POST', `/slots/${slot.id}/short-notice`);
    expect([again.status, again.body.error.code]).toEqual([409, 'SLOT_NOT_FREE']);
    const onBooked = await callApi<{ error: { code: string } }>(
      deps,
      'POST',
      `/slots/${booked.id}/short-notice`,
    );
    expect([onBooked.status, onBooked.body.error.code]).toEqual([409, 'SLOT_NOT_FREE']);
    const onPast = await callApi<{ error: { code: string } }>(deps, 'POST', `/slots/${past.id}/short-notice`);
    expect([onPast.status, onPast.body.error.code]).toEqual([409, 'ALREADY_STARTED']);
    const missing = await callApi(deps, 'POST', '/slots/no-such-slot/short-notice');
    expect(missing.status).toBe(404);
  });

  it('offers again a slot whose last run ended unfilled', async () => {
    const slot = aSlotFor(clinic, { startsAt: '2026-11-26T15:00:00.000Z' });
    await seed(deps.store, { slots: [slot] });
    // Nobody is on the list: the run ends at once, unfilled, and the slot is free again.
    const first = await callApi<{ status: string; backfill: { state: string; runId: string } }>(
      deps,
      'POST',
      `/slots/${slot.id}/short-notice`,
    );
    expect(first.body).toMatchObject({ status: 'FREE', backfill: { state: 'UNFILLED' } });

    await onTheList('Ben');
    deps.clock.set('2026-11-23T10:05:00.000Z');
    const second = await callApi<{ status: string; backfill: { state: string; runId: string } }>(
      deps,
      'POST',
      `/slots/${slot.id}/short-notice`,
    );

    expect(second.body).toMatchObject({ status: 'OFFERING', backfill: { state: 'OFFERING' } });
    expect(second.body.backfill.runId).not.toBe(first.body.backfill.runId);
  });

  it('is not for health visitors', async () => {
    const slot = aSlotFor(clinic, { startsAt: '2026-11-26T15:00:00.000Z' });
    await seed(deps.store, { slots: [slot] });
    const res = await callApi(
      deps,
      'POST',
      `/slots/${slot.id}/short-notice`,
      undefined,
      IAM_CALLER_ARNS['health-visitor'],
    );
    expect(res.status).toBe(403);
  });
});
