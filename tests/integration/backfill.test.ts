/**
 * The short-notice list against a real table: a freed slot is offered in waves to the eligible families
 * who most need it, the first YES books it in one transaction, NO and lapsed holds move on to the next
 * wave, and the run stops at the cutoff. Duplicated stream records, a crash before a text goes out and
 * ten YESes in the same instant still end with one booking and no family texted twice.
 *
 * The stream is not involved: each test frees a slot and calls startBackfill itself, as the stream
 * handler would.
 */

import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TrustConfig } from '#core/config/trust-config.ts';
import type { EventDetail, EventType } from '#core/events.ts';
import type { Client, Clinic, EquityFlags, Slot } from '#core/model.ts';
import { slotSchema } from '#core/model.ts';
import type { Offer, WaitlistEntry } from '#core/waitlist.ts';
import {
  acceptOffer,
  declineOffer,
  nextOfferWork,
  runOfferSweep,
  selectCandidates,
  startBackfill,
} from '#services/backfill.ts';
import { bookSlot, cancelByStaff, moveBooking } from '#services/bookings.ts';
import { optOutNumber } from '#services/consent.ts';
import { handleInboundSms } from '#services/replies.ts';
import { type AddToWaitlist, addToWaitlist } from '#services/waitlist.ts';
import { getBooking, liveBookingsByPhone } from '#store/bookings.ts';
import type { DocClient } from '#store/client.ts';
import type { StoreContext } from '#store/context.ts';
import { openInbox } from '#store/inbox.ts';
import { byPhone, keys } from '#store/keys.ts';
import { claimOfferText } from '#store/offer-texts.ts';
import { offersBySlot } from '#store/offers.ts';
import { createSlots, getSlot } from '#store/slots.ts';
import { entryIdFor, getEntry, removeEntry, waitingByType } from '#store/waitlist.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, anInboundSms, aSlotFor, aWaitlistRequestFor } from '#tests/support/builders.ts';
import { commandsDuring, exampleConfig, freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi } from '#tests/support/function-url.ts';
import { dueIndex, plusMinutes, rawItem, scanEntity, seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT, so local time and UTC agree). */
const NOW = '2026-11-23T10:00:00.000Z';
/** The families joined the list four days earlier. */
const JOINED = '2026-11-19T10:00:00.000Z';
/** Thursday 26 November 2026, 14:00: three days ahead, so offers get the full 120-minute hold. */
const THURSDAY = '2026-11-26T14:00:00.000Z';
const TYPE = 'six-to-eight-week-review';
/** Born on 5 October, a baby is due the 6-8 week review from 16 to 30 November. */
const BORN = '2026-10-05';

let store: StoreContext;
let clinic: Clinic;
let otherClinic: Clinic;
let deps: TestDeps;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic({ venue: 'Oakwood Health Centre' });
  otherClinic = aClinic({ venue: 'Hilltop Clinic' });
  await seed(store, { clinic });
  await seed(store, { clinic: otherClinic });
  deps = testDeps(store, NOW);
});

// ---------------------------------------------------------------------------------------------------
// Steps shared by the tests

interface Family {
  client: ClientWithPhone;
  entry: WaitlistEntry;
}

const flags = (set: Partial<EquityFlags> = {}): EquityFlags => ({
  needsCarer: false,
  parentalMentalHealth: false,
  vulnerable: false,
  doNotText: false,
  ...set,
});

/** Seeds a baby born on BORN and puts the family on the list as staff would, on JOINED. */
async function onTheList(
  client: Partial<Client> & { textedStop?: boolean } = {},
  request: Partial<AddToWaitlist> = {},
): Promise<Family> {
  const { textedStop, ...fields } = client;
  const child = aClient({ dateOfBirth: BORN, ...fields });
  await seed(store, { clients: [child] });
  if (textedStop) await optOutNumber(deps, child.phone, { reason: 'stop-text', at: JOINED });
  const resumeAt = deps.now().toISOString();
  deps.clock.set(JOINED);
  const entry = await addToWaitlist(deps, aWaitlistRequestFor(child, clinic, request));
  deps.clock.set(resumeAt);
  return { client: child, entry };
}

const HIGH_NEED = flags({ imdDecile: 1, vulnerable: true, needsCarer: true, parentalMentalHealth: true });

/**
 * Four eligible families with different needs, and six who would outrank them all but must not be
 * offered this slot, each for one reason.
 */
async function aMixedList() {
  const eligible = [
    await onTheList({ firstName: 'Ava', flags: flags({ imdDecile: 1, vulnerable: true }) }),
    await onTheList({ firstName: 'Ben', flags: flags({ imdDecile: 3, needsCarer: true }) }),
    await onTheList({ firstName: 'Cara', flags: flags({ parentalMentalHealth: true }) }),
    await onTheList({ firstName: 'Dev' }),
  ] as const;
  const ineligible = {
    wrongClinic: await onTheList({ flags: HIGH_NEED }, { acceptableClinicIds: [otherClinic.id] }),
    noConsent: await onTheList({ flags: HIGH_NEED }, { consentToShortNotice: false }),
    optedOut: await onTheList({ flags: HIGH_NEED, textedStop: true }),
    outsideAvailability: await onTheList(
      { flags: HIGH_NEED },
      { availability: [{ days: ['MON', 'TUE'], from: '09:00', to: '12:00' }] },
    ),
    // Born on 1 December 2025: due a 1 year review on the slot's day, but this is a 6-8 week slot.
    wrongType: await onTheList({ flags: HIGH_NEED, dateOfBirth: '2025-12-01' }, { type: 'one-year-review' }),
    // Born on 1 August: the 6-8 week window closed on 26 September.
    outsideAgeWindow: await onTheList({ flags: HIGH_NEED, dateOfBirth: '2026-08-01' }),
  };
  return { eligible, ineligible };
}

/** A slot another family had booked, cancelled by staff now: FREE with freedAt, as the stream sees it. */
async function aCancelledSlot(startsAt = THURSDAY, at: Clinic = clinic): Promise<Slot> {
  const holder = aClient({ dateOfBirth: BORN });
  const slot = aSlotFor(at, { startsAt });
  await seed(store, { clients: [holder], slots: [slot] });
  const booking = await bookSlot(deps, {
    slotId: slot.id,
    clientId: holder.id,
    by: 'staff:hv-1',
    source: 'staff',
  });
  await cancelByStaff(deps, {
    bookingId: booking.id,
    by: 'staff:hv-1',
    reason: 'Health visitor off sick',
    notify: false,
  });
  const freed = await getSlot(store, slot.id);
  expect(freed).toMatchObject({ status: 'FREE', freedAt: deps.now().toISOString() });
  return freed!;
}

const textsTo = (phone: string) => deps.outbox.entries.filter((e) => e.to === phone);
const textsToAll = (families: readonly Family[]) => families.flatMap((f) => textsTo(f.client.phone));
const takenText = (phone: string) => textsTo(phone).filter((e) => e.body.includes('just been taken'));

function eventsOf<T extends EventType>(type: T): EventDetail<T>[] {
  return deps.bus.events.filter((e) => e.type === type).map((e) => e.detail as EventDetail<T>);
}

/** The slot's offers in the order they were made, as the SlotOffered events list them. */
async function offersInOrder(slotId: string): Promise<Offer[]> {
  const stored = new Map((await offersBySlot(store, slotId)).map((o) => [o.id, o]));
  return eventsOf('SlotOffered')
    .filter((e) => e.slotId === slotId)
    .flatMap((e) => e.offerIds)
    .map((id) => {
      const offer = stored.get(id);
      if (!offer) throw new Error(`SlotOffered names offer ${id}, which is not stored`);
      return offer;
    });
}

const offeredTo = (offers: readonly Offer[]) => offers.map((o) => o.clientId);
const clientsOf = (families: readonly Family[]) => families.map((f) => f.client.id);
const statusOf = async (family: Family) => (await getEntry(store, family.entry.id))?.status;
const indexedIds = async () => (await waitingByType(store, TYPE, { limit: 100 })).items.map((e) => e.id);

const withShortNotice = (shortNotice: Partial<TrustConfig['shortNotice']>): TrustConfig => ({
  ...exampleConfig,
  shortNotice: { ...exampleConfig.shortNotice, ...shortNotice },
});

// ---------------------------------------------------------------------------------------------------

describe('offering a freed slot', () => {
  it('offers a slot freed three days ahead to the top K eligible families, best first, one text each', async () => {
    // Prepare
    const { eligible, ineligible } = await aMixedList();
    const [ava, ben, cara, dev] = eligible;
    const slot = await aCancelledSlot();

    // Act
    const outcome = await startBackfill(deps, slot.id);

    // Assess: three offers (waveSize 3) to the three highest-scored eligible families, in order
    expect(outcome).toBe('offered');
    const offers = await offersInOrder(slot.id);
    expect(offeredTo(offers)).toEqual(clientsOf([ava, ben, cara]));
    expect(await offersBySlot(store, slot.id)).toHaveLength(3);
    const scores = offers.map((o) => o.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(scores).size).toBe(3);
    for (const offer of offers) {
      expect(offer).toMatchObject({
        status: 'PENDING',
        wave: 1,
        runId: slot.freedAt,
        offeredAt: NOW,
        holdMinutes: 120,
        expiresAt: plusMinutes(NOW, 120),
        textStatus: 'SENT',
      });
      // Explainable: the stored breakdown adds up to the stored score.
      expect(offer.breakdown.length).toBeGreaterThan(0);
      const total = offer.breakdown.reduce((sum, part) => sum + part.points, 0);
      expect(offer.score).toBeCloseTo(total, 2);
    }
    expect(offers[0]?.breakdown.map((p) => p.factor)).toEqual([
      'imd-decile-1-2',
      'vulnerable',
      'window-closing-soon',
      'days-waiting',
    ]);

    // Each family offered got exactly one text naming the day, time and venue, and what to reply
    for (const family of [ava, ben, cara]) {
      const texts = textsTo(family.client.phone);
      expect(texts).toHaveLength(1);
      expect(texts[0]?.body).toContain('Thu 26 Nov');
      expect(texts[0]?.body).toContain('14:00');
      expect(texts[0]?.body).toContain('Oakwood Health Centre');
      expect(texts[0]?.body).toContain('YES');
      expect(texts[0]?.segments).toBe(1);
    }
    expect(deps.outbox.entries.filter((e) => e.body.includes('YES')).map((e) => e.to)).toEqual([
      ava.client.phone,
      ben.client.phone,
      cara.client.phone,
    ]);
    expect(textsToAll([dev, ...Object.values(ineligible)])).toEqual([]);

    expect(eventsOf('SlotOffered')).toEqual([
      { slotId: slot.id, offerIds: offers.map((o) => o.id), wave: 1, offeredAt: NOW },
    ]);

    // The families offered are OFFERED and out of the index; everyone else still waits in it
    for (const family of [ava, ben, cara]) {
      expect(await statusOf(family)).toBe('OFFERED');
      expect(await rawItem(store, keys.waitlistEntry(family.entry.id))).not.toHaveProperty('waitlistPk');
    }
    const indexed = await indexedIds();
    expect(indexed).not.toContain(ava.entry.id);
    expect(indexed).not.toContain(ben.entry.id);
    expect(indexed).not.toContain(cara.entry.id);
    expect(indexed).toContain(dev.entry.id);
    for (const family of Object.values(ineligible)) expect(await statusOf(family)).toBe('WAITING');

    expect(await getSlot(store, slot.id)).toMatchObject({
      status: 'OFFERING',
      backfill: { runId: slot.freedAt, state: 'OFFERING', wave: 1, offersMade: 3, startedAt: NOW },
    });
  });

  it('makes no duplicate offers or texts when the same freeing is delivered twice', async () => {
    // Prepare
    const { eligible } = await aMixedList();
    const slot = await aCancelledSlot();

    // Act
    const first = await startBackfill(deps, slot.id);
    const second = await startBackfill(deps, slot.id);

    // Assess: the redelivery finds the slot already held by the run (OFFERING), so it does nothing
    expect([first, second]).toEqual(['offered', 'not-free']);
    expect(await offersBySlot(store, slot.id)).toHaveLength(3);
    expect(textsToAll(eligible)).toHaveLength(3);
    expect(eventsOf('SlotOffered')).toHaveLength(1);
    expect((await getSlot(store, slot.id))?.backfill).toMatchObject({ wave: 1, offersMade: 3 });
  });

  it('makes no duplicate offers or texts when the same freeing is delivered twice at once', async () => {
    // Prepare
    const { eligible } = await aMixedList();
    const slot = await aCancelledSlot();

    // Act
    const outcomes = await Promise.all([startBackfill(deps, slot.id), startBackfill(deps, slot.id)]);

    // Assess: one call starts the run; the other finds it started ('duplicate') or the slot already
    // held by it ('not-free'), depending on when it read the slot
    expect(outcomes.filter((o) => o === 'offered')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'offered')).toEqual([
      expect.stringMatching(/^(duplicate|not-free)$/),
    ]);
    const offers = await offersBySlot(store, slot.id);
    expect(offers).toHaveLength(3);
    expect(new Set(offers.map((o) => o.entryId)).size).toBe(3);
    expect(textsToAll(eligible)).toHaveLength(3);
    for (const family of eligible) expect(textsTo(family.client.phone).length).toBeLessThanOrEqual(1);
    expect(eventsOf('SlotOffered')).toHaveLength(1);
  });

  it('does not offer a slot freed further ahead than maxLeadDays', async () => {
    // Prepare: Tuesday 8 December, fifteen days ahead (maxLeadDays is 14)
    const { eligible } = await aMixedList();
    const slot = await aCancelledSlot('2026-12-08T14:00:00.000Z');

    // Act
    const outcome = await startBackfill(deps, slot.id);

    // Assess: left FREE for schedulers, and a redelivery does not try again
    expect(outcome).toBe('not-offered');
    expect(await getSlot(store, slot.id)).toMatchObject({
      status: 'FREE',
      backfill: { runId: slot.freedAt, state: 'NOT_OFFERED', reason: 'too-far-ahead', wave: 0 },
    });
    expect(await offersBySlot(store, slot.id)).toEqual([]);
    expect(textsToAll(eligible)).toEqual([]);
    expect(eventsOf('SlotOffered')).toEqual([]);
    expect(await startBackfill(deps, slot.id)).toBe('duplicate');
  });

  it('does not offer a slot created for ordinary booking (no freedAt)', async () => {
    // Prepare
    const { eligible } = await aMixedList();
    const slot = aSlotFor(clinic, { startsAt: THURSDAY });
    await createSlots(store, [slot]);

    // Act
    const outcome = await startBackfill(deps, slot.id);

    // Assess
    expect(outcome).toBe('not-offered');
    const stored = await getSlot(store, slot.id);
    expect(stored?.status).toBe('FREE');
    expect(stored?.backfill).toBeUndefined();
    expect(await offersBySlot(store, slot.id)).toEqual([]);
    expect(textsToAll(eligible)).toEqual([]);
  });

  it('offers a slot staff add as short-notice through the admin API, and not one added for ordinary booking', async () => {
    // Prepare
    const { eligible } = await aMixedList();
    const [ava, ben, cara] = eligible;

    // Act
    const ordinary = await postSlot({ clinicId: clinic.id, type: TYPE, date: '2026-11-26', time: '09:00' });
    const shortNotice = await postSlot({
      clinicId: clinic.id,
      type: TYPE,
      date: '2026-11-26',
      time: '11:00',
      shortNotice: true,
    });
    const outcomes = [await startBackfill(deps, ordinary.id), await startBackfill(deps, shortNotice.id)];

    // Assess
    expect(ordinary.freedAt).toBeUndefined();
    expect(shortNotice).toMatchObject({ freedAt: NOW, freedBy: 'short-notice', status: 'FREE' });
    expect(outcomes).toEqual(['not-offered', 'offered']);
    expect(offeredTo(await offersInOrder(shortNotice.id))).toEqual(clientsOf([ava, ben, cara]));
    expect(await offersBySlot(store, ordinary.id)).toEqual([]);
  });
});

/**
 * The numbers whose live bookings are read (liveBookingsByPhone's Query on byPhone) while `act` runs,
 * in the order they were asked, seen in the SDK's middleware of this test's own client.
 */
async function liveBookingLookups(act: () => Promise<unknown>): Promise<string[]> {
  const pkPrefix = byPhone.partition('');
  const value = (v: unknown) => (typeof v === 'object' && v !== null && 'S' in v ? v.S : v);
  return commandsDuring(store, act, (commandName, input) => {
    const { IndexName, ExpressionAttributeValues: values = {} } = input as {
      IndexName?: string;
      ExpressionAttributeValues?: Record<string, unknown>;
    };
    const liveBookings = IndexName === 'byPhone' && value(values[':prefix']) === 'BOOKING#';
    return commandName === 'QueryCommand' && liveBookings
      ? String(value(values[':pk'])).slice(pkPrefix.length)
      : undefined;
  });
}

/** Books the family into a `clinic` appointment at the other clinic at `startsAt`: a booking that clashes. */
async function aClashingBooking(family: Family, startsAt = THURSDAY): Promise<void> {
  const other = aSlotFor(otherClinic, { startsAt, type: 'clinic' });
  await seed(store, { slots: [other] });
  await bookSlot(deps, { slotId: other.id, clientId: family.client.id, by: 'staff:hv-1', source: 'staff' });
}

describe("reading families' live bookings", () => {
  it('reads them only for families who pass every other check, best first, until K are eligible, skipping one whose booking clashes', async () => {
    // Prepare: six ineligible families outrank everyone; Ava, the best eligible one, has a clashing booking.
    const { eligible } = await aMixedList();
    const [ava, ben, cara] = eligible;
    await aClashingBooking(ava);
    const slot = await aCancelledSlot();

    // Act: a wave of two.
    let selection: Awaited<ReturnType<typeof selectCandidates>> | undefined;
    const looked = await liveBookingLookups(async () => {
      selection = await selectCandidates(deps, slot, 2, new Set());
    });

    // Assess: Ava is skipped for Ben and Cara; Dev (below them) and the ineligible families are never looked up.
    expect(selection?.ranked.map((r) => r.client.id)).toEqual(clientsOf([ben, cara]));
    expect(looked).toEqual([ava, ben, cara].map((f) => f.client.phone));
    expect([...(selection?.liveByPhone.keys() ?? [])]).toEqual(looked);
    expect(selection?.liveByPhone.get(ava.client.phone)?.map((b) => b.type)).toEqual(['clinic']);
    // The type's nine entries (the wrong-type one is listed under its own type), their nine clients,
    // the opted-out number's consent and Ava's one live booking.
    expect(selection?.itemsRead).toBe(9 + 9 + 1 + 1);
  });

  it("makes a wave reading each offered family's live bookings once, and picks offer refs apart from them", async () => {
    // Prepare: Ava's clash makes the wave Ben, Cara and Dev; Ben holds a live booking whose ref the offer must avoid.
    const { eligible } = await aMixedList();
    const [ava, ben, cara, dev] = eligible;
    await aClashingBooking(ava);
    const later = aSlotFor(otherClinic, { startsAt: '2026-11-30T09:00:00.000Z', type: 'clinic' });
    await seed(store, { slots: [later] });
    const bensBooking = await bookSlot(deps, {
      slotId: later.id,
      clientId: ben.client.id,
      by: 'staff:hv-1',
      source: 'staff',
    });
    const slot = await aCancelledSlot();

    // Act
    const looked = await liveBookingLookups(() => startBackfill(deps, slot.id));

    // Assess
    const offers = await offersInOrder(slot.id);
    expect(offeredTo(offers)).toEqual(clientsOf([ben, cara, dev]));
    expect(looked).toEqual([ava, ben, cara, dev].map((f) => f.client.phone));
    expect(offers.find((o) => o.clientId === ben.client.id)?.ref).not.toBe(bensBooking.ref);
  });
});

describe('a crash between recording an offer and sending its text', () => {
  it('leaves the offer with its text PENDING, and the sweep sends it exactly once', async () => {
    // Prepare: the provider refuses the first offer text (the highest-scored family's)
    const { eligible } = await aMixedList();
    const [ava, ben, cara] = eligible;
    const slot = await aCancelledSlot();
    deps.outbox.failNext(1);
    await startBackfill(deps, slot.id);
    const [first] = await offersInOrder(slot.id);
    expect(first).toMatchObject({ clientId: ava.client.id, status: 'PENDING', textStatus: 'PENDING' });
    expect(textsTo(ava.client.phone)).toEqual([]);
    expect(textsToAll([ben, cara])).toHaveLength(2);

    // Act: the next minute's sweep, then the one after
    deps.clock.set(plusMinutes(NOW, 1));
    const sweep = await runOfferSweep(deps);
    deps.clock.set(plusMinutes(NOW, 2));
    const again = await runOfferSweep(deps);

    // Assess
    expect(sweep).toEqual({
      textsSent: 1,
      expired: 0,
      wavesSent: 0,
      unfilled: 0,
      noticesSent: 0,
      noticesDropped: 0,
    });
    expect(again).toEqual({
      textsSent: 0,
      expired: 0,
      wavesSent: 0,
      unfilled: 0,
      noticesSent: 0,
      noticesDropped: 0,
    });
    expect(textsTo(ava.client.phone)).toHaveLength(1);
    expect(textsTo(ava.client.phone)[0]?.body).toContain('Reply YES');
    expect(textsToAll([ben, cara])).toHaveLength(2);
    const [resent] = await offersInOrder(slot.id);
    expect(resent).toMatchObject({ status: 'PENDING', textStatus: 'SENT', expiresAt: plusMinutes(NOW, 120) });
    expect(resent?.messageId).toBeDefined();
  });

  it('sends a text whose sender crashed mid-send once its claim lapses, and only then', async () => {
    // Prepare: the first text fails, then a sender claims it and dies before sending
    const { eligible } = await aMixedList();
    const [ava] = eligible;
    const slot = await aCancelledSlot();
    deps.outbox.failNext(1);
    await startBackfill(deps, slot.id);
    const [first] = await offersInOrder(slot.id);
    expect(await claimOfferText(store, first!, NOW, plusMinutes(NOW, -10))).toBe(true);

    // Act
    deps.clock.set(plusMinutes(NOW, 5));
    const whileClaimed = await runOfferSweep(deps);
    deps.clock.set(plusMinutes(NOW, 11));
    const afterLapse = await runOfferSweep(deps);
    deps.clock.set(plusMinutes(NOW, 12));
    const later = await runOfferSweep(deps);

    // Assess
    expect(whileClaimed.textsSent).toBe(0);
    expect(afterLapse.textsSent).toBe(1);
    expect(later.textsSent).toBe(0);
    expect(textsTo(ava.client.phone)).toHaveLength(1);
  });
});

describe('YES', () => {
  it('books the slot in one go and tells the other families it has been taken', async () => {
    // Prepare
    const { eligible } = await aMixedList();
    const [ava, ben, cara] = eligible;
    const slot = await aCancelledSlot();
    await startBackfill(deps, slot.id);
    const [avaOffer, benOffer, caraOffer] = await offersInOrder(slot.id);
    deps.clock.set(plusMinutes(NOW, 30));

    // Act
    const result = await acceptOffer(deps, avaOffer!);

    // Assess: the booking, with its reminder plan (the YES reply is the confirmation)
    expect(result.outcome).toBe('accepted');
    const bookingId = result.outcome === 'accepted' ? result.booking.id : '';
    const booking = await getBooking(store, bookingId);
    expect(booking).toMatchObject({
      slotId: slot.id,
      clientId: ava.client.id,
      status: 'BOOKED',
      source: 'offer',
      bookedBy: `offer:${avaOffer?.id}`,
      startsAt: THURSDAY,
    });
    expect(booking?.tiers).toMatchObject({
      confirmation: { status: 'SKIPPED' },
      '2d': { status: 'PENDING', dueAt: '2026-11-24T10:00:00.000Z' },
      'morning-of': { status: 'PENDING', dueAt: '2026-11-26T08:00:00.000Z' },
    });
    expect((await dueIndex(store)).get(bookingId)).toBe('2026-11-24T10:00:00.000Z');
    expect((await liveBookingsByPhone(store, ava.client.phone)).map((b) => b.id)).toEqual([bookingId]);

    // The offer, the slot and the family's entry moved with it
    const offers = new Map((await offersBySlot(store, slot.id)).map((o) => [o.id, o]));
    expect(offers.get(avaOffer!.id)).toMatchObject({ status: 'ACCEPTED', respondedAt: plusMinutes(NOW, 30) });
    expect(await getSlot(store, slot.id)).toMatchObject({
      status: 'BOOKED',
      bookingId,
      backfill: { state: 'FILLED', bookingId, endedAt: plusMinutes(NOW, 30) },
    });
    expect(await statusOf(ava)).toBe('BOOKED');
    expect(await indexedIds()).not.toContain(ava.entry.id);

    // The other families are told, and stay on the list
    expect(offers.get(benOffer!.id)?.status).toBe('TAKEN');
    expect(offers.get(caraOffer!.id)?.status).toBe('TAKEN');
    for (const family of [ben, cara]) {
      expect(takenText(family.client.phone)).toHaveLength(1);
      expect(await statusOf(family)).toBe('WAITING');
      expect(await indexedIds()).toContain(family.entry.id);
    }
    expect(takenText(ava.client.phone)).toEqual([]);

    expect(eventsOf('AppointmentBooked')).toContainEqual(
      expect.objectContaining({ bookingId, slotId: slot.id, clientId: ava.client.id, source: 'offer' }),
    );
    expect(eventsOf('SlotFilled')).toEqual([
      {
        slotId: slot.id,
        bookingId,
        offerId: avaOffer?.id,
        minutesToFill: 30,
        filledAt: plusMinutes(NOW, 30),
      },
    ]);
  });

  it('books by text: YES from the family, and a later YES from another family is told it has gone', async () => {
    // Prepare
    const { eligible } = await aMixedList();
    const [ava, ben] = eligible;
    const slot = await aCancelledSlot();
    await startBackfill(deps, slot.id);
    const benOfferText = textsTo(ben.client.phone)[0];

    // Act
    const yes = await handleInboundSms(deps, anInboundSms(ava.client.phone, 'YES'));
    const tooLate = await handleInboundSms(
      deps,
      anInboundSms(ben.client.phone, 'Yes please', { previousPublishedMessageId: benOfferText?.id }),
    );

    // Assess
    expect(yes).toMatchObject({ outcome: 'offer-accepted', intent: 'YES', replied: true });
    const booking = await getBooking(store, yes.bookingId ?? '');
    expect(booking).toMatchObject({ slotId: slot.id, clientId: ava.client.id, source: 'offer' });
    const reply = textsTo(ava.client.phone).at(-1)?.body;
    expect(reply).toContain("you're booked");
    expect(reply).toContain('Thu 26 Nov');
    expect(reply).toContain('14:00');
    expect(reply).toContain(`Ref ${booking?.ref}`);
    expect(await getSlot(store, slot.id)).toMatchObject({ status: 'BOOKED', bookingId: booking?.id });

    // Ben was told when Ava's YES took the slot; his own YES is not answered with the same news again.
    expect(tooLate).toMatchObject({ outcome: 'offer-taken', intent: 'YES', replied: false });
    expect(textsTo(ben.client.phone).at(-1)?.body).toContain('just been taken');
    expect(takenText(ben.client.phone)).toHaveLength(1);
    expect((await offersBySlot(store, slot.id)).filter((o) => o.status === 'ACCEPTED')).toHaveLength(1);
    expect(eventsOf('SlotFilled')).toHaveLength(1);
  });

  it('changes nothing when any part of the booking fails (the family left the list meanwhile)', async () => {
    // Prepare: staff take the family off the list after the offer went out
    const { eligible } = await aMixedList();
    const [ava] = eligible;
    const slot = await aCancelledSlot();
    await startBackfill(deps, slot.id);
    const [avaOffer] = await offersInOrder(slot.id);
    await removeEntry(store, ava.entry.id, NOW);

    // Act
    const result = await acceptOffer(deps, avaOffer!);

    // Assess: no booking, slot still being offered, the offer lapses
    expect(result.outcome).toBe('expired');
    expect(await getSlot(store, slot.id)).toMatchObject({ status: 'OFFERING' });
    const bookings = (await scanEntity(store, 'Booking')).filter((b) => b.slotId === slot.id);
    expect(bookings.map((b) => b.status)).toEqual(['CANCELLED']);
    expect((await offersBySlot(store, slot.id)).find((o) => o.id === avaOffer?.id)?.status).toBe('EXPIRED');
    expect(await statusOf(ava)).toBe('REMOVED');
    expect(eventsOf('SlotFilled')).toEqual([]);
  });

  it('tells a family whose plain YES lands just after another family took the slot that it has gone', async () => {
    // Prepare: Ben's YES has been received and is about to look up his live offers when Ava's YES books
    // the slot (which settles Ben's offer as TAKEN). The gate only orders the calls.
    const { eligible } = await aMixedList();
    const [ava, ben] = eligible;
    const slot = await aCancelledSlot();
    await startBackfill(deps, slot.id);
    const gate = gateFirst(
      (c) =>
        c instanceof QueryCommand &&
        c.input.IndexName === 'byPhone' &&
        c.input.ExpressionAttributeValues?.[':prefix'] === 'OFFER#',
    );
    const benYes = handleInboundSms(
      { ...deps, store: { ...store, db: gate.db } },
      anInboundSms(ben.client.phone, 'YES'),
    );
    await gate.arrived;
    const avaYes = await handleInboundSms(deps, anInboundSms(ava.client.phone, 'YES'));

    // Act
    gate.release();
    const result = await benYes;

    // Assess: Ben is answered "taken", not handed to staff as a message nobody can place
    expect(avaYes.outcome).toBe('offer-accepted');
    // Told once: by Ava's YES settling his offer, so his own YES does not tell him again.
    expect(result).toMatchObject({ outcome: 'offer-taken', replied: false });
    expect(textsTo(ben.client.phone).at(-1)?.body).toContain('just been taken');
    expect(takenText(ben.client.phone)).toHaveLength(1);
    expect((await openInbox(store)).items.filter((i) => i.phone === ben.client.phone)).toEqual([]);
  });

  it('gives the slot to exactly one of ten families answering YES at the same moment', async () => {
    // Prepare: a wave of ten
    deps = testDeps(store, NOW, withShortNotice({ waveSize: 10 }));
    const families: Family[] = [];
    for (let i = 0; i < 10; i++) families.push(await onTheList({ firstName: `Child${i}` }));
    const slot = await aCancelledSlot();
    await startBackfill(deps, slot.id);
    expect(await offersBySlot(store, slot.id)).toHaveLength(10);

    // Act: each YES answers that family's offer text, as the provider reports it
    const results = await Promise.all(
      families.map((f) =>
        handleInboundSms(
          deps,
          anInboundSms(f.client.phone, 'YES', { previousPublishedMessageId: textsTo(f.client.phone)[0]?.id }),
        ),
      ),
    );

    // Assess
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'offer-accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'offer-taken')).toHaveLength(9);

    const winner = families[outcomes.indexOf('offer-accepted')]!;
    const losers = families.filter((f) => f !== winner);
    const live = (await scanEntity(store, 'Booking')).filter(
      (b) => b.slotId === slot.id && b.status === 'BOOKED',
    );
    expect(live.map((b) => b.clientId)).toEqual([winner.client.id]);
    expect(await getSlot(store, slot.id)).toMatchObject({ status: 'BOOKED', bookingId: live[0]?.id });

    const offers = await offersBySlot(store, slot.id);
    expect(offers.filter((o) => o.status === 'ACCEPTED').map((o) => o.clientId)).toEqual([winner.client.id]);
    expect(offers.filter((o) => o.status === 'TAKEN')).toHaveLength(9);

    // Each of the nine is told exactly once, whether by the winner's notice or in answer to their YES
    const notices = (await scanEntity(store, 'Message')).filter(
      (m) => m.direction === 'OUT' && m.kind === 'offerTaken',
    );
    expect(notices.map((m) => m.phone).sort()).toEqual(losers.map((f) => f.client.phone).sort());
    for (const family of losers) {
      expect(takenText(family.client.phone)).toHaveLength(1);
      expect(await statusOf(family)).toBe('WAITING');
    }
    expect(await statusOf(winner)).toBe('BOOKED');
    expect(eventsOf('SlotFilled')).toHaveLength(1);
    expect(
      eventsOf('AppointmentBooked').filter((e) => e.slotId === slot.id && e.source === 'offer'),
    ).toHaveLength(1);
  });
});

describe('NO', () => {
  it('declines, puts the family back on the list and answers them', async () => {
    // Prepare
    const { eligible } = await aMixedList();
    const [ava, ben] = eligible;
    const slot = await aCancelledSlot();
    await startBackfill(deps, slot.id);
    const [avaOffer] = await offersInOrder(slot.id);

    // Act
    const declined = await declineOffer(deps, avaOffer!);
    const byText = await handleInboundSms(deps, anInboundSms(ben.client.phone, 'No thanks'));

    // Assess
    expect(declined).toBe('declined');
    expect(byText).toMatchObject({ outcome: 'offer-declined', intent: 'NO', replied: true });
    expect(textsTo(ben.client.phone).at(-1)?.body).toContain("you're still on the list");
    const offers = await offersInOrder(slot.id);
    expect(offers.map((o) => o.status)).toEqual(['DECLINED', 'DECLINED', 'PENDING']);
    for (const family of [ava, ben]) {
      expect(await statusOf(family)).toBe('WAITING');
      expect(await indexedIds()).toContain(family.entry.id);
    }
    // One family still holds an offer, so no new wave yet
    expect(eventsOf('SlotOffered')).toHaveLength(1);
    expect((await getSlot(store, slot.id))?.backfill?.wave).toBe(1);
  });

  it('sends the next wave at once when every offer of the wave is declined, never to the same families', async () => {
    // Prepare
    const { eligible, ineligible } = await aMixedList();
    const [ava, ben, cara, dev] = eligible;
    const slot = await aCancelledSlot();
    await startBackfill(deps, slot.id);
    const firstWave = await offersInOrder(slot.id);
    deps.clock.set(plusMinutes(NOW, 10));

    // Act
    for (const offer of firstWave) await declineOffer(deps, offer);

    // Assess: the three who declined are back at the top of the list, but the run moves on to Dev
    expect(await indexedIds()).toEqual(expect.arrayContaining([ava.entry.id, ben.entry.id, cara.entry.id]));
    const offers = await offersInOrder(slot.id);
    expect(offers).toHaveLength(4);
    expect(offers[3]).toMatchObject({ clientId: dev.client.id, wave: 2, status: 'PENDING' });
    expect(eventsOf('SlotOffered').map((e) => e.wave)).toEqual([1, 2]);
    expect(textsTo(dev.client.phone)).toHaveLength(1);
    for (const family of [ava, ben, cara]) expect(textsTo(family.client.phone)).toHaveLength(1);
    expect(textsToAll(Object.values(ineligible))).toEqual([]);
    expect((await getSlot(store, slot.id))?.backfill).toMatchObject({
      state: 'OFFERING',
      wave: 2,
      offersMade: 4,
    });
  });
});

describe('holds, expiry and the cutoff', () => {
  it('expires the wave when its holds lapse and sends the next one', async () => {
    // Prepare
    const { eligible } = await aMixedList();
    const [ava, ben, cara, dev] = eligible;
    const slot = await aCancelledSlot();
    await startBackfill(deps, slot.id);
    expect(await nextOfferWork(deps)).toBe(plusMinutes(NOW, 120));
    deps.clock.set(plusMinutes(NOW, 119));
    const early = await runOfferSweep(deps);

    // Act
    deps.clock.set(plusMinutes(NOW, 120));
    const sweep = await runOfferSweep(deps);

    // Assess
    expect(early).toEqual({
      textsSent: 0,
      expired: 0,
      wavesSent: 0,
      unfilled: 0,
      noticesSent: 0,
      noticesDropped: 0,
    });
    expect(sweep).toEqual({
      textsSent: 0,
      expired: 3,
      wavesSent: 1,
      unfilled: 0,
      noticesSent: 0,
      noticesDropped: 0,
    });
    const offers = await offersInOrder(slot.id);
    expect(offers.slice(0, 3).map((o) => o.status)).toEqual(['EXPIRED', 'EXPIRED', 'EXPIRED']);
    for (const family of [ava, ben, cara]) {
      expect(await statusOf(family)).toBe('WAITING');
      expect(await indexedIds()).toContain(family.entry.id);
    }
    expect(offers[3]).toMatchObject({ clientId: dev.client.id, wave: 2, offeredAt: plusMinutes(NOW, 120) });
    expect(textsTo(dev.client.phone)).toHaveLength(1);
    expect((await getSlot(store, slot.id))?.backfill).toMatchObject({ state: 'OFFERING', wave: 2 });
  });

  it('sends one next wave when a second sweep checks the slot while the first is still making that wave', async () => {
    // Prepare: wave 1's holds have lapsed. Sweep B reads the due slot and settles the lapsed offers, then
    // is held just before it reads the slot; sweep A then claims wave 2 and is held while it reads the
    // list, before it has recorded Dev's offer. (Both still talk to DynamoDB Local; the gates only order
    // the calls, as two Lambda invocations a few milliseconds apart could.)
    const { eligible } = await aMixedList();
    const [, , , dev] = eligible;
    const slot = await aCancelledSlot();
    await startBackfill(deps, slot.id);
    const at = plusMinutes(NOW, 120);
    deps.clock.set(at);
    const bGate = gateFirst(
      (c) =>
        c instanceof GetCommand && (c.input.Key as { pk?: string } | undefined)?.pk === `SLOT#${slot.id}`,
    );
    const aGate = gateFirst((c) => c instanceof QueryCommand && c.input.IndexName === 'waitlistByType');
    const sweepB = runOfferSweep({ ...deps, store: { ...store, db: bGate.db } });
    await bGate.arrived;
    const sweepA = runOfferSweep({ ...deps, store: { ...store, db: aGate.db } });
    await aGate.arrived;

    // Act: B goes on while A is making wave 2, then A finishes
    bGate.release();
    const reportB = await sweepB;
    aGate.release();
    const reportA = await sweepA;

    // Assess: one wave 2, to Dev, whose offer stands; the run goes on
    expect(reportA.wavesSent + reportB.wavesSent).toBe(1);
    const offers = await offersBySlot(store, slot.id);
    expect(offers.filter((o) => o.clientId === dev.client.id).map((o) => o.status)).toEqual(['PENDING']);
    expect(textsTo(dev.client.phone)).toHaveLength(1);
    expect(await getSlot(store, slot.id)).toMatchObject({
      status: 'OFFERING',
      backfill: { state: 'OFFERING', wave: 2 },
    });
    expect(eventsOf('SlotUnfilled')).toEqual([]);
  });

  it('gives a shorter hold on a slot three hours away than on one three days away', async () => {
    // Prepare: two slots freed at once; Dev is the only family left for the second
    const { eligible } = await aMixedList();
    const [, , , dev] = eligible;
    const farSlot = await aCancelledSlot(THURSDAY);
    const nearSlot = await aCancelledSlot(plusMinutes(NOW, 180));

    // Act
    await startBackfill(deps, farSlot.id);
    await startBackfill(deps, nearSlot.id);

    // Assess
    const far = await offersInOrder(farSlot.id);
    const near = await offersInOrder(nearSlot.id);
    expect(far.map((o) => o.holdMinutes)).toEqual([120, 120, 120]);
    expect(near.map((o) => o.clientId)).toEqual([dev.client.id]);
    expect(near[0]?.holdMinutes).toBeLessThan(120);
    expect(near[0]?.holdMinutes).toBeGreaterThanOrEqual(15);
    expect(near[0]?.expiresAt).toBe(plusMinutes(NOW, near[0]?.holdMinutes ?? 0));
    expect(textsTo(dev.client.phone)[0]?.body).toContain(`Offer held ${near[0]?.holdMinutes} min`);
  });

  it('ends the run at the cutoff: the slot is FREE and UNFILLED, and that FREE starts no new run', async () => {
    // Prepare: a slot at 12:20, so the cutoff is 10:20; wave 1 holds until 10:15
    const { eligible } = await aMixedList();
    const [ava, ben, cara, dev] = eligible;
    const slot = await aCancelledSlot(plusMinutes(NOW, 140));
    await startBackfill(deps, slot.id);
    const firstWave = await offersInOrder(slot.id);
    expect(firstWave.map((o) => o.expiresAt)).toEqual(Array(3).fill(plusMinutes(NOW, 15)));
    deps.clock.set(plusMinutes(NOW, 15));
    const second = await runOfferSweep(deps);
    const [, , , devOffer] = await offersInOrder(slot.id);

    // Act
    deps.clock.set(plusMinutes(NOW, 20));
    const atCutoff = await runOfferSweep(deps);

    // Assess: the second wave's hold stopped at the cutoff, and there the run ended
    expect(second).toMatchObject({ expired: 3, wavesSent: 1 });
    expect(devOffer).toMatchObject({ clientId: dev.client.id, expiresAt: plusMinutes(NOW, 20) });
    expect(atCutoff).toMatchObject({ expired: 1, wavesSent: 0, unfilled: 1 });
    expect(await getSlot(store, slot.id)).toMatchObject({
      status: 'FREE',
      backfill: {
        runId: slot.freedAt,
        state: 'UNFILLED',
        reason: 'past-cutoff',
        endedAt: plusMinutes(NOW, 20),
      },
    });
    expect(eventsOf('SlotUnfilled')).toEqual([
      { slotId: slot.id, reason: 'past-cutoff', offersMade: 4, at: plusMinutes(NOW, 20) },
    ]);
    expect((await offersBySlot(store, slot.id)).map((o) => o.status)).toEqual(Array(4).fill('EXPIRED'));
    for (const family of [ava, ben, cara, dev]) expect(await statusOf(family)).toBe('WAITING');
    expect(await nextOfferWork(deps)).toBeUndefined();

    // The FREE the run left behind (a redelivered stream record) does not start another run
    expect(await startBackfill(deps, slot.id)).toBe('duplicate');
    expect(await offersBySlot(store, slot.id)).toHaveLength(4);
    expect(eventsOf('SlotOffered')).toHaveLength(2);
  });

  it('does not offer a slot freed after its cutoff', async () => {
    // Prepare: a slot at 11:30, freed at 10:00 with its cutoff at 09:30
    const { eligible } = await aMixedList();
    const slot = await aCancelledSlot(plusMinutes(NOW, 90));

    // Act
    const outcome = await startBackfill(deps, slot.id);

    // Assess
    expect(outcome).toBe('unfilled');
    expect(await getSlot(store, slot.id)).toMatchObject({
      status: 'FREE',
      backfill: { state: 'UNFILLED', reason: 'past-cutoff' },
    });
    expect(eventsOf('SlotUnfilled')).toEqual([
      { slotId: slot.id, reason: 'past-cutoff', offersMade: 0, at: NOW },
    ]);
    expect(textsToAll(eligible)).toEqual([]);
  });
});

describe('quiet hours', () => {
  /** Monday 23 November, 21:00 in London. */
  const EVENING = '2026-11-23T21:00:00.000Z';
  /** Tuesday 24 November, 08:00 in London: quiet hours end. */
  const MORNING = '2026-11-24T08:00:00.000Z';

  it('holds a slot freed at 21:00 until 08:00, when the sweep sends the first wave', async () => {
    // Prepare
    deps.clock.set(EVENING);
    const { eligible } = await aMixedList();
    const [ava, ben, cara] = eligible;
    const slot = await aCancelledSlot();

    // Act
    const outcome = await startBackfill(deps, slot.id);
    const nextWork = await nextOfferWork(deps);
    deps.clock.set(plusMinutes(MORNING, -1));
    const beforeEight = await runOfferSweep(deps);
    const offersBeforeEight = await offersBySlot(store, slot.id);
    deps.clock.set(MORNING);
    const atEight = await runOfferSweep(deps);

    // Assess
    expect(outcome).toBe('deferred');
    expect(nextWork).toBe(MORNING);
    expect(beforeEight).toEqual({
      textsSent: 0,
      expired: 0,
      wavesSent: 0,
      unfilled: 0,
      noticesSent: 0,
      noticesDropped: 0,
    });
    expect(offersBeforeEight).toEqual([]);
    expect(atEight).toEqual({
      textsSent: 0,
      expired: 0,
      wavesSent: 1,
      unfilled: 0,
      noticesSent: 0,
      noticesDropped: 0,
    });
    const offers = await offersInOrder(slot.id);
    expect(offeredTo(offers)).toEqual(clientsOf([ava, ben, cara]));
    expect(offers.every((o) => o.offeredAt === MORNING && o.wave === 1)).toBe(true);
    expect(textsToAll(eligible).map((t) => t.at)).toEqual([MORNING, MORNING, MORNING]);
    expect((await getSlot(store, slot.id))?.backfill).toMatchObject({ state: 'OFFERING', wave: 1 });
    expect(await nextOfferWork(deps)).toBe(plusMinutes(MORNING, 120));
  });

  it('marks the run WAITING_FOR_DAYTIME while it waits', async () => {
    // Prepare
    deps.clock.set(EVENING);
    await aMixedList();
    const slot = await aCancelledSlot();

    // Act
    await startBackfill(deps, slot.id);

    // Assess
    expect(await getSlot(store, slot.id)).toMatchObject({
      status: 'OFFERING',
      backfill: { runId: slot.freedAt, state: 'WAITING_FOR_DAYTIME', wave: 0, offersMade: 0 },
    });
    expect(eventsOf('SlotOffered')).toEqual([]);
  });
});

describe('a family swapping to an earlier slot', () => {
  it('cancels their later booking in the same transaction and frees its slot to be offered on', async () => {
    // Prepare: Sami is booked for Monday 30 November and on the list for anything earlier
    const sami = aClient({ firstName: 'Sami', dateOfBirth: BORN });
    const laterSlot = aSlotFor(clinic, { startsAt: '2026-11-30T10:00:00.000Z' });
    await seed(store, { clients: [sami], slots: [laterSlot] });
    const later = await bookSlot(deps, {
      slotId: laterSlot.id,
      clientId: sami.id,
      by: 'staff:hv-1',
      source: 'staff',
    });
    deps.clock.set(JOINED);
    const samiEntry = await addToWaitlist(
      deps,
      aWaitlistRequestFor(sami, clinic, { currentBookingId: later.id }),
    );
    deps.clock.set(NOW);
    const other = await onTheList({ firstName: 'Tom' });
    const slot = await aCancelledSlot();
    await startBackfill(deps, slot.id);
    const samiOffer = (await offersBySlot(store, slot.id)).find((o) => o.clientId === sami.id);
    expect(samiOffer).toBeDefined();
    deps.clock.set(plusMinutes(NOW, 5));

    // Act
    const result = await acceptOffer(deps, samiOffer!);

    // Assess
    expect(result.outcome).toBe('accepted');
    const swapAt = plusMinutes(NOW, 5);
    expect(await getBooking(store, later.id)).toMatchObject({
      status: 'CANCELLED',
      cancelledBy: `swap:${samiOffer?.id}`,
      cancelledAt: swapAt,
    });
    expect(await getSlot(store, laterSlot.id)).toMatchObject({ status: 'FREE', freedAt: swapAt });
    const live = await liveBookingsByPhone(store, sami.phone);
    expect(live.map((b) => b.slotId)).toEqual([slot.id]);
    expect((await getEntry(store, samiEntry.id))?.status).toBe('BOOKED');
    expect(eventsOf('AppointmentCancelled')).toContainEqual(
      expect.objectContaining({
        bookingId: later.id,
        slotId: laterSlot.id,
        cancelledBy: 'swap',
        cancelledAt: swapAt,
      }),
    );

    // The freed later slot is offered on, as the stream would do: Tom's offer for the earlier slot was
    // taken, so he is waiting again
    expect(await startBackfill(deps, laterSlot.id)).toBe('offered');
    expect(offeredTo(await offersInOrder(laterSlot.id))).toEqual([other.client.id]);
  });
});

describe('REBOOK by text', () => {
  it('puts the child on the list for the same type and clinic, and offers them the next freed slot', async () => {
    // Prepare: Rosa is booked for Thursday 14:00 and texts REBOOK
    const rosa = aClient({ firstName: 'Rosa', dateOfBirth: BORN });
    const rosaSlot = aSlotFor(clinic, { startsAt: THURSDAY });
    await seed(store, { clients: [rosa], slots: [rosaSlot] });
    const booking = await bookSlot(deps, {
      slotId: rosaSlot.id,
      clientId: rosa.id,
      by: 'staff:hv-1',
      source: 'staff',
    });

    // Act
    const rebook = await handleInboundSms(deps, anInboundSms(rosa.phone, 'REBOOK'));
    const freed = await aCancelledSlot('2026-11-27T10:00:00.000Z');
    const outcome = await startBackfill(deps, freed.id);

    // Assess
    expect(rebook).toMatchObject({ outcome: 'rebook-requested', bookingId: booking.id });
    expect(await getEntry(store, entryIdFor(rosa.id, TYPE))).toMatchObject({
      clientId: rosa.id,
      type: TYPE,
      acceptableClinicIds: [clinic.id],
      consentToShortNotice: true,
      status: 'OFFERED',
      rebookRequests: 1,
    });
    expect(outcome).toBe('offered');
    expect(offeredTo(await offersInOrder(freed.id))).toEqual([rosa.id]);
    const offerText = textsTo(rosa.phone).at(-1)?.body;
    expect(offerText).toContain('Fri 27 Nov');
    expect(offerText).toContain('10:00');
  });

  it('does not offer a family the very slot they just gave up by texting REBOOK', async () => {
    // Prepare: Rosa texts REBOOK for Thursday 14:00, which frees that slot
    const rosa = aClient({ firstName: 'Rosa', dateOfBirth: BORN });
    const rosaSlot = aSlotFor(clinic, { startsAt: THURSDAY });
    await seed(store, { clients: [rosa], slots: [rosaSlot] });
    await bookSlot(deps, { slotId: rosaSlot.id, clientId: rosa.id, by: 'staff:hv-1', source: 'staff' });
    await handleInboundSms(deps, anInboundSms(rosa.phone, 'REBOOK'));
    expect((await getSlot(store, rosaSlot.id))?.status).toBe('FREE');

    // Act: the stream hands the freed slot to the backfill
    await startBackfill(deps, rosaSlot.id);

    // Assess: she said she cannot come then; offering it back would ask her to take it again
    expect(offeredTo(await offersBySlot(store, rosaSlot.id))).not.toContain(rosa.id);
    expect(textsTo(rosa.phone).filter((t) => t.body.includes('Reply YES'))).toEqual([]);
  });

  it('does not offer a family the slot staff just moved them out of', async () => {
    // Prepare: Rosa is on the list and booked on Thursday; staff move her to the Friday after, which
    // frees Thursday (an earlier slot she could otherwise swap back to)
    const rosa = await onTheList({ firstName: 'Rosa', flags: HIGH_NEED });
    const thursday = aSlotFor(clinic, { startsAt: THURSDAY });
    const friday = aSlotFor(clinic, { startsAt: '2026-11-27T10:00:00.000Z' });
    await seed(store, { slots: [thursday, friday] });
    const booking = await bookSlot(deps, {
      slotId: thursday.id,
      clientId: rosa.client.id,
      by: 'staff:hv-1',
      source: 'staff',
    });
    await moveBooking(deps, {
      bookingId: booking.id,
      slotId: friday.id,
      reason: 'family asked',
      by: 'staff:hv-1',
    });

    // Act: the stream hands the freed slot to the backfill
    await startBackfill(deps, thursday.id);

    // Assess: a move records who gave the slot up, as a cancel does, so it is not offered back to them
    expect(await getSlot(store, thursday.id)).toMatchObject({
      freedBy: 'move',
      freedByClientId: rosa.client.id,
    });
    expect(offeredTo(await offersBySlot(store, thursday.id))).not.toContain(rosa.client.id);
    expect(textsTo(rosa.client.phone).filter((t) => t.body.includes('Reply YES'))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The admin API, called as its function URL would call it

async function postSlot(body: Record<string, unknown>): Promise<Slot> {
  const res = await callApi(deps, 'POST', '/slots', body);
  expect(res.status).toBe(201);
  return slotSchema.parse(res.body);
}

// ---------------------------------------------------------------------------------------------------
// Ordering two callers' DynamoDB calls (every call still goes to DynamoDB Local)

/**
 * A client that holds the first command matching `matches` until released, so a test can make two
 * callers interleave at a chosen point without sleeping.
 */
function gateFirst(matches: (command: unknown) => boolean): {
  db: DocClient;
  arrived: Promise<void>;
  release: () => void;
} {
  let release = () => {};
  let arrive = () => {};
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  let armed = true;
  const real = store.db;
  const send = async (command: never) => {
    if (armed && matches(command)) {
      armed = false;
      arrive();
      await opened;
    }
    return real.send(command);
  };
  const db = new Proxy(real, {
    get: (target, prop, receiver) => (prop === 'send' ? send : Reflect.get(target, prop, receiver)),
  });
  return { db, arrived, release };
}
