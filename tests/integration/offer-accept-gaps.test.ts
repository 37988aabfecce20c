/**
 * Two gaps a tester found in taking a short-notice offer, against DynamoDB Local:
 * - a family on the list with no `currentBookingId` (staff or the demo put them there) who already has
 *   an upcoming booking of the type is moved, not booked twice, whether they take the offer by a YES
 *   text or on the parent page: the same swap transaction as a `currentBookingId` swap;
 * - taking the offer on the parent page sends the normal confirmation (with the reference), held to the
 *   end of quiet hours like every send, while a YES by text still gets one answer, not two texts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { TrustConfig } from '#core/config/trust-config.ts';
import type { Booking, Clinic, Slot } from '#core/model.ts';
import { startBackfill } from '#services/backfill.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import { runReminderSweep } from '#services/reminders.ts';
import { handleInboundSms } from '#services/replies.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { getBooking, liveBookingsByPhone } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { offersBySlot } from '#store/offers.ts';
import { getSlot } from '#store/slots.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, anInboundSms, aSlotFor, aWaitlistRequestFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { linkIn, linksOnConfig, ParentBrowser } from '#tests/support/parent-pages.ts';
import { createWebApp, type WebApp } from '#web/app.ts';
import { signInNotConfigured } from '#web/staff-session.ts';
import { plusMinutes, seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT). */
const NOW = '2026-11-23T10:00:00.000Z';
/** Monday 23 November 2026, 19:00: an offer made now is held past 20:00, when quiet hours begin. */
const EARLY_EVENING = '2026-11-23T19:00:00.000Z';
/** Thursday 26 November 2026, 14:00: the slot freed and offered. */
const THURSDAY = '2026-11-26T14:00:00.000Z';
/** Friday 27 November 2026, 10:00: the family's own, later booking. */
const FRIDAY = '2026-11-27T10:00:00.000Z';
const TYPE = 'six-to-eight-week-review';
const BORN = '2026-10-05';

/** One family offered at a time. */
const ONE_AT_A_TIME: TrustConfig = {
  ...linksOnConfig,
  shortNotice: { ...linksOnConfig.shortNotice, waveSize: 1 },
};

let store: StoreContext;
let clinic: Clinic;
let deps: TestDeps;
let app: WebApp;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic({ id: 'riverside', venue: "Riverside Children's Centre" });
  await seed(store, { clinic });
});

function startAt(now: string): void {
  deps = testDeps(store, now, ONE_AT_A_TIME);
  app = createWebApp(deps, { staffSessions: signInNotConfigured });
}

async function aSlot(startsAt: string): Promise<Slot> {
  const slot = aSlotFor(clinic, { startsAt });
  await seed(store, { slots: [slot] });
  return slot;
}

const textsTo = (child: ClientWithPhone) => deps.outbox.entries.filter((e) => e.to === child.phone);

/**
 * Sami is booked for Friday's 6-8 week review and, four days before `now`, went on the list for the
 * type with no `currentBookingId` (as staff or the demo add a family). At `now` a Thursday slot is
 * freed and offered to Sami alone.
 */
async function aBookedFamilyOffered(
  now: string,
): Promise<{ sami: ClientWithPhone; own: Booking; slot: Slot }> {
  startAt(plusMinutes(now, -4 * 24 * 60));
  const sami = aClient({ firstName: 'Sami', dateOfBirth: BORN });
  await seed(store, { clients: [sami] });
  const own = await bookSlot(deps, {
    slotId: (await aSlot(FRIDAY)).id,
    clientId: sami.id,
    by: 'hv',
    source: 'staff',
  });
  const entry = await addToWaitlist(deps, aWaitlistRequestFor(sami, clinic));
  expect(entry.currentBookingId).toBeUndefined();
  deps.clock.set(now);
  const holder = aClient({ firstName: 'Holder', dateOfBirth: BORN });
  await seed(store, { clients: [holder] });
  const slot = await aSlot(THURSDAY);
  const made = await bookSlot(deps, { slotId: slot.id, clientId: holder.id, by: 'hv', source: 'staff' });
  await cancelByStaff(deps, { bookingId: made.id, by: 'hv', reason: 'moved away', notify: false });
  expect(await startBackfill(deps, slot.id)).toBe('offered');
  return { sami, own, slot };
}

const offerOf = async (slot: Slot, child: ClientWithPhone) =>
  (await offersBySlot(store, slot.id)).find((o) => o.clientId === child.id);

/** Takes the offer on the parent page, as a parent without JavaScript would. */
async function takeOnPage(child: ClientWithPhone): Promise<void> {
  const link = linkIn(textsTo(child).at(-1)!.body);
  const browser = new ParentBrowser(app);
  expect((await browser.check(link, BORN)).status).toBe(303);
  const took = await browser.submit(link, `${link}/take`);
  expect(took.location).toBe(`${link}?done=accepted`);
}

/** The family's one live booking of the type is the offered slot; their own booking was moved (a swap). */
async function expectMoved(sami: ClientWithPhone, own: Booking, slot: Slot): Promise<Booking> {
  const offer = await offerOf(slot, sami);
  expect(offer?.status).toBe('ACCEPTED');
  const live = (await liveBookingsByPhone(store, sami.phone)).filter((b) => b.type === TYPE);
  expect(live.map((b) => b.slotId)).toEqual([slot.id]);
  expect(await getBooking(store, own.id)).toMatchObject({
    status: 'CANCELLED',
    cancelledBy: `swap:${offer!.id}`,
  });
  expect((await getSlot(store, own.slotId))?.status).toBe('FREE');
  expect(
    deps.bus.events.filter((e) => e.type === 'AppointmentCancelled').map((e) => e.detail),
  ).toContainEqual(expect.objectContaining({ bookingId: own.id, cancelledBy: 'swap' }));
  return live[0]!;
}

describe('a family already booked for the type takes an offer', () => {
  it('by a YES text: their booking is moved, not doubled, and they get one answer (the confirmation stays skipped)', async () => {
    const { sami, own, slot } = await aBookedFamilyOffered(NOW);
    deps.clock.set(plusMinutes(NOW, 5));
    const before = textsTo(sami).length;

    await handleInboundSms(deps, anInboundSms(sami.phone, 'YES'));

    const fresh = await expectMoved(sami, own, slot);
    expect(fresh.tiers.confirmation).toMatchObject({ status: 'SKIPPED', skipReason: 'offer-accepted-text' });
    await runReminderSweep(deps);
    const after = textsTo(sami).slice(before);
    expect(after).toHaveLength(1);
    expect(after[0]!.body).toContain(fresh.ref);
  });

  it('on the parent page: their booking is moved, not doubled, and the confirmation with the reference goes now', async () => {
    const { sami, own, slot } = await aBookedFamilyOffered(NOW);
    deps.clock.set(plusMinutes(NOW, 5));
    const before = textsTo(sami).length;

    await takeOnPage(sami);

    const fresh = await expectMoved(sami, own, slot);
    expect(fresh.tiers.confirmation).toMatchObject({ status: 'SENT' });
    await runReminderSweep(deps);
    const after = textsTo(sami).slice(before);
    expect(after).toHaveLength(1);
    expect(after[0]!.at).toBe(plusMinutes(NOW, 5));
    expect(after[0]!.body).toContain('Thu 26 Nov at 14:00');
    expect(after[0]!.body).toContain(fresh.ref);
  });
});

describe('the confirmation for an offer taken on the parent page', () => {
  it('in quiet hours is held to 08:00 and sent then by the sweep, once', async () => {
    const { sami, slot } = await aBookedFamilyOffered(EARLY_EVENING);
    const offer = await offerOf(slot, sami);
    const takeAt = '2026-11-23T20:30:00.000Z';
    expect(offer!.expiresAt > takeAt).toBe(true);
    deps.clock.set(takeAt);
    const before = textsTo(sami).length;

    await takeOnPage(sami);

    const fresh = (await liveBookingsByPhone(store, sami.phone)).find((b) => b.slotId === slot.id)!;
    expect(fresh.tiers.confirmation).toMatchObject({ status: 'PENDING', dueAt: '2026-11-24T08:00:00.000Z' });
    expect(textsTo(sami)).toHaveLength(before);
    deps.clock.set('2026-11-24T07:59:00.000Z');
    await runReminderSweep(deps);
    expect(textsTo(sami)).toHaveLength(before);
    deps.clock.set('2026-11-24T08:00:00.000Z');
    await runReminderSweep(deps);
    await runReminderSweep(deps);
    const sent = textsTo(sami).slice(before);
    expect(sent.map((t) => t.at)).toEqual(['2026-11-24T08:00:00.000Z']);
    expect(sent[0]!.body).toContain(fresh.ref);
  });
});
