/**
 * Three gaps a new tester found on the parent pages, against DynamoDB Local through the web app:
 * a rebook on the page texts the confirmation for the new time (through moveBooking, with the same
 * consent, do-not-text and quiet-hours rules as every send), and the offer page says until when the
 * slot is held (Europe/London) and can be declined without JavaScript through the same state machine as
 * a NO by text, so the next family is offered at once.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { TrustConfig } from '#core/config/trust-config.ts';
import type { Booking, Clinic, Slot } from '#core/model.ts';
import { startBackfill } from '#services/backfill.ts';
import { bookSlot, cancelByStaff, moveBooking } from '#services/bookings.ts';
import { runReminderSweep } from '#services/reminders.ts';
import { handleInboundSms } from '#services/replies.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { getBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { offersBySlot } from '#store/offers.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, anInboundSms, aSlotFor, aWaitlistRequestFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi } from '#tests/support/function-url.ts';
import { csrfOf, linkIn, linksOnConfig, ParentBrowser } from '#tests/support/parent-pages.ts';
import { createWebApp, type WebApp } from '#web/app.ts';
import { signInNotConfigured } from '#web/staff-session.ts';
import { plusMinutes, seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT). */
const NOW = '2026-11-23T10:00:00.000Z';
/** Thursday 26 November 2026, 14:00. */
const THURSDAY = '2026-11-26T14:00:00.000Z';
/** Friday 27 November 2026, 10:00: inside the 6-8 week window from BORN. */
const FRIDAY = '2026-11-27T10:00:00.000Z';
const BORN = '2026-10-05';
/** Monday 23 November 2026, 21:00: quiet hours (20:00 to 08:00). */
const EVENING = '2026-11-23T21:00:00.000Z';

/** Monday 15 June 2026, 10:00 in London (BST, 09:00 UTC), for the hold time on the local clock. */
const JUNE = '2026-06-15T09:00:00.000Z';
/** Friday 19 June 2026, 11:00 BST; a child born 1 May is 7 weeks old. */
const JUNE_FRIDAY = '2026-06-19T10:00:00.000Z';
const BORN_MAY = '2026-05-01';

/** One family offered at a time, so a decline visibly moves the offer on to the next. */
const ONE_AT_A_TIME: TrustConfig = {
  ...linksOnConfig,
  shortNotice: { ...linksOnConfig.shortNotice, waveSize: 1 },
};

let store: StoreContext;
let clinic: Clinic;
let deps: TestDeps;
let app: WebApp;

async function start(now: string, config: TrustConfig = linksOnConfig): Promise<void> {
  store = await freshTable();
  clinic = aClinic({ id: 'riverside', venue: "Riverside Children's Centre" });
  await seed(store, { clinic });
  deps = testDeps(store, now, config);
  app = createWebApp(deps, { staffSessions: signInNotConfigured });
}

async function aSlot(startsAt: string): Promise<Slot> {
  const slot = aSlotFor(clinic, { startsAt });
  await seed(store, { slots: [slot] });
  return slot;
}

async function aFamily(name: string, born = BORN, phone?: string): Promise<ClientWithPhone> {
  const child = aClient({ firstName: name, dateOfBirth: born, ...(phone && { phone }) });
  await seed(store, { clients: [child] });
  return child;
}

const textsTo = (child: ClientWithPhone) => deps.outbox.entries.filter((e) => e.to === child.phone);

async function booked(
  child: ClientWithPhone,
  startsAt = THURSDAY,
): Promise<{ booking: Booking; link: string }> {
  const slot = await aSlot(startsAt);
  const booking = await bookSlot(deps, { slotId: slot.id, clientId: child.id, by: 'hv', source: 'staff' });
  return { booking, link: linkIn(textsTo(child).at(-1)!.body) };
}

async function signedIn(link: string, born = BORN): Promise<ParentBrowser> {
  const browser = new ParentBrowser(app);
  expect((await browser.check(link, born)).status).toBe(303);
  return browser;
}

/** Rebooks on the page, as a parent without JavaScript would: the form, its CSRF token, the chosen time. */
async function rebookOnPage(link: string, slot: Slot): Promise<Booking> {
  const browser = await signedIn(link);
  const moved = await browser.submit(`${link}/rebook`, `${link}/rebook`, { slotId: slot.id });
  expect(moved.location).toBe(link);
  return (await getBooking(store, (await booking(link))!.movedTo!))!;
}

let bookingsByLink = new Map<string, string>();
const booking = async (link: string) => getBooking(store, bookingsByLink.get(link)!);

async function bookedWithLink(child: ClientWithPhone): Promise<{ booking: Booking; link: string }> {
  const made = await booked(child);
  bookingsByLink.set(made.link, made.booking.id);
  return made;
}

describe('a rebook on the parent page texts the new time', () => {
  beforeEach(async () => {
    bookingsByLink = new Map();
    await start(NOW);
  });

  it('sends the confirmation for the new time, as a staff move does, with the new booking’s own link', async () => {
    // Prepare: one family moved by staff, one who moves on the page.
    const [staffMoved, pageMoved] = [await aFamily('Amelia'), await aFamily('Bea')];
    const byStaff = await bookedWithLink(staffMoved);
    const { link } = await bookedWithLink(pageMoved);
    const [staffSlot, pageSlot] = [await aSlot(FRIDAY), await aSlot(FRIDAY)];
    const before = textsTo(pageMoved).length;

    // Act
    await moveBooking(deps, {
      bookingId: byStaff.booking.id,
      slotId: staffSlot.id,
      reason: 'clinic',
      by: 'hv',
    });
    const fresh = await rebookOnPage(link, pageSlot);

    // Assess: one new text, that it has moved to Friday 10:00, with the same words as staff's move.
    const sent = textsTo(pageMoved).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toContain('has moved to Fri 27 Nov at 10:00');
    const staffText = textsTo(staffMoved).at(-1)!.body;
    const words = (body: string) => body.replace(/https:\S+/, 'LINK').replace(/Ref \d+/, 'Ref N');
    expect(words(sent[0]!.body)).toBe(words(staffText).replace('Amelia', 'Bea'));
    expect(fresh.tiers.confirmation).toMatchObject({ status: 'SENT' });
    // The new text's link opens the new booking, not the old one.
    const newLink = linkIn(sent[0]!.body);
    expect(newLink).not.toBe(link);
    const page = await (await signedIn(newLink)).get(newLink);
    expect(page.html).toContain('Friday 27 November 2026');
    expect(page.html).toContain('10:00');
  });

  it('in quiet hours the confirmation waits for the morning, then the sweep sends it once', async () => {
    const child = await aFamily('Amelia');
    const { link } = await bookedWithLink(child);
    const slot = await aSlot(FRIDAY);
    deps.clock.set(EVENING);
    const before = textsTo(child).length;

    const fresh = await rebookOnPage(link, slot);
    expect(textsTo(child)).toHaveLength(before);
    expect(fresh.tiers.confirmation).toMatchObject({ status: 'PENDING', dueAt: '2026-11-24T08:00:00.000Z' });

    deps.clock.set(plusMinutes(EVENING, 10 * 60 - 1));
    await runReminderSweep(deps);
    expect(textsTo(child)).toHaveLength(before);
    deps.clock.set('2026-11-24T08:00:00.000Z');
    await runReminderSweep(deps);
    await runReminderSweep(deps);
    const sent = textsTo(child).slice(before);
    expect(sent.map((t) => t.at)).toEqual(['2026-11-24T08:00:00.000Z']);
    expect(sent[0]!.body).toContain('has moved to Fri 27 Nov at 10:00');
  });

  it('sends nothing to a number that texted STOP, and nothing when texts are off for the child', async () => {
    const stopped = await aFamily('Amelia');
    const textsOff = await aFamily('Bea');
    const a = await bookedWithLink(stopped);
    const b = await bookedWithLink(textsOff);
    await handleInboundSms(deps, anInboundSms(stopped.phone, 'STOP'));
    const patched = await callApi(deps, 'PATCH', `/clients/${textsOff.id}`, {
      contact: { sms: { on: false, reason: 'asked for letters' } },
    });
    expect(patched.status).toBe(200);
    const [before1, before2] = [textsTo(stopped).length, textsTo(textsOff).length];

    const movedA = await rebookOnPage(a.link, await aSlot(FRIDAY));
    const movedB = await rebookOnPage(b.link, await aSlot(FRIDAY));

    expect(textsTo(stopped)).toHaveLength(before1);
    expect(textsTo(textsOff)).toHaveLength(before2);
    expect((await getBooking(store, movedA.id))?.tiers.confirmation).toMatchObject({
      status: 'SKIPPED',
      skipReason: 'opted-out',
    });
    expect((await getBooking(store, movedB.id))?.tiers.confirmation).toMatchObject({
      status: 'SKIPPED',
      skipReason: 'sms-off',
    });
  });
});

describe('the offer page: the hold time and a way to decline', () => {
  /** A slot under offer to the first of `names`, one family at a time. */
  async function aSlotUnderOffer(
    now: string,
    startsAt: string,
    born: string,
    names: string[],
  ): Promise<{ slot: Slot; families: ClientWithPhone[] }> {
    await start(now, ONE_AT_A_TIME);
    const families: ClientWithPhone[] = [];
    deps.clock.set(plusMinutes(now, -4 * 24 * 60));
    for (const name of names) {
      const child = await aFamily(name, born);
      await addToWaitlist(deps, aWaitlistRequestFor(child, clinic));
      families.push(child);
      deps.clock.set(plusMinutes(deps.now().toISOString(), 60));
    }
    deps.clock.set(now);
    const holder = await aFamily('Holder', born);
    const slot = await aSlot(startsAt);
    const made = await bookSlot(deps, { slotId: slot.id, clientId: holder.id, by: 'hv', source: 'staff' });
    await cancelByStaff(deps, { bookingId: made.id, by: 'hv', reason: 'moved away', notify: false });
    expect(await startBackfill(deps, slot.id)).toBe('offered');
    return { slot, families };
  }

  const offerLinkOf = (child: ClientWithPhone) => linkIn(textsTo(child).at(-1)!.body);
  const offerTo = async (slot: Slot, child: ClientWithPhone) =>
    (await offersBySlot(store, slot.id)).find((o) => o.clientId === child.id);

  it('says until when the time is held, on the London clock (BST here: 11:00 UTC is 12:00)', async () => {
    const { slot, families } = await aSlotUnderOffer(JUNE, JUNE_FRIDAY, BORN_MAY, ['Olly']);
    const offer = await offerTo(slot, families[0]!);
    expect(offer?.expiresAt).toBe('2026-06-15T11:00:00.000Z');
    const link = offerLinkOf(families[0]!);
    const page = await (await signedIn(link, BORN_MAY)).get(link);
    expect(page.html).toContain(
      'We are keeping this time for you until 12:00 today. After that, we offer it to another family.',
    );
    expect(page.html).toContain('No thanks, I cannot take this time');
  });

  it('declines without JavaScript, as a NO by text: the offer ends DECLINED and the next family is offered at once', async () => {
    const { slot, families } = await aSlotUnderOffer(NOW, FRIDAY, BORN, ['Olly', 'Pip']);
    const [first, second] = families as [ClientWithPhone, ClientWithPhone];
    expect(await offerTo(slot, second)).toBeUndefined();
    const link = offerLinkOf(first);
    const browser = await signedIn(link);

    // A post without the form's CSRF token is refused and changes nothing.
    const forged = await browser.request(`${link}/decline`, { _csrf: 'forged' });
    expect(forged.status).toBe(403);
    expect((await offerTo(slot, first))?.status).toBe('PENDING');

    const page = await browser.get(link);
    const declined = await browser.request(`${link}/decline`, {
      _csrf: csrfOf(page.html, `${link}/decline`),
    });
    expect(declined.status).toBe(303);
    expect(declined.location).toBe(`${link}?done=declined`);
    expect((await offerTo(slot, first))?.status).toBe('DECLINED');
    expect((await offerTo(slot, second))?.status).toBe('PENDING');
    expect(textsTo(second).at(-1)!.body).toContain('Fri 27 Nov');
    const after = await browser.get(declined.location!);
    expect(after.status).toBe(200);
    expect(after.html).toContain('Thank you for telling us');
    expect(after.html).not.toContain('Take this time');

    // Declining again (a second tap) changes nothing and says the same.
    const again = await browser.request(`${link}/decline`, { _csrf: csrfOf(page.html, `${link}/decline`) });
    expect(again.location).toBe(`${link}?done=declined`);
    expect((await offerTo(slot, second))?.status).toBe('PENDING');
  });

  it('an offer expired or already answered by text shows a clear message, not an error', async () => {
    const { slot, families } = await aSlotUnderOffer(NOW, FRIDAY, BORN, ['Olly', 'Pip', 'Quinn']);
    const [first, second] = families as [ClientWithPhone, ClientWithPhone];
    const firstLink = offerLinkOf(first);
    const browser = await signedIn(firstLink);

    // Answered NO by text meanwhile: the page says it was declined.
    await handleInboundSms(deps, anInboundSms(first.phone, 'NO'));
    expect((await offerTo(slot, first))?.status).toBe('DECLINED');
    const shown = await browser.get(firstLink);
    expect([shown.status, shown.html.includes('Thank you for telling us')]).toEqual([200, true]);

    // The next family lets the hold lapse, then taps Decline: the offer has ended.
    const secondLink = offerLinkOf(second);
    const offer = (await offerTo(slot, second))!;
    deps.clock.set(plusMinutes(offer.expiresAt, -1));
    const late = await signedIn(secondLink);
    const secondPage = await late.get(secondLink);
    deps.clock.set(offer.expiresAt);
    const tapped = await late.request(`${secondLink}/decline`, {
      _csrf: csrfOf(secondPage.html, `${secondLink}/decline`),
    });
    expect(tapped.location).toBe(`${secondLink}?done=expired`);
    const ended = await late.get(tapped.location!);
    expect([ended.status, ended.html.includes('Sorry, this offer has ended')]).toEqual([200, true]);
    expect((await offerTo(slot, second))?.status).not.toBe('DECLINED');
  });

  it('a family whose offered time was taken by another family is told kindly when they decline', async () => {
    const { slot, families } = await aSlotUnderOffer(NOW, FRIDAY, BORN, ['Olly']);
    const link = offerLinkOf(families[0]!);
    const browser = await signedIn(link);
    const page = await browser.get(link);
    // Staff book the slot for someone else meanwhile: the run ends and the offer is withdrawn.
    const other = await aFamily('Other');
    await bookSlot(deps, { slotId: slot.id, clientId: other.id, by: 'hv', source: 'staff' });
    const tapped = await browser.request(`${link}/decline`, { _csrf: csrfOf(page.html, `${link}/decline`) });
    expect(tapped.location).toBe(`${link}?done=gone`);
    const shown = await browser.get(tapped.location!);
    expect([shown.status, shown.html.includes('Sorry, that time has gone')]).toEqual([200, true]);
  });
});
