/**
 * Outcomes and Was-Not-Brought follow-ups against a real table: the booking, the child's history and
 * any follow-up change together or not at all; a second WNB in a row (or one for a vulnerable child)
 * opens exactly one follow-up for the named health visitor, even when outcomes are recorded at once;
 * and only a person closes it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import type { EventDetail } from '#core/events.ts';
import type { Booking, BookingOutcome, Client, Clinic } from '#core/model.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import type { Deps } from '#services/deps.ts';
import { recordOutcome } from '#services/outcomes.ts';
import { getBooking } from '#store/bookings.ts';
import { getClient } from '#store/clients.ts';
import type { StoreContext } from '#store/context.ts';
import { closeFollowUp, followUpIdFor, getFollowUp, openFollowUps } from '#store/follow-ups.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { exampleConfig, freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { bookingKey, dueIndex, liveBookingIdsInPhoneIndex, rawItem, seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT, so local time and UTC agree). */
const NOW = '2026-11-23T10:00:00.000Z';
const TUESDAY = '2026-11-24T10:00:00.000Z';
const THURSDAY = '2026-11-26T14:00:00.000Z';
const FRIDAY = '2026-11-27T10:00:00.000Z';
/** Saturday morning, after all three appointments. */
const AFTERWARDS = '2026-11-28T09:00:00.000Z';
const HV = 'Health Visitor Priya Shah';

let store: StoreContext;
let clinic: Clinic;
let deps: TestDeps;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic();
  await seed(store, { clinic });
  deps = testDeps(store, NOW);
});

async function aChild(overrides: Partial<Client> = {}): Promise<ClientWithPhone> {
  const child = aClient({ namedHealthVisitor: HV, ...overrides });
  await seed(store, { clients: [child] });
  return child;
}

/** Books `client` now into a new slot starting at `startsAt`. */
async function booked(client: ClientWithPhone, startsAt: string): Promise<Booking> {
  const slot = aSlotFor(clinic, { startsAt });
  await seed(store, { slots: [slot] });
  return bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'staff:hv-1', source: 'staff' });
}

const record = (booking: Booking, outcome: BookingOutcome, on: Deps = deps) =>
  recordOutcome(on, { bookingId: booking.id, outcome, by: 'staff:hv-2' });

const escalations = () =>
  deps.bus.events
    .filter((e) => e.type === 'WasNotBroughtEscalation')
    .map((e) => e.detail as EventDetail<'WasNotBroughtEscalation'>);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to be refused'),
    (err: unknown) => err,
  );
}

describe('recording an outcome', () => {
  it('ATTENDED ends the booking, takes it out of the live indexes and resets the run of WNBs', async () => {
    // Prepare: a child not brought last time, booked for Thursday
    const child = await aChild({ history: { attended: 2, dna: 0, wnb: 1, consecutiveWnb: 1 } });
    const booking = await booked(child, THURSDAY);
    expect((await dueIndex(store)).has(booking.id)).toBe(true);
    deps.clock.set(AFTERWARDS);

    // Act
    const result = await recordOutcome(deps, {
      bookingId: booking.id,
      outcome: 'ATTENDED',
      note: 'Weighed; feeding well',
      by: 'staff:hv-2',
    });

    // Assess
    expect(result.followUp).toBeUndefined();
    expect(result.history).toEqual({ attended: 3, dna: 0, wnb: 1, consecutiveWnb: 0 });
    const stored = await getBooking(store, booking.id);
    expect(stored).toMatchObject({
      status: 'ATTENDED',
      outcomeAt: AFTERWARDS,
      outcomeBy: 'staff:hv-2',
      outcomeNote: 'Weighed; feeding well',
    });
    const raw = await rawItem(store, bookingKey(booking.id));
    expect(raw).not.toHaveProperty('dueShard');
    expect(raw).not.toHaveProperty('nextDueAt');
    expect((await dueIndex(store)).has(booking.id)).toBe(false);
    expect(await liveBookingIdsInPhoneIndex(store, child.phone)).not.toContain(booking.id);
    expect((await getClient(store, child.id))?.history).toEqual(result.history);
  });

  it('DNA counts a missed appointment without touching the run of WNBs', async () => {
    // Prepare
    const child = await aChild({ history: { attended: 0, dna: 0, wnb: 1, consecutiveWnb: 1 } });
    const booking = await booked(child, TUESDAY);
    deps.clock.set(AFTERWARDS);

    // Act
    await record(booking, 'DNA');

    // Assess
    expect((await getClient(store, child.id))?.history).toEqual({
      attended: 0,
      dna: 1,
      wnb: 1,
      consecutiveWnb: 1,
    });
    expect((await getBooking(store, booking.id))?.status).toBe('DNA');
    expect(await openFollowUps(store)).toEqual({ items: [] });
  });

  it('refuses a booking that has not started yet (NOT_STARTED) and changes nothing', async () => {
    // Prepare: Thursday's appointment, on Thursday morning
    const child = await aChild();
    const booking = await booked(child, THURSDAY);
    deps.clock.set('2026-11-26T13:59:00.000Z');

    // Act
    const err = await rejection(record(booking, 'WNB'));

    // Assess
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ code: 'NOT_STARTED' });
    expect((await getBooking(store, booking.id))?.status).toBe('BOOKED');
    expect((await dueIndex(store)).has(booking.id)).toBe(true);
    expect((await getClient(store, child.id))?.history.wnb).toBe(0);
  });

  it('records an outcome once: a second one is OUTCOME_ALREADY_RECORDED and counts nothing', async () => {
    // Prepare
    const child = await aChild();
    const booking = await booked(child, TUESDAY);
    deps.clock.set(AFTERWARDS);
    await record(booking, 'ATTENDED');

    // Act
    const again = await rejection(record(booking, 'ATTENDED'));
    const different = await rejection(record(booking, 'WNB'));

    // Assess
    expect(again).toMatchObject({ code: 'OUTCOME_ALREADY_RECORDED' });
    expect(different).toMatchObject({ code: 'OUTCOME_ALREADY_RECORDED' });
    expect((await getClient(store, child.id))?.history).toEqual({
      attended: 1,
      dna: 0,
      wnb: 0,
      consecutiveWnb: 0,
    });
    expect((await getBooking(store, booking.id))?.status).toBe('ATTENDED');
  });

  it('refuses a cancelled booking (BOOKING_CANCELLED) and an unknown one (404)', async () => {
    // Prepare
    const child = await aChild();
    const booking = await booked(child, TUESDAY);
    await cancelByStaff(deps, {
      bookingId: booking.id,
      by: 'staff:hv-1',
      reason: 'Clinic closed',
      notify: false,
    });
    deps.clock.set(AFTERWARDS);

    // Act
    const cancelled = await rejection(record(booking, 'WNB'));
    const unknown = await rejection(recordOutcome(deps, { bookingId: 'nope', outcome: 'WNB', by: 'x' }));

    // Assess
    expect(cancelled).toMatchObject({ code: 'BOOKING_CANCELLED' });
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((await getClient(store, child.id))?.history.wnb).toBe(0);
  });
});

describe('Was-Not-Brought escalation', () => {
  it('the second WNB in a row opens one follow-up for the named health visitor and announces it', async () => {
    // Prepare
    const child = await aChild();
    const tuesday = await booked(child, TUESDAY);
    const thursday = await booked(child, THURSDAY);
    deps.clock.set(AFTERWARDS);

    // Act
    const first = await record(tuesday, 'WNB');
    const second = await record(thursday, 'WNB');

    // Assess: nothing after the first, a follow-up after the second
    expect(first.followUp).toBeUndefined();
    expect(second.followUp).toMatchObject({
      id: followUpIdFor(thursday.id),
      clientId: child.id,
      bookingId: thursday.id,
      namedHealthVisitor: HV,
      reason: 'repeated-wnb',
      consecutiveWnb: 2,
      vulnerable: false,
      status: 'OPEN',
      openedAt: AFTERWARDS,
      openedBy: 'staff:hv-2',
      announcedAt: AFTERWARDS,
    });
    expect((await openFollowUps(store)).items.map((f) => f.id)).toEqual([second.followUp?.id]);
    expect(escalations()).toEqual([
      {
        clientId: child.id,
        bookingId: thursday.id,
        followUpId: second.followUp?.id,
        consecutiveWnb: 2,
        reason: 'repeated-wnb',
        at: AFTERWARDS,
      },
    ]);
    const stored = await getClient(store, child.id);
    expect(stored?.history).toEqual({ attended: 0, dna: 0, wnb: 2, consecutiveWnb: 2 });
    expect(stored?.openFollowUps).toBe(1);
    // Never discharged: the child is still there, and so are their details.
    expect(stored?.firstName).toBe(child.firstName);
  });

  it('a child who attends between two WNBs is not escalated', async () => {
    // Prepare
    const child = await aChild();
    const [tuesday, thursday, friday] = [
      await booked(child, TUESDAY),
      await booked(child, THURSDAY),
      await booked(child, FRIDAY),
    ];
    deps.clock.set(AFTERWARDS);

    // Act
    await record(tuesday, 'WNB');
    await record(thursday, 'ATTENDED');
    const last = await record(friday, 'WNB');

    // Assess
    expect(last.followUp).toBeUndefined();
    expect(last.history).toEqual({ attended: 1, dna: 0, wnb: 2, consecutiveWnb: 1 });
    expect((await openFollowUps(store)).items).toEqual([]);
    expect(escalations()).toEqual([]);
  });

  it('one WNB for a child flagged vulnerable opens a follow-up; a DNA does not', async () => {
    // Prepare
    const flags = { needsCarer: false, parentalMentalHealth: false, vulnerable: true, doNotText: false };
    const child = await aChild({ flags });
    const tuesday = await booked(child, TUESDAY);
    const thursday = await booked(child, THURSDAY);
    deps.clock.set(AFTERWARDS);

    // Act
    const dna = await record(tuesday, 'DNA');
    const wnb = await record(thursday, 'WNB');

    // Assess
    expect(dna.followUp).toBeUndefined();
    expect(wnb.followUp).toMatchObject({ reason: 'vulnerable-wnb', consecutiveWnb: 1, vulnerable: true });
    expect(escalations().map((e) => e.reason)).toEqual(['vulnerable-wnb']);
  });

  it("follows the trust's threshold", async () => {
    // Prepare: a trust that escalates on the third WNB in a row
    const strict = testDeps(store, AFTERWARDS, {
      ...exampleConfig,
      booking: { ...exampleConfig.booking, wnbEscalationThreshold: 3 },
    });
    const child = await aChild({ history: { attended: 0, dna: 0, wnb: 1, consecutiveWnb: 1 } });
    const tuesday = await booked(child, TUESDAY);
    const thursday = await booked(child, THURSDAY);

    // Act
    const second = await record(tuesday, 'WNB', strict);
    const third = await record(thursday, 'WNB', strict);

    // Assess
    expect(second.followUp).toBeUndefined();
    expect(third.followUp).toMatchObject({ reason: 'repeated-wnb', consecutiveWnb: 3 });
  });

  it('two WNBs recorded at the same moment both count, and exactly one follow-up opens', async () => {
    // Prepare
    const child = await aChild();
    const tuesday = await booked(child, TUESDAY);
    const thursday = await booked(child, THURSDAY);
    deps.clock.set(AFTERWARDS);

    // Act
    const results = await Promise.all([record(tuesday, 'WNB'), record(thursday, 'WNB')]);

    // Assess
    expect((await getClient(store, child.id))?.history).toEqual({
      attended: 0,
      dna: 0,
      wnb: 2,
      consecutiveWnb: 2,
    });
    expect(results.filter((r) => r.followUp)).toHaveLength(1);
    const open = (await openFollowUps(store)).items;
    expect(open).toHaveLength(1);
    expect(open[0]?.consecutiveWnb).toBe(2);
    expect(escalations()).toHaveLength(1);
    expect((await getClient(store, child.id))?.openFollowUps).toBe(1);
  });

  it('a WNB whose event failed to go out is announced when the request is retried', async () => {
    // Prepare: the bus is down for the first request
    const child = await aChild({ history: { attended: 0, dna: 0, wnb: 1, consecutiveWnb: 1 } });
    const booking = await booked(child, TUESDAY);
    deps.clock.set(AFTERWARDS);
    let down = true;
    const flaky: Deps = {
      ...deps,
      events: {
        publish: async (events) => {
          if (down) throw new Error('EventBridge unavailable');
          await deps.bus.publish(events);
        },
      },
    };
    await expect(record(booking, 'WNB', flaky)).rejects.toThrow('EventBridge unavailable');
    const followUpId = followUpIdFor(booking.id);
    expect((await getFollowUp(store, followUpId))?.announcedAt).toBeUndefined();

    // Act: the bus is back, and staff press the button again
    down = false;
    const retry = await rejection(record(booking, 'WNB', flaky));

    // Assess: the outcome stands once, and the escalation went out once
    expect(retry).toMatchObject({ code: 'OUTCOME_ALREADY_RECORDED' });
    expect(escalations().map((e) => e.followUpId)).toEqual([followUpId]);
    expect((await getFollowUp(store, followUpId))?.announcedAt).toBe(AFTERWARDS);
    expect((await getClient(store, child.id))?.history.wnb).toBe(2);
    expect((await openFollowUps(store)).items).toHaveLength(1);
  });
});

describe('closing a follow-up', () => {
  async function anOpenFollowUp() {
    const flags = { needsCarer: false, parentalMentalHealth: false, vulnerable: true, doNotText: false };
    const child = await aChild({ flags });
    const booking = await booked(child, TUESDAY);
    deps.clock.set(AFTERWARDS);
    const { followUp } = await record(booking, 'WNB');
    return { child, followUp: followUp! };
  }

  it('closes with a note and who did it, and leaves the open list', async () => {
    // Prepare
    const { child, followUp } = await anOpenFollowUp();

    // Act
    const closed = await closeFollowUp(store, {
      id: followUp.id,
      by: 'staff:hv-priya',
      at: '2026-11-28T11:00:00.000Z',
      note: 'Phoned mum; new date agreed',
    });

    // Assess
    expect(closed).toMatchObject({
      status: 'CLOSED',
      closedBy: 'staff:hv-priya',
      closedAt: '2026-11-28T11:00:00.000Z',
      note: 'Phoned mum; new date agreed',
    });
    expect(await getFollowUp(store, followUp.id)).toEqual(closed);
    expect((await openFollowUps(store)).items).toEqual([]);
    expect((await getClient(store, child.id))?.openFollowUps).toBe(0);
  });

  it('closing twice is ALREADY_CLOSED and keeps the first note; an unknown id is a 404', async () => {
    // Prepare
    const { child, followUp } = await anOpenFollowUp();
    const close = (note: string) =>
      closeFollowUp(store, { id: followUp.id, by: 'staff:hv-priya', at: AFTERWARDS, note });
    await close('Home visit done');

    // Act
    const twice = await rejection(close('Second go'));
    const unknown = await rejection(closeFollowUp(store, { id: 'nope', by: 'x', at: AFTERWARDS, note: 'n' }));

    // Assess
    expect(twice).toMatchObject({ code: 'ALREADY_CLOSED' });
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((await getFollowUp(store, followUp.id))?.note).toBe('Home visit done');
    expect((await getClient(store, child.id))?.openFollowUps).toBe(0);
  });

  it('lists open follow-ups newest first, a page at a time', async () => {
    // Prepare: three vulnerable children each not brought, an hour apart
    const flags = { needsCarer: false, parentalMentalHealth: false, vulnerable: true, doNotText: false };
    const opened: string[] = [];
    for (const hour of ['09', '10', '11']) {
      const child = await aChild({ flags });
      deps.clock.set(NOW);
      const booking = await booked(child, TUESDAY);
      deps.clock.set(`2026-11-28T${hour}:00:00.000Z`);
      opened.push((await record(booking, 'WNB')).followUp!.id);
    }

    // Act
    const first = await openFollowUps(store, { limit: 2 });
    const rest = await openFollowUps(store, { limit: 2, cursor: first.cursor });

    // Assess
    expect([...first.items, ...rest.items].map((f) => f.id)).toEqual([...opened].reverse());
    expect(first.items).toHaveLength(2);
  });
});
