/**
 * What bookSlot, recordOutcome, moveBooking (its new booking) and a page accept of an offer answer is
 * what DynamoDB Local then holds, although none reads the booking it made (or the follow-up) back after
 * writing it: each result is compared with a fresh read, and the requests each call sends are counted
 * by operation (the X-Amz-Target header, through Node's `http.client.request.start` diagnostics
 * channel, as bench/simulate/load-meter.ts counts them). A move still reads its old booking back: the
 * transaction that cancels it cannot answer with it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { TrustConfig } from '#core/config/trust-config.ts';
import type { Booking, Client, Clinic } from '#core/model.ts';
import { onDynamoDbRequests } from '#local/dynamodb-requests.ts';
import { acceptOffer, startBackfill } from '#services/backfill.ts';
import { bookSlot, cancelByStaff, moveBooking } from '#services/bookings.ts';
import { optOutNumber } from '#services/consent.ts';
import { recordOutcome } from '#services/outcomes.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { getBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { getFollowUp } from '#store/follow-ups.ts';
import { offersBySlot } from '#store/offers.ts';
import {
  aClient,
  aClinic,
  aSlotFor,
  aWaitlistRequestFor,
  type ClientWithPhone,
} from '#tests/support/builders.ts';
import { exampleConfig, freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT): outside quiet hours (20:00–08:00). */
const NOW = '2026-11-23T10:00:00.000Z';
/** The same Monday at 21:00, inside quiet hours. */
const QUIET = '2026-11-23T21:00:00.000Z';
const THURSDAY = '2026-11-26T14:00:00.000Z';
/** Saturday morning, after the appointment. */
const AFTERWARDS = '2026-11-28T09:00:00.000Z';

let store: StoreContext & { endpoint: string };
let clinic: Clinic;
let deps: TestDeps;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic();
  await seed(store, { clinic });
  deps = testDeps(store, NOW);
});

/** Runs `act` and counts the DynamoDB requests it sent, by operation (GetItem, UpdateItem…). */
async function counted<T>(act: () => Promise<T>): Promise<{ value: T; calls: Record<string, number> }> {
  const calls: Record<string, number> = {};
  const stop = onDynamoDbRequests(store.endpoint, (operation) => {
    calls[operation] = (calls[operation] ?? 0) + 1;
  });
  try {
    return { value: await act(), calls };
  } finally {
    stop();
  }
}

async function aChild(overrides: Partial<Client> = {}): Promise<ClientWithPhone> {
  const child = aClient({ namedHealthVisitor: 'Health Visitor Priya Shah', ...overrides });
  await seed(store, { clients: [child] });
  return child;
}

/** Books `client` into a new slot starting at `startsAt`, counting the requests. */
async function book(client: Client, startsAt = THURSDAY) {
  const slot = aSlotFor(clinic, { startsAt });
  await seed(store, { slots: [slot] });
  return counted(() =>
    bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'staff:hv-1', source: 'staff' }),
  );
}

/** The answer, and what DynamoDB Local holds for it now, as plain JSON (what an API caller sees). */
const json = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('bookSlot answers with the booking as stored, without reading it back', () => {
  it('a confirmation sent at once: the tier SENT with its message, as a fresh read gives it', async () => {
    const child = await aChild();
    const { value: booking, calls } = await book(child);

    expect(booking.tiers.confirmation).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(json(booking)).toEqual(json(await getBooking(store, booking.id)));
    expect(deps.outbox.entries).toHaveLength(1);
    // Slot, client, the consent pre-check and the clinic: no booking read, and no second consent read
    // (the guard takes the pre-check's reading, CONSENT_READING_FRESH_MS).
    expect(calls.GetItem).toBe(4);
  });

  it('a family opted out: the confirmation SKIPPED as opted-out, as a fresh read gives it', async () => {
    const child = await aChild();
    await optOutNumber(deps, child.phone, { reason: 'staff', at: NOW });
    const { value: booking, calls } = await book(child);

    // Skipped before it was ever claimed (no attempt, no claim, no error), and with nothing sent.
    expect(booking.tiers.confirmation).toEqual({
      kind: 'confirmation',
      dueAt: NOW,
      status: 'SKIPPED',
      attempts: 0,
      skipReason: 'opted-out',
    });
    expect(json(booking)).toEqual(json(await getBooking(store, booking.id)));
    expect(deps.outbox.entries).toHaveLength(0);
    // Slot, client and the consent pre-check.
    expect(calls.GetItem).toBe(3);
  });

  it('a do-not-text family: the confirmation SKIPPED as do-not-text, as a fresh read gives it', async () => {
    const child = await aChild({
      flags: { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: true },
    });
    const { value: booking, calls } = await book(child);

    expect(booking.tiers.confirmation).toMatchObject({ status: 'SKIPPED', skipReason: 'do-not-text' });
    expect(json(booking)).toEqual(json(await getBooking(store, booking.id)));
    // Slot, client and the consent pre-check.
    expect(calls.GetItem).toBe(3);
  });

  it('booked in quiet hours: the confirmation waits PENDING, as a fresh read gives it', async () => {
    deps.clock.set(QUIET);
    const child = await aChild();
    const { value: booking, calls } = await book(child);

    expect(booking.tiers.confirmation).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(json(booking)).toEqual(json(await getBooking(store, booking.id)));
    expect(deps.outbox.entries).toHaveLength(0);
    // Slot and client: the confirmation is not due yet, so consent is not looked up either.
    expect(calls.GetItem).toBe(2);
  });
});

describe('recordOutcome answers with the booking and follow-up as stored, without reading them back', () => {
  async function bookedChild(overrides: Partial<Client> = {}, config?: TrustConfig): Promise<Booking> {
    if (config) deps = testDeps(store, NOW, config);
    const child = await aChild(overrides);
    const { value } = await book(child);
    deps.clock.set(AFTERWARDS);
    return value;
  }

  it('ATTENDED with a note', async () => {
    const booking = await bookedChild();
    const { value: result, calls } = await counted(() =>
      recordOutcome(deps, {
        bookingId: booking.id,
        outcome: 'ATTENDED',
        note: 'seen, all well',
        by: 'staff:hv-2',
      }),
    );

    expect(result.booking).toMatchObject({ status: 'ATTENDED', outcomeNote: 'seen, all well' });
    expect(json(result.booking)).toEqual(json(await getBooking(store, booking.id)));
    expect(result.followUp).toBeUndefined();
    // The booking and the client, read once each before the write.
    expect(calls.GetItem).toBe(2);
  });

  it('a DNA with a category and a note', async () => {
    const booking = await bookedChild();
    const { value: result, calls } = await counted(() =>
      recordOutcome(deps, {
        bookingId: booking.id,
        outcome: 'DNA',
        note: 'no answer at the door',
        category: 'forgot',
        by: 'staff:hv-2',
      }),
    );

    expect(result.booking).toMatchObject({ status: 'DNA', cancelCategory: 'forgot' });
    expect(json(result.booking)).toEqual(json(await getBooking(store, booking.id)));
    expect(calls.GetItem).toBe(2);
  });

  it('a WNB that opens a follow-up: the follow-up as stored, announced', async () => {
    const booking = await bookedChild({ history: { attended: 1, dna: 0, wnb: 1, consecutiveWnb: 1 } });
    const { value: result, calls } = await counted(() =>
      recordOutcome(deps, { bookingId: booking.id, outcome: 'WNB', category: 'unwell', by: 'staff:hv-2' }),
    );

    expect(result.booking.status).toBe('WNB');
    expect(json(result.booking)).toEqual(json(await getBooking(store, booking.id)));
    expect(result.followUp).toMatchObject({ reason: 'repeated-wnb', announcedAt: AFTERWARDS });
    expect(json(result.followUp)).toEqual(json(await getFollowUp(store, result.followUp!.id)));
    expect(calls.GetItem).toBe(2);
  });

  it('a moved booking (movedFrom, the moved confirmation) attended', async () => {
    const first = await aChild();
    const { value: original } = await book(first);
    const later = aSlotFor(clinic, { startsAt: '2026-11-27T10:00:00.000Z' });
    await seed(store, { slots: [later] });
    const { to } = await moveBooking(deps, {
      bookingId: original.id,
      slotId: later.id,
      reason: 'family asked',
      by: 'staff:hv-1',
    });
    deps.clock.set(AFTERWARDS);
    const { value: result, calls } = await counted(() =>
      recordOutcome(deps, { bookingId: to.id, outcome: 'ATTENDED', by: 'staff:hv-2' }),
    );

    expect(result.booking).toMatchObject({ status: 'ATTENDED', movedFrom: original.id });
    expect(json(result.booking)).toEqual(json(await getBooking(store, to.id)));
    expect(calls.GetItem).toBe(2);
  });

  it('a DNA that asks the after-DNA question: the booking read back, with the question as stored', async () => {
    const config = { ...exampleConfig, dnaFollowUp: { ...exampleConfig.dnaFollowUp, enabled: true } };
    const booking = await bookedChild({}, config);
    const { value: result } = await counted(() =>
      recordOutcome(deps, { bookingId: booking.id, outcome: 'DNA', by: 'staff:hv-2' }),
    );

    expect(result.booking.dnaFollowUp).toMatchObject({ state: 'SENT' });
    expect(json(result.booking)).toEqual(json(await getBooking(store, booking.id)));
  });
});

describe('moveBooking answers with the new booking as stored, without reading it back', () => {
  async function aMove(at: string) {
    const child = await aChild();
    const { value: original } = await book(child);
    const later = aSlotFor(clinic, { startsAt: '2026-11-27T10:00:00.000Z' });
    await seed(store, { slots: [later] });
    deps.clock.set(at);
    const { value, calls } = await counted(() =>
      moveBooking(deps, {
        bookingId: original.id,
        slotId: later.id,
        reason: 'family asked',
        by: 'staff:hv-1',
      }),
    );
    return { original, value, calls };
  }

  it('the moved confirmation sent at once: both bookings as a fresh read gives them', async () => {
    const { original, value, calls } = await aMove(NOW);

    expect(value.to.tiers.confirmation).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(value.to).toMatchObject({ movedFrom: original.id, status: 'BOOKED' });
    expect(json(value.to)).toEqual(json(await getBooking(store, value.to.id)));
    expect(value.from).toMatchObject({ status: 'CANCELLED', movedTo: value.to.id });
    expect(json(value.from)).toEqual(json(await getBooking(store, original.id)));
    // The booking, the slot and the client before the write; the consent pre-check (whose reading the
    // guard takes) and the clinic for the confirmation; and the old booking, read back (see moveBooking).
    expect(calls.GetItem).toBe(6);
  });

  it('moved in quiet hours: the new confirmation waits PENDING, as a fresh read gives it', async () => {
    const { value, calls } = await aMove(QUIET);

    expect(value.to.tiers.confirmation).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(json(value.to)).toEqual(json(await getBooking(store, value.to.id)));
    expect(json(value.from)).toEqual(json(await getBooking(store, value.from.id)));
    // The booking, the slot and the client before the write, and the old booking read back.
    expect(calls.GetItem).toBe(4);
  });
});

describe('a page accept of an offer answers with the booking as stored, without reading it back', () => {
  it('the confirmation sent at once: the booking as a fresh read gives it', async () => {
    // A family on the list, and a slot another family had booked, cancelled by staff now.
    const child = await aChild({ dateOfBirth: '2026-10-05' });
    await addToWaitlist(deps, aWaitlistRequestFor(child, clinic));
    const holder = await aChild({ dateOfBirth: '2026-10-05' });
    const { value: held } = await book(holder);
    await cancelByStaff(deps, {
      bookingId: held.id,
      by: 'staff:hv-1',
      reason: 'clinic change',
      notify: false,
    });
    await startBackfill(deps, held.slotId);
    const [offer] = (await offersBySlot(store, held.slotId)).filter((o) => o.clientId === child.id);

    const { value: result, calls } = await counted(() =>
      acceptOffer(deps, offer!, { answer: false, confirmation: 'send' }),
    );

    expect(result.outcome).toBe('accepted');
    const booking = result.outcome === 'accepted' ? result.booking : undefined;
    expect(booking?.tiers.confirmation).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(json(booking)).toEqual(json(await getBooking(store, booking!.id)));
    // The slot, the client and the entry before the write; the slot again as the run's other offers are
    // settled; the consent pre-check (whose reading the guard takes) and the clinic for the confirmation.
    expect(calls.GetItem).toBe(6);
  });
});
