/**
 * Moving a booking to another slot against a real table: the old booking, both slots and the new booking
 * change in one transaction or not at all; the new booking gets a fresh reminder plan and the family's
 * reference; the family is texted the new time; the freed slot is marked for the short-notice list.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '#core/errors.ts';
import type { EventDetail, EventType } from '#core/events.ts';
import type { Booking, Clinic, Slot } from '#core/model.ts';
import { bookSlot, cancelByStaff, moveBooking } from '#services/bookings.ts';
import { getBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { moveBooking as moveBookingTx } from '#store/moves.ts';
import { getSlot } from '#store/slots.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aBookingFor, aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { bookingKey, dueIndex, liveBookingIdsInPhoneIndex, rawItem, seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT, so local time and UTC agree). */
const NOW = '2026-11-23T10:00:00.000Z';
/** Thursday 26 November 2026, 14:00. */
const THURSDAY = '2026-11-26T14:00:00.000Z';
/** Thursday 3 December 2026, 10:30: ten days ahead, so a 7-day and a 2-day reminder, no morning-of. */
const NEXT_WEEK = '2026-12-03T10:30:00.000Z';
const STAFF = 'staff:scheduler-1';

let store: StoreContext;
let clinic: Clinic;
let deps: TestDeps;
let client: ClientWithPhone;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic({ venue: 'Oakwood Health Centre' });
  client = aClient({ firstName: 'Amelia' });
  await seed(store, { clinic, clients: [client] });
  deps = testDeps(store, NOW);
});

async function aSlot(startsAt: string, overrides: Partial<Slot> = {}): Promise<Slot> {
  const slot = aSlotFor(clinic, { startsAt, ...overrides });
  await seed(store, { slots: [slot] });
  return slot;
}

async function booked(startsAt = THURSDAY, who: ClientWithPhone = client): Promise<Booking> {
  const slot = await aSlot(startsAt);
  return bookSlot(deps, { slotId: slot.id, clientId: who.id, by: 'staff:hv-1', source: 'staff' });
}

const textsTo = (phone: string) => deps.outbox.entries.filter((e) => e.to === phone);
function eventsOf<T extends EventType>(type: T): EventDetail<T>[] {
  return deps.bus.events.filter((e) => e.type === type).map((e) => e.detail as EventDetail<T>);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to be refused'),
    (err: unknown) => err,
  );
}

describe('moving a booking', () => {
  it('cancels the old booking, frees its slot, books the new one with a fresh plan, and tells the family', async () => {
    // Prepare
    const old = await booked();
    const target = await aSlot(NEXT_WEEK);
    deps.clock.set('2026-11-23T11:00:00.000Z');

    // Act
    const { from, to } = await moveBooking(deps, {
      bookingId: old.id,
      slotId: target.id,
      reason: 'family asked for a morning',
      by: STAFF,
    });

    // Assess: the old booking
    expect(from).toMatchObject({
      status: 'CANCELLED',
      cancelledBy: STAFF,
      cancelReason: 'moved: family asked for a morning',
      movedTo: to.id,
    });
    expect(await rawItem(store, bookingKey(old.id))).not.toHaveProperty('phonePk');
    expect(await getSlot(store, old.slotId)).toMatchObject({
      status: 'FREE',
      freedBy: 'move',
      freedAt: '2026-11-23T11:00:00.000Z',
    });
    expect((await getSlot(store, old.slotId))?.bookingId).toBeUndefined();

    // … the new one, under the reference the family already knows
    expect(to).toMatchObject({
      status: 'BOOKED',
      slotId: target.id,
      clientId: client.id,
      ref: old.ref,
      movedFrom: old.id,
      startsAt: NEXT_WEEK,
      bookedBy: STAFF,
      source: 'staff',
    });
    expect(to.tiers['7d']).toMatchObject({ status: 'PENDING', dueAt: '2026-11-26T10:00:00.000Z' });
    expect(to.tiers['2d']).toMatchObject({ status: 'PENDING', dueAt: '2026-12-01T10:00:00.000Z' });
    expect(to.tiers['morning-of']).toMatchObject({ status: 'SKIPPED', skipReason: 'not-applicable' });
    expect(to.tiers.confirmation?.status).toBe('SENT');
    expect(await getSlot(store, target.id)).toMatchObject({ status: 'BOOKED', bookingId: to.id });
    const due = await dueIndex(store);
    expect(due.get(to.id)).toBe('2026-11-26T10:00:00.000Z');
    expect(due.has(old.id)).toBe(false);
    expect(await liveBookingIdsInPhoneIndex(store, client.phone)).toEqual([to.id]);

    // … the family's text and the events
    const confirmation = textsTo(client.phone).at(-1);
    expect(confirmation?.body).toContain('Thu 3 Dec at 10:30');
    expect(confirmation?.body).toContain(`Ref ${old.ref}`);
    expect(eventsOf('AppointmentCancelled')).toEqual([
      expect.objectContaining({ bookingId: old.id, slotId: old.slotId, cancelledBy: 'staff' }),
    ]);
    expect(eventsOf('AppointmentBooked').map((e) => e.bookingId)).toEqual([old.id, to.id]);
  });

  it('refuses a slot that is already taken, and changes nothing', async () => {
    // Prepare: the target slot goes to another family first
    const old = await booked();
    const target = await aSlot(NEXT_WEEK);
    const other = aClient();
    await seed(store, { clients: [other] });
    await bookSlot(deps, { slotId: target.id, clientId: other.id, by: 'staff:hv-1', source: 'staff' });
    const eventsBefore = deps.bus.events.length;

    // Act
    const err = await rejection(
      moveBooking(deps, { bookingId: old.id, slotId: target.id, reason: 'earlier', by: STAFF }),
    );

    // Assess
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ code: 'SLOT_NOT_FREE' });
    expect((await getBooking(store, old.id))?.status).toBe('BOOKED');
    expect((await getSlot(store, old.slotId))?.status).toBe('BOOKED');
    expect(deps.bus.events).toHaveLength(eventsBefore);
  });

  it('the transaction itself refuses a slot taken after it was read: nothing changes', async () => {
    // Prepare: a move drafted for a slot that someone else books before the move is written
    const old = await booked();
    const target = await aSlot(NEXT_WEEK);
    const other = aClient();
    await seed(store, { clients: [other] });
    await bookSlot(deps, { slotId: target.id, clientId: other.id, by: 'staff:hv-1', source: 'staff' });
    const drafted = aBookingFor(target, client, { ref: old.ref, movedFrom: old.id, bookedAt: NOW });

    // Act
    const result = await moveBookingTx(store, {
      from: old,
      to: drafted,
      by: STAFF,
      reason: 'moved: earlier',
      now: NOW,
      noticeMinutes: 100,
      late: false,
    });

    // Assess
    expect(result).toBe('slot-taken');
    expect(await getBooking(store, drafted.id)).toBeUndefined();
    expect((await getBooking(store, old.id))?.status).toBe('BOOKED');
    expect((await dueIndex(store)).has(old.id)).toBe(true);
    expect((await getSlot(store, old.slotId))?.status).toBe('BOOKED');
  });

  it('refuses a slot of another type, the same slot, a cancelled booking and one that has started', async () => {
    // Prepare
    const old = await booked();
    const otherType = await aSlot(NEXT_WEEK, { type: 'one-year-review' });
    const target = await aSlot('2026-12-04T09:30:00.000Z');
    const cancelled = await booked('2026-11-27T10:00:00.000Z');
    await cancelByStaff(deps, { bookingId: cancelled.id, by: 'staff:hv-1', reason: 'ill', notify: false });
    const move = (bookingId: string, slotId: string) =>
      rejection(moveBooking(deps, { bookingId, slotId, reason: 'r', by: STAFF }));

    // Act
    const wrongType = await move(old.id, otherType.id);
    const sameSlot = await move(old.id, old.slotId);
    const notLive = await move(cancelled.id, target.id);
    const unknownSlot = await move(old.id, 'no-such-slot');
    deps.clock.set('2026-11-26T14:05:00.000Z');
    const started = await move(old.id, target.id);

    // Assess
    expect(wrongType).toBeInstanceOf(ValidationError);
    expect((wrongType as ValidationError).fields[0]).toMatchObject({ field: 'slotId' });
    expect(sameSlot).toBeInstanceOf(ValidationError);
    expect(notLive).toMatchObject({ code: 'ALREADY_CANCELLED' });
    expect(unknownSlot).toBeInstanceOf(NotFoundError);
    expect(started).toMatchObject({ code: 'ALREADY_STARTED' });
    expect((await getSlot(store, target.id))?.status).toBe('FREE');
    expect((await getBooking(store, old.id))?.status).toBe('BOOKED');
  });

  it('keeps to the booking horizon unless told to override it', async () => {
    // Prepare: a slot 50 days ahead
    const old = await booked();
    const far = await aSlot('2027-01-12T10:00:00.000Z');

    // Act
    const refused = await rejection(
      moveBooking(deps, { bookingId: old.id, slotId: far.id, reason: 'later', by: STAFF }),
    );
    const { to } = await moveBooking(deps, {
      bookingId: old.id,
      slotId: far.id,
      reason: 'later',
      by: STAFF,
      overrideHorizon: true,
    });

    // Assess
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).fields).toEqual([
      expect.objectContaining({ field: 'slotId', message: expect.stringContaining('42 days') }),
    ]);
    expect(to.horizonOverridden).toBe(true);
  });
});
