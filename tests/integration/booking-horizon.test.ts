/**
 * The trust's booking horizon ("not booking too far ahead") against a real table: staff bookings beyond
 * it are refused unless overridden, an override is recorded on the booking, and a booking made by a
 * family accepting a short-notice offer is never held to it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '#core/errors.ts';
import type { Clinic, Slot } from '#core/model.ts';
import { startBackfill } from '#services/backfill.ts';
import { bookSlot } from '#services/bookings.ts';
import { handleInboundSms } from '#services/replies.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { getBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { getSlot } from '#store/slots.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, anInboundSms, aSlotFor } from '#tests/support/builders.ts';
import { exampleConfig, freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London; the default 42-day horizon ends Monday 4 January, 10:00. */
const NOW = '2026-11-23T10:00:00.000Z';
const HORIZON_END = '2027-01-04T10:00:00.000Z';
const JUST_BEYOND = '2027-01-04T10:30:00.000Z';

let store: StoreContext;
let clinic: Clinic;
let client: ClientWithPhone;
let deps: TestDeps;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic();
  client = aClient({ dateOfBirth: '2026-10-05' });
  await seed(store, { clinic, clients: [client] });
  deps = testDeps(store, NOW);
});

async function aSlot(startsAt: string, overrides: Partial<Slot> = {}): Promise<Slot> {
  const slot = aSlotFor(clinic, { startsAt, ...overrides });
  await seed(store, { slots: [slot] });
  return slot;
}

const book = (slot: Slot, overrideHorizon?: boolean) =>
  bookSlot(deps, {
    slotId: slot.id,
    clientId: client.id,
    by: 'staff:hv-1',
    source: 'staff',
    overrideHorizon,
  });

describe('the booking horizon', () => {
  it('books a slot on the last instant of the horizon', async () => {
    // Prepare
    const slot = await aSlot(HORIZON_END);

    // Act
    const booking = await book(slot);

    // Assess
    expect(booking.status).toBe('BOOKED');
    expect(booking.horizonOverridden).toBeUndefined();
  });

  it('refuses a slot beyond it, naming slotId and the horizon, and writes nothing', async () => {
    // Prepare
    const slot = await aSlot(JUST_BEYOND);

    // Act
    const err = await book(slot).then(
      () => expect.fail('expected a refusal'),
      (e: unknown) => e,
    );

    // Assess
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).fields).toEqual([
      {
        field: 'slotId',
        message:
          'the slot starts more than 42 days ahead (the booking horizon); send "overrideHorizon": true to book it anyway',
      },
    ]);
    expect(await getSlot(store, slot.id)).toMatchObject({ status: 'FREE' });
    expect(deps.bus.events).toEqual([]);
    expect(deps.outbox.entries).toEqual([]);
  });

  it('books beyond it when told to override, and records the override on the booking', async () => {
    // Prepare
    const slot = await aSlot(JUST_BEYOND);

    // Act
    const booking = await book(slot, true);

    // Assess
    expect((await getBooking(store, booking.id))?.horizonOverridden).toBe(true);
    expect(await getSlot(store, slot.id)).toMatchObject({ status: 'BOOKED', bookingId: booking.id });
  });

  it("follows the trust's configured horizon", async () => {
    // Prepare: a trust that books at most a week ahead
    const weekly = testDeps(store, NOW, {
      ...exampleConfig,
      booking: { ...exampleConfig.booking, horizonDays: 7 },
    });
    const slot = await aSlot('2026-12-01T10:00:00.000Z');

    // Act
    const refused = bookSlot(weekly, {
      slotId: slot.id,
      clientId: client.id,
      by: 'staff:hv-1',
      source: 'staff',
    });

    // Assess
    await expect(refused).rejects.toThrow("beyond the trust's 7-day booking horizon");
  });

  it('does not hold a family accepting a short-notice offer to it', async () => {
    // Prepare: a trust with a 2-day horizon, and a slot three days ahead offered to the waiting family
    const shortHorizon = testDeps(store, NOW, {
      ...exampleConfig,
      booking: { ...exampleConfig.booking, horizonDays: 2 },
    });
    await addToWaitlist(shortHorizon, {
      clientId: client.id,
      type: 'six-to-eight-week-review',
      acceptableClinicIds: [clinic.id],
      consentToShortNotice: true,
    });
    const slot = await aSlot('2026-11-26T14:00:00.000Z', { freedAt: NOW, freedBy: 'short-notice' });
    await startBackfill(shortHorizon, slot.id);
    expect(shortHorizon.outbox.entries.map((e) => e.to)).toEqual([client.phone]);

    // Act
    const answer = await handleInboundSms(shortHorizon, anInboundSms(client.phone, 'YES'));

    // Assess
    expect(answer).toMatchObject({ outcome: 'offer-accepted' });
    const filled = await getSlot(store, slot.id);
    expect(filled?.status).toBe('BOOKED');
    const booking = await getBooking(store, filled!.bookingId!);
    expect(booking).toMatchObject({ source: 'offer', status: 'BOOKED' });
    expect(booking?.horizonOverridden).toBeUndefined();
  });

  it.each([
    {
      change: 'the clocks going forward',
      // 10:00 GMT on Monday 1 March 2027; 42 days on is 10:00 BST on Monday 12 April (09:00 UTC)
      now: '2027-03-01T10:00:00.000Z',
      lastIn: '2027-04-12T09:00:00.000Z',
      firstOut: '2027-04-12T09:30:00.000Z',
    },
    {
      change: 'the clocks going back',
      // 10:00 BST on Friday 1 October 2027; 42 days on is 10:00 GMT on Friday 12 November (10:00 UTC)
      now: '2027-10-01T09:00:00.000Z',
      lastIn: '2027-11-12T10:00:00.000Z',
      firstOut: '2027-11-12T10:30:00.000Z',
    },
  ])('counts its days on the clinic clock across $change', async ({ now, lastIn, firstOut }) => {
    // Prepare
    const atNow = testDeps(store, now);
    const inside = await aSlot(lastIn);
    const outside = await aSlot(firstOut);
    const bookAt = (slot: Slot) =>
      bookSlot(atNow, { slotId: slot.id, clientId: client.id, by: 'staff:hv-1', source: 'staff' });

    // Act
    const booked = await bookAt(inside);
    const refused = bookAt(outside);

    // Assess
    expect(booked.horizonOverridden).toBeUndefined();
    await expect(refused).rejects.toThrow("beyond the trust's 42-day booking horizon");
  });
});

describe('the short-notice lead time (shortNotice.maxLeadDays)', () => {
  it('counts its days on the clinic clock across the clocks going forward', async () => {
    // Prepare: 10:00 GMT on Saturday 20 March 2027; 14 days on is 10:00 BST on 3 April (09:00 UTC)
    const atNow = testDeps(store, '2027-03-20T10:00:00.000Z');
    const freed = { freedAt: '2027-03-20T09:00:00.000Z', freedBy: 'short-notice' };
    const inside = await aSlot('2027-04-03T08:30:00.000Z', freed);
    const outside = await aSlot('2027-04-03T09:30:00.000Z', freed);

    // Act
    const near = await startBackfill(atNow, inside.id);
    const far = await startBackfill(atNow, outside.id);

    // Assess
    expect(near).not.toBe('not-offered');
    expect(far).toBe('not-offered');
    expect((await getSlot(store, outside.id))?.backfill).toMatchObject({ reason: 'too-far-ahead' });
  });
});
