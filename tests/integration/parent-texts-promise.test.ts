/**
 * What the parent page promises about texts after a time is taken (tester's fault, session 7, item 2):
 * "We will text you a reminder" only when a reminder tier is still to go. A short-notice time the next
 * morning has only its confirmation (the reminder tiers are past at booking or not applicable), so the
 * page says the details were texted; a family who cannot be texted is told nothing about texts. Real
 * web app and DynamoDB Local.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Clinic, Slot } from '#core/model.ts';
import { startBackfill } from '#services/backfill.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { getBooking } from '#store/bookings.ts';
import { getSlot } from '#store/slots.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, aSlotFor, aWaitlistRequestFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi } from '#tests/support/function-url.ts';
import { linkIn, linksOnConfig, ParentBrowser } from '#tests/support/parent-pages.ts';
import { createWebApp, type WebApp } from '#web/app.ts';
import { cy } from '#web/parent-texts/cy.ts';
import { signInNotConfigured } from '#web/staff-session.ts';
import { plusMinutes, seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT). */
const NOW = '2026-11-23T10:00:00.000Z';
/** The next morning: the 7d and 2d tiers are past at booking, morning-of is for afternoons only. */
const TOMORROW = '2026-11-24T10:00:00.000Z';
/** Friday: the 2d reminder (Wednesday 10:00) is still to go. */
const FRIDAY = '2026-11-27T10:00:00.000Z';
const THURSDAY = '2026-11-26T14:00:00.000Z';
const BORN = '2026-10-05';
const REMINDER = 'We will text you a reminder.';
const SENT = 'We have sent you a text with the details.';

let deps: TestDeps;
let clinic: Clinic;
let app: WebApp;

beforeEach(async () => {
  const store = await freshTable();
  clinic = aClinic({ id: 'riverside' });
  await seed(store, { clinic });
  deps = testDeps(store, NOW, linksOnConfig);
  app = createWebApp(deps, { staffSessions: signInNotConfigured });
});

async function aSlot(startsAt: string): Promise<Slot> {
  const slot = aSlotFor(clinic, { startsAt });
  await seed(deps.store, { slots: [slot] });
  return slot;
}

async function aFamily(name: string, language = 'en'): Promise<ClientWithPhone> {
  const child = aClient({ firstName: name, dateOfBirth: BORN, language });
  await seed(deps.store, { clients: [child] });
  return child;
}

const lastLinkTo = (child: ClientWithPhone) =>
  linkIn(deps.outbox.entries.filter((e) => e.to === child.phone).at(-1)!.body);

async function signedIn(link: string): Promise<ParentBrowser> {
  const browser = new ParentBrowser(app);
  expect((await browser.check(link, BORN)).status).toBe(303);
  return browser;
}

/** One family on the list is offered a freed slot at `startsAt` and takes it from its link. */
async function takeAnOffer(startsAt: string): Promise<string> {
  deps.clock.set(plusMinutes(NOW, -4 * 24 * 60));
  const child = await aFamily('Olly');
  await addToWaitlist(deps, aWaitlistRequestFor(child, clinic));
  deps.clock.set(NOW);
  const holder = await aFamily('Holder');
  const slot = await aSlot(startsAt);
  const booking = await bookSlot(deps, { slotId: slot.id, clientId: holder.id, by: 'hv', source: 'staff' });
  await cancelByStaff(deps, { bookingId: booking.id, by: 'hv', reason: 'moved away', notify: false });
  expect(await startBackfill(deps, slot.id)).toBe('offered');
  const link = lastLinkTo(child);
  const browser = await signedIn(link);
  const took = await browser.submit(link, `${link}/take`);
  expect(took.location).toBe(`${link}?done=accepted`);
  const taken = await getBooking(deps.store, (await getSlot(deps.store, slot.id))!.bookingId!);
  expect(taken?.clientId).toBe(child.id);
  return (await browser.get(took.location!)).html;
}

/** A family booked for Thursday moves to `startsAt` on the parent page; the page shown after. */
async function rebookTo(startsAt: string, language = 'en', textsOff = false): Promise<string> {
  const child = await aFamily('Amelia', language);
  const slot = await aSlot(THURSDAY);
  await bookSlot(deps, { slotId: slot.id, clientId: child.id, by: 'hv', source: 'staff' });
  const link = lastLinkTo(child);
  if (textsOff) {
    const off = await callApi(deps, 'PATCH', `/clients/${child.id}`, { contact: { sms: { on: false } } });
    expect(off.status).toBe(200);
  }
  const target = await aSlot(startsAt);
  const browser = await signedIn(link);
  const moved = await browser.submit(`${link}/rebook`, `${link}/rebook`, { slotId: target.id });
  expect(moved.location).toBe(link);
  return (await browser.get(link)).html;
}

describe('taking a short-notice offer from its link', () => {
  it('for the next morning: says the details were texted, and promises no reminder', async () => {
    const html = await takeAnOffer(TOMORROW);
    expect(html).toContain('This time is booked for you');
    expect(html).toContain(SENT);
    expect(html).not.toContain(REMINDER);
  });

  it('for a time a reminder is planned for: promises the reminder', async () => {
    const html = await takeAnOffer(FRIDAY);
    expect(html).toContain('This time is booked for you');
    expect(html).toContain(REMINDER);
  });
});

describe('rebooking on the parent page', () => {
  it('for the next morning: the new appointment, the details texted, no reminder promised', async () => {
    const html = await rebookTo(TOMORROW);
    expect(html).toContain('Your appointment has moved');
    expect(html).toContain('This is your new appointment.');
    expect(html).toContain(SENT);
    expect(html).not.toContain(REMINDER);
  });

  it('in Welsh: no reminder promised, and the details-sent sentence in Welsh', async () => {
    const html = await rebookTo(TOMORROW, 'cy');
    expect(html).toContain('Dyma eich apwyntiad newydd.');
    expect(html).not.toContain('Byddwn yn anfon neges i’ch atgoffa.');
    expect(html).toContain(cy.textDetailsSent.replaceAll("'", '&#39;'));
    expect(html).not.toContain(SENT);
  });

  it('a family whose texts staff switched off is told nothing about texts', async () => {
    const html = await rebookTo(FRIDAY, 'en', true);
    expect(html).toContain('This is your new appointment.');
    expect(html).not.toContain(REMINDER);
    expect(html).not.toContain(SENT);
    expect(html).not.toContain('We will text you the details.');
  });
});
