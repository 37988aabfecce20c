/**
 * The parent pages against DynamoDB Local (issue 13): links in texts, the date check and its lock, the
 * session bound to one link, and each action through the same transactions as texts and staff.
 */
import { parse } from 'node-html-parser';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Booking, Clinic, Slot } from '#core/model.ts';
import { tokenHash } from '#core/parent-links.ts';
import { startBackfill } from '#services/backfill.ts';
import { bookSlot, cancelByStaff, moveBooking } from '#services/bookings.ts';
import { handleInboundSms } from '#services/replies.ts';
import { withdrawSlot } from '#services/slot-changes.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { auditByDay } from '#store/audit.ts';
import { getBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { openInbox } from '#store/inbox.ts';
import { parentLinkKeys } from '#store/keys.ts';
import { offersBySlot } from '#store/offers.ts';
import { getSlot } from '#store/slots.ts';
import { getEntry } from '#store/waitlist.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, anInboundSms, aSlotFor, aWaitlistRequestFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi } from '#tests/support/function-url.ts';
import { comparable, linkIn, linksOnConfig, ParentBrowser } from '#tests/support/parent-pages.ts';
import { createWebApp, type WebApp } from '#web/app.ts';
import { signInNotConfigured } from '#web/staff-session.ts';
import { plusMinutes, rawItem, seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT). */
const NOW = '2026-11-23T10:00:00.000Z';
/** Thursday 26 November 2026, 14:00. */
const THURSDAY = '2026-11-26T14:00:00.000Z';
/** Inside a 6-8 week review window from BORN (16–30 November). */
const FRIDAY = '2026-11-27T10:00:00.000Z';
const NEXT_MONDAY = '2026-11-30T11:00:00.000Z';
/** Outside the window. */
const DECEMBER = '2026-12-03T10:00:00.000Z';
const BORN = '2026-10-05';

let store: StoreContext;
let clinic: Clinic;
let deps: TestDeps;
let app: WebApp;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic({
    id: 'riverside',
    venue: "Riverside Children's Centre",
    address: '1 River Street, Maidstone ME14 1AA',
  });
  await seed(store, { clinic });
  deps = testDeps(store, NOW, linksOnConfig);
  app = createWebApp(deps, { staffSessions: signInNotConfigured });
});

async function aSlot(startsAt: string): Promise<Slot> {
  const slot = aSlotFor(clinic, { startsAt });
  await seed(store, { slots: [slot] });
  return slot;
}

async function aFamily(name: string, born = BORN): Promise<ClientWithPhone> {
  const child = aClient({ firstName: name, dateOfBirth: born });
  await seed(store, { clients: [child] });
  return child;
}

/** A booking made by staff; its confirmation goes at once and carries the link. */
async function booked(
  child: ClientWithPhone,
  startsAt = THURSDAY,
): Promise<{ booking: Booking; link: string }> {
  const slot = await aSlot(startsAt);
  const booking = await bookSlot(deps, { slotId: slot.id, clientId: child.id, by: 'hv', source: 'staff' });
  const text = deps.outbox.entries.filter((e) => e.to === child.phone).at(-1)!;
  return { booking, link: linkIn(text.body) };
}

async function signedIn(link: string, born = BORN): Promise<ParentBrowser> {
  const browser = new ParentBrowser(app);
  const checked = await browser.check(link, born);
  expect(checked.status).toBe(303);
  return browser;
}

describe('links in texts', () => {
  it('the confirmation carries the link, stored only as the hash of its token, and fits two segments', async () => {
    const child = await aFamily('Amelia');
    const { booking, link } = await booked(child);
    const text = deps.outbox.entries.find((e) => e.to === child.phone)!;
    expect(text.body).toContain(`Confirm, change or cancel: https://attend.example-trust.nhs.uk${link}`);
    const token = link.slice(3);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const item = await rawItem(store, parentLinkKeys.link(tokenHash(token)));
    expect(item).toMatchObject({
      kind: 'booking',
      bookingId: booking.id,
      expiresAt: THURSDAY,
      wrongTries: 0,
    });
    expect(JSON.stringify(item)).not.toContain(token);
    const { analyseSms } = await import('#core/sms-segments.ts');
    expect(analyseSms(text.body).segments).toBeLessThanOrEqual(2);
  });

  it('POST /templates/preview shows the cost with and without the link', async () => {
    type Preview = {
      segments: number;
      costGbp: number;
      withLink?: { text: string; segments: number; costGbp: number; linksOn: boolean };
    };
    const confirmation = await callApi<Preview>(deps, 'POST', '/templates/preview', { key: 'confirmation' });
    expect(confirmation.status).toBe(200);
    expect(confirmation.body.segments).toBe(1);
    expect(confirmation.body.withLink).toMatchObject({ segments: 2, linksOn: true });
    expect(confirmation.body.withLink!.text).toContain(
      'Confirm, change or cancel: https://attend.example-trust.nhs.uk/p/',
    );
    expect(confirmation.body.withLink!.costGbp).toBe(confirmation.body.costGbp * 2);
    const help = await callApi<Preview>(deps, 'POST', '/templates/preview', { key: 'help' });
    expect(help.body.withLink).toBeUndefined();
  });

  it('each booking gets its own unguessable token', async () => {
    const [a, b] = [await aFamily('Amelia'), await aFamily('Bea')];
    const first = await booked(a, THURSDAY);
    const second = await booked(b, FRIDAY);
    expect(first.link).not.toBe(second.link);
  });
});

describe('the date check', () => {
  it('shows nothing personal before the check, and the appointment after it', async () => {
    const child = await aFamily('Amelia');
    const { link } = await booked(child);
    const browser = new ParentBrowser(app);
    const before = await browser.get(link);
    expect(before.status).toBe(200);
    expect(before.html).toContain('date of birth');
    for (const secret of ['Amelia', 'Riverside', '14:00', 'River Street', '26 November'])
      expect(before.html).not.toContain(secret);
    expect((await browser.check(link, BORN)).location).toBe(link);
    const after = await browser.get(link);
    expect(after.html).toContain('14:00');
    expect(after.html).toContain('Riverside Children&#39;s Centre');
    expect(after.html).toContain('1 River Street, Maidstone ME14 1AA');
    expect(after.html).toContain('Thursday 26 November 2026');
    expect(after.html).toContain('openstreetmap.org/search?query=');
  });

  it('five wrong answers lock the link for an hour, even against the right answer, then it opens again', async () => {
    const child = await aFamily('Amelia');
    const { link } = await booked(child);
    const browser = new ParentBrowser(app);
    for (let i = 1; i <= 4; i++) {
      const wrong = await browser.check(link, '2026-10-06');
      expect(wrong.status, `try ${i}`).toBe(400);
      expect(wrong.html).toContain('does not match');
    }
    const fifth = await browser.check(link, '2026-10-06');
    expect(fifth.status).toBe(423);
    expect(fifth.html).toContain('0300 123 4024');
    // The locked page gives the number once ("Please call …"), not again in the help line under it.
    expect(fifth.html.split('0300 123 4024')).toHaveLength(2);
    // Locked: the page itself and the right date get the locked page, from any browser.
    expect((await new ParentBrowser(app).get(link)).status).toBe(423);
    const stranger = new ParentBrowser(app);
    // A post with no session is refused (nothing is checked or counted) and sent back to the link's page.
    const refused = await stranger.request(`${link}/check`, {
      _csrf: 'x',
      day: '5',
      month: '10',
      year: '2026',
    });
    expect(refused.status).toBe(303);
    expect(refused.location).toBe(link);
    // The refused post is audited under the page's pattern, never the link's token.
    const audited = (await auditByDay(store, NOW.slice(0, 10), { limit: 500 })).items.filter(
      (e) => e.status === 403,
    );
    expect(audited[0]).toMatchObject({
      actor: 'anonymous',
      action: 'POST /p/:token/check',
      detail: 'refused: no valid CSRF token',
    });
    expect(JSON.stringify(audited)).not.toContain(link.slice(3));
    const item = await rawItem(store, parentLinkKeys.link(tokenHash(link.slice(3))));
    expect(item?.lockedUntil).toBe(plusMinutes(NOW, 60));
    deps.clock.set(plusMinutes(NOW, 59));
    expect((await new ParentBrowser(app).get(link)).status).toBe(423);
    deps.clock.set(plusMinutes(NOW, 61));
    const later = new ParentBrowser(app);
    expect((await later.check(link, BORN)).status).toBe(303);
  });

  it.each([
    ['31 February', { day: '31', month: '2', year: '2026' }],
    ['month 13', { day: '5', month: '13', year: '2026' }],
    ['letters', { day: 'x', month: '10', year: '2026' }],
    ['nothing', { day: '', month: '', year: '' }],
  ])(
    'a date that is not a real one (%s) is a 400 with the error summary, kept in the form and not counted as wrong',
    async (_, fields) => {
      const child = await aFamily('Amelia');
      const { link } = await booked(child);
      const browser = new ParentBrowser(app);

      // Act
      const res = await browser.submit(link, `${link}/check`, fields);

      // Assess
      expect(res.status).toBe(400);
      const doc = parse(res.html);
      expect(doc.querySelector('.nhsuk-error-summary h2')?.text.trim()).toBe('There is a problem');
      expect(
        doc
          .querySelectorAll('.nhsuk-error-summary__list a')
          .map((a) => [a.getAttribute('href'), a.text.trim()]),
      ).toEqual([['#date-day', 'Enter a real date, for example 27 3 2025']]);
      expect(doc.querySelector('#date-day')?.getAttribute('value') ?? '').toBe(fields.day);
      expect(res.html).not.toContain('Amelia');
      const item = await rawItem(store, parentLinkKeys.link(tokenHash(link.slice(3))));
      expect(item?.wrongTries).toBe(0);
      // The right date still opens the page.
      expect((await browser.check(link, BORN)).status).toBe(303);
    },
  );

  it('a guessed token gets exactly the page an ended link gets', async () => {
    const child = await aFamily('Amelia');
    const { link } = await booked(child);
    const guessed = await new ParentBrowser(app).get('/p/AAAAAAAAAAAAAAAAAAAAAA');
    const malformed = await new ParentBrowser(app).get('/p/not-a-token');
    deps.clock.set(THURSDAY);
    const expired = await new ParentBrowser(app).get(link);
    expect(expired.status).toBe(404);
    expect(guessed.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect(comparable(guessed.html)).toBe(comparable(expired.html));
    expect(comparable(malformed.html)).toBe(comparable(expired.html));
    expect(expired.html).toContain('call 0300 123 4024');
  });

  it('an antenatal booking asks for the due date', async () => {
    const mother = aClient({ firstName: 'Kate', dueDate: '2027-01-20' });
    await seed(store, { clients: [mother] });
    const slot = aSlotFor(clinic, { startsAt: THURSDAY, type: 'antenatal' });
    await seed(store, { slots: [slot] });
    await bookSlot(deps, { slotId: slot.id, clientId: mother.id, by: 'hv', source: 'staff' });
    const link = linkIn(deps.outbox.entries.at(-1)!.body);
    const browser = new ParentBrowser(app);
    expect((await browser.get(link)).html).toContain('due date');
    expect((await browser.check(link, '2027-01-20')).status).toBe(303);
  });
});

describe("the pages before the check, in the family's language", () => {
  async function welshFamily(): Promise<{ link: string }> {
    const child = aClient({ firstName: 'Ffion', dateOfBirth: BORN, language: 'cy' });
    await seed(store, { clients: [child] });
    return booked(child);
  }
  const text = (html: string) => parse(html).querySelector('main')?.text.replace(/\s+/g, ' ') ?? '';

  it('asks a Welsh family the date in Welsh, still showing nothing personal', async () => {
    const { link } = await welshFamily();
    const page = await new ParentBrowser(app).get(link);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="cy"');
    expect(parse(page.html).querySelector('h1')?.text).toBe('Gwirio mai chi sydd yma');
    expect(page.html).not.toContain('Check it is you');
    expect(parse(page.html).querySelector('.nhsuk-skip-link')?.text.trim()).toBe("Neidio i'r prif gynnwys");
    for (const secret of ['Ffion', 'Riverside', '14:00', 'River Street', 'Tachwedd', 'November'])
      expect(page.html).not.toContain(secret);
  });

  it("gives the check's errors in Welsh, the screen reader's error prefix included", async () => {
    const { link } = await welshFamily();
    const browser = new ParentBrowser(app);
    const wrong = await browser.check(link, '2026-10-06');
    expect(wrong.status).toBe(400);
    expect(text(wrong.html)).toContain("Nid yw'r dyddiad yn cyfateb i'n cofnodion.");
    expect(wrong.html).toMatch(/<span class="nhsuk-u-visually-hidden">Gwall: <\/span>/);
    expect(wrong.html).not.toMatch(/visually-hidden">Error: /);
    expect(parse(wrong.html).querySelector('title')?.text).toMatch(/^Gwall: Gwirio mai chi sydd yma/);
    const invalid = await browser.check(link, '2026-02-31');
    expect(invalid.status).toBe(400);
    expect(text(invalid.html)).toContain('Rhowch ddyddiad go iawn');
  });

  it('says a locked link is locked in Welsh, on the fifth wrong date and on opening it again', async () => {
    const { link } = await welshFamily();
    const browser = new ParentBrowser(app);
    for (let i = 1; i <= 4; i++) await browser.check(link, '2026-10-06');
    const fifth = await browser.check(link, '2026-10-06');
    expect(fifth.status).toBe(423);
    expect(text(fifth.html)).toContain("Mae'r ddolen hon wedi'i chloi am awr");
    const again = await new ParentBrowser(app).get(link);
    expect(again.status).toBe(423);
    expect(again.html).toContain('<html lang="cy"');
    expect(text(again.html)).toContain("Mae'r ddolen hon wedi'i chloi am awr");
  });

  it('keeps the language the family chose on the switch, and an ended link the same page as a guessed one', async () => {
    const { link } = await welshFamily();
    const english = await new ParentBrowser(app).get(`${link}?lang=en`);
    expect(parse(english.html).querySelector('h1')?.text).toBe('Check it is you');
    deps.clock.set(THURSDAY);
    const ended = await new ParentBrowser(app).get(link);
    const guessed = await new ParentBrowser(app).get('/p/AAAAAAAAAAAAAAAAAAAAAA');
    expect(ended.status).toBe(404);
    expect(comparable(ended.html)).toBe(comparable(guessed.html));
  });

  it('reads the inset\'s hidden "Information:" prefix in the family\'s language after the check', async () => {
    const { link } = await welshFamily();
    const browser = await signedIn(link);
    const joined = await browser.get(`${link}?done=joined`);
    expect(text(joined.html)).toContain('Rydych ar y rhestr');
    expect(joined.html).toMatch(/<span class="nhsuk-u-visually-hidden">Gwybodaeth: <\/span>/);
    expect(joined.html).not.toContain('Information: ');
  });
});

describe('what a parent can do', () => {
  it('confirms: recorded on the booking, where staff see it', async () => {
    const child = await aFamily('Amelia');
    const { booking, link } = await booked(child);
    const browser = await signedIn(link);
    const done = await browser.submit(link, `${link}/confirm`);
    expect(done.location).toBe(`${link}?done=confirmed`);
    expect((await getBooking(store, booking.id))?.parentConfirmedAt).toBe(NOW);
    expect((await browser.get(link)).html).toContain('Confirmed');
  });

  it('cancels with the reason "transport": the slot is freed as a CANCEL text frees it', async () => {
    const child = await aFamily('Amelia');
    const { booking, link } = await booked(child);
    const browser = await signedIn(link);
    const done = await browser.submit(`${link}/cancel`, `${link}/cancel`, { reason: 'transport' });
    expect(done.location).toBe(`${link}?done=cancelled`);
    const after = await getBooking(store, booking.id);
    expect(after).toMatchObject({
      status: 'CANCELLED',
      cancelCategory: 'transport',
      cancelledBy: 'parent-page',
    });
    expect(await getSlot(store, booking.slotId)).toMatchObject({ status: 'FREE', freedBy: 'parent-page' });
    expect(deps.bus.events.filter((e) => e.type === 'AppointmentCancelled').at(-1)?.detail).toMatchObject({
      cancelledBy: 'parent-page',
    });
    expect((await browser.get(`${link}?done=cancelled`)).html).toContain('Your appointment is cancelled');
  });

  it('refuses a reason the form does not offer with a 400, and cancels nothing', async () => {
    const child = await aFamily('Amelia');
    const { booking, link } = await booked(child);
    const browser = await signedIn(link);
    const token = /name="_csrf" value="([^"]+)"/.exec((await browser.get(`${link}/cancel`)).html)![1]!;

    const refused = await browser.request(`${link}/cancel`, { _csrf: token, reason: 'not-a-reason' });

    expect(refused.status).toBe(400);
    expect((await getBooking(store, booking.id))?.status).toBe('BOOKED');
  });

  it('an "other" reason goes to the staff inbox', async () => {
    const child = await aFamily('Amelia');
    const { booking, link } = await booked(child);
    const browser = await signedIn(link);
    await browser.submit(`${link}/cancel`, `${link}/cancel`, {
      reason: 'other',
      other: 'we are moving house',
    });
    expect((await getBooking(store, booking.id))?.cancelCategory).toBe('other');
    const inbox = await openInbox(store, {});
    expect(inbox.items.map((i) => [i.reason, i.body, i.bookingIds])).toEqual([
      ['parent-page', 'we are moving house', [booking.id]],
    ]);
  });

  it('words under "Tell us more" reach the staff inbox whatever the reason; a reason alone adds nothing there', async () => {
    // Prepare: two families, one who writes a few words beside "transport", one who gives a reason only
    const [amelia, ben] = [await aFamily('Amelia'), await aFamily('Ben')];
    const [first, second] = [await booked(amelia), await booked(ben)];

    // Act
    await (await signedIn(first.link)).submit(`${first.link}/cancel`, `${first.link}/cancel`, {
      reason: 'transport',
      other: 'the bus does not run that early',
    });
    await (await signedIn(second.link)).submit(`${second.link}/cancel`, `${second.link}/cancel`, {
      reason: 'work',
      other: '   ',
    });

    // Assess: both cancelled with their reason; only the words became an inbox item
    expect((await getBooking(store, first.booking.id))?.cancelCategory).toBe('transport');
    expect((await getBooking(store, second.booking.id))?.cancelCategory).toBe('work');
    const inbox = await openInbox(store, {});
    expect(inbox.items.map((i) => [i.reason, i.body, i.bookingIds])).toEqual([
      ['parent-page', 'the bus does not run that early', [first.booking.id]],
    ]);
  });

  it('"Tell us more" over 500 characters shows the form again with the words kept and the limit said; nothing is cancelled', async () => {
    // Prepare
    const child = await aFamily('Amelia');
    const { booking, link } = await booked(child);
    const browser = await signedIn(link);
    const form = parse((await browser.get(`${link}/cancel`)).html);
    const token = form.querySelector('input[name="_csrf"]')!.getAttribute('value')!;
    const other = 'We are moving house. '.repeat(240).slice(0, 5000);

    // Act
    const refused = await browser.request(`${link}/cancel`, { _csrf: token, reason: 'other', other });
    const page = parse(refused.html);

    // Assess: the hint says the limit before, and the error after, with the words and choice kept.
    expect(form.querySelector('#other-hint')?.text.trim()).toBe('You can enter up to 500 characters');
    // No hard maxlength: a browser would cut a longer paste short without saying so.
    expect(form.querySelector('#other')?.hasAttribute('maxlength')).toBe(false);
    expect(refused.status).toBe(400);
    const message = 'Tell us more in 500 characters or fewer (you wrote 5000)';
    expect(page.querySelector('.nhsuk-error-summary__list a')?.text.trim()).toBe(message);
    expect(page.querySelector('#other-error')?.text).toContain(message);
    expect(page.querySelector('#other')?.text).toBe(other);
    expect(page.querySelector('input[name="reason"][value="other"]')?.hasAttribute('checked')).toBe(true);
    expect((await getBooking(store, booking.id))?.status).toBe('BOOKED');
    expect((await openInbox(store, {})).items).toEqual([]);
  });

  it('a form whose token no longer matches says so in words for a parent, not about signing in again', async () => {
    const child = await aFamily('Amelia');
    const { booking, link } = await booked(child);
    const browser = await signedIn(link);

    const refused = await browser.request(`${link}/cancel`, { _csrf: 'stale-token', reason: 'work' });

    expect(refused.status).toBe(403);
    expect(refused.html).toContain('Sorry, your form could not be sent');
    expect(refused.html).toContain('open the link in your text again');
    expect(refused.html).not.toContain('signed in again');
    expect((await getBooking(store, booking.id))?.status).toBe('BOOKED');
  });

  it('rebooks inside the Healthy Child Programme window, once per link', async () => {
    const child = await aFamily('Amelia');
    const { booking, link } = await booked(child);
    const inWindow = await aSlot(FRIDAY);
    const alsoInWindow = await aSlot(NEXT_MONDAY);
    const outside = await aSlot(DECEMBER);
    const browser = await signedIn(link);
    const page = await browser.get(`${link}/rebook`);
    expect(page.html).toContain(`value="${inWindow.id}"`);
    expect(page.html).toContain(`value="${alsoInWindow.id}"`);
    expect(page.html).not.toContain(`value="${outside.id}"`);
    // A slot the page did not offer is refused, even posted by hand: not a time we offer, not "taken".
    const sneaky = await browser.submit(`${link}/rebook`, `${link}/rebook`, { slotId: outside.id });
    expect(sneaky.location).toBe(`${link}/rebook?error=unavailable`);
    expect((await getSlot(store, outside.id))?.status).toBe('FREE');

    const csrf = await browser.get(`${link}/rebook`);
    const token = /name="_csrf" value="([^"]+)"/.exec(csrf.html)![1]!;
    const moved = await browser.request(`${link}/rebook`, { _csrf: token, slotId: inWindow.id });
    expect(moved.location).toBe(link);
    const old = await getBooking(store, booking.id);
    expect(old).toMatchObject({ status: 'CANCELLED' });
    const fresh = await getBooking(store, old!.movedTo!);
    expect(fresh).toMatchObject({ status: 'BOOKED', slotId: inWindow.id });
    expect((await getSlot(store, booking.slotId))?.status).toBe('FREE');
    expect((await browser.get(link)).html).toContain('Your appointment has moved');

    // The same link cannot rebook again (the used claim stays on the link).
    const again = await browser.request(`${link}/rebook`, { _csrf: token, slotId: alsoInWindow.id });
    expect(again.status).not.toBe(200);
    expect((await getSlot(store, alsoInWindow.id))?.status).toBe('FREE');
    expect((await getBooking(store, fresh!.id))?.slotId).toBe(inWindow.id);
    const item = await rawItem(store, parentLinkKeys.link(tokenHash(link.slice(3))));
    expect(item).toMatchObject({ rebookedAt: NOW, rebookedTo: fresh!.id });
  });

  it('a time that is not one we offer says so, not that another family took it; a time booked meanwhile says taken', async () => {
    const child = await aFamily('Amelia');
    const { booking, link } = await booked(child);
    const free = await aSlot(FRIDAY);
    const withdrawn = await aSlot(NEXT_MONDAY);
    await aSlot('2026-11-27T11:00:00.000Z'); // so the page still has a form once the others are gone
    const browser = await signedIn(link);
    const page = await browser.get(`${link}/rebook`);
    expect(page.html).toContain(`value="${withdrawn.id}"`);
    await withdrawSlot(deps, { slotId: withdrawn.id, by: 'hv' });

    // Act: a made-up id, and a time withdrawn since the page was drawn
    const madeUp = await browser.submit(`${link}/rebook`, `${link}/rebook`, {
      slotId: 'slot-that-never-was',
    });
    const gone = await browser.submit(`${link}/rebook`, `${link}/rebook`, { slotId: withdrawn.id });

    // Assess
    for (const refused of [madeUp, gone]) {
      expect(refused.location).toBe(`${link}/rebook?error=unavailable`);
      const told = await browser.get(refused.location!);
      expect(told.status).toBe(200);
      expect(told.html).toContain('Sorry, that time is not available');
      expect(told.html).toContain(
        'It is not one of the times we can offer you, or it is no longer available.',
      );
      expect(told.html).not.toContain('just been taken');
      expect(told.html).not.toContain('Another family booked it');
      // Still oriented: the times we do offer, and the way back to the appointment.
      expect(told.html).toContain(`value="${free.id}"`);
      expect(told.html).toContain(`href="${link}"`);
    }
    expect((await getBooking(store, booking.id))?.status).toBe('BOOKED');

    // A real time of theirs another family booked after the page was drawn is still "taken".
    const other = await aFamily('Bea');
    await bookSlot(deps, { slotId: free.id, clientId: other.id, by: 'hv', source: 'staff' });
    const taken = await browser.submit(`${link}/rebook`, `${link}/rebook`, { slotId: free.id });
    expect(taken.location).toBe(`${link}/rebook?error=taken`);
    expect((await browser.get(taken.location!)).html).toContain('Sorry, that time has just been taken');
  });

  it('a slot another family booked long before is "not available", not "taken": the page does not say it exists', async () => {
    // Prepare: another family's booking, made two hours before this family posts its id by hand.
    const other = await aFamily('Bea');
    const theirs = await aSlot(FRIDAY);
    await bookSlot(deps, { slotId: theirs.id, clientId: other.id, by: 'hv', source: 'staff' });
    deps.clock.set(new Date(deps.now().getTime() + 2 * 3_600_000).toISOString());
    const child = await aFamily('Amelia');
    const { link } = await booked(child);
    await aSlot('2026-11-27T11:00:00.000Z');
    const browser = await signedIn(link);

    // Act
    const posted = await browser.submit(`${link}/rebook`, `${link}/rebook`, { slotId: theirs.id });

    // Assess
    expect(posted.location).toBe(`${link}/rebook?error=unavailable`);
  });

  it('offers no time starting inside the notice (booking.parentRebookNoticeMinutes, 120), and refuses one posted anyway', async () => {
    expect(deps.config.booking.parentRebookNoticeMinutes).toBe(120);
    const child = await aFamily('Amelia');
    const { booking, link } = await booked(child);
    const tooSoon = await aSlot(plusMinutes(NOW, 119));
    const justOutside = await aSlot(plusMinutes(NOW, 120));
    const browser = await signedIn(link);
    const page = await browser.get(`${link}/rebook`);
    expect(page.html).not.toContain(`value="${tooSoon.id}"`);
    expect(page.html).toContain(`value="${justOutside.id}"`);

    // A forged form for the time inside the notice: refused, the page says why and offers the others.
    const forged = await browser.submit(`${link}/rebook`, `${link}/rebook`, { slotId: tooSoon.id });
    expect(forged.location).toBe(`${link}/rebook?error=soon`);
    const told = await browser.get(forged.location!);
    expect(told.status).toBe(200);
    expect(told.html).toContain('That time starts too soon to book here');
    expect(told.html).toContain('cannot be booked online');
    expect(told.html).toContain(`value="${justOutside.id}"`);
    expect((await getSlot(store, tooSoon.id))?.status).toBe('FREE');
    expect(await getBooking(store, booking.id)).toMatchObject({ status: 'BOOKED', slotId: booking.slotId });

    // A page left open a minute: the time it offered is now inside the notice, and is refused the same way.
    const stale = await browser.get(`${link}/rebook`);
    const token = /name="_csrf" value="([^"]+)"/.exec(stale.html)![1]!;
    deps.clock.set(plusMinutes(NOW, 1));
    const late = await browser.request(`${link}/rebook`, { _csrf: token, slotId: justOutside.id });
    expect(late.location).toBe(`${link}/rebook?error=soon`);
    expect((await getSlot(store, justOutside.id))?.status).toBe('FREE');
    // The refusal used nothing up: a later time still moves the booking.
    const later = await aSlot(FRIDAY);
    const moved = await browser.request(`${link}/rebook`, { _csrf: token, slotId: later.id });
    expect(moved.location).toBe(link);
    expect((await getBooking(store, booking.id))?.status).toBe('CANCELLED');
  });

  it('staff may still move a booking to a time starting within the parent notice (a walk-in)', async () => {
    const child = await aFamily('Walkin');
    const { booking } = await booked(child);
    const soon = await aSlot(plusMinutes(NOW, 15));
    const moved = await moveBooking(deps, {
      bookingId: booking.id,
      slotId: soon.id,
      by: 'hv',
      reason: 'walk-in',
    });
    expect(moved.to).toMatchObject({ status: 'BOOKED', slotId: soon.id });
  });

  it('with nothing that fits, joins the short-notice list and keeps the booking', async () => {
    const child = await aFamily('Amelia');
    const { booking, link } = await booked(child);
    const browser = await signedIn(link);
    expect((await browser.get(`${link}/rebook`)).html).toContain('There are no free times that fit');
    const joined = await browser.submit(`${link}/rebook`, `${link}/waitlist`);
    expect(joined.location).toBe(`${link}?done=joined`);
    const entry = await getEntry(store, `${child.id}.${booking.type}`);
    expect(entry).toMatchObject({
      status: 'WAITING',
      currentBookingId: booking.id,
      consentToShortNotice: true,
    });
    expect((await getBooking(store, booking.id))?.status).toBe('BOOKED');
  });

  it('a family already on the list joins again without an error, and the entry now names this booking', async () => {
    // Prepare: staff put the family on the list with no booking named (as the demo's entries are)
    const child = await aFamily('Amelia');
    const { booking, link } = await booked(child);
    await addToWaitlist(deps, {
      clientId: child.id,
      type: booking.type,
      acceptableClinicIds: [booking.clinicId],
      consentToShortNotice: true,
    });
    const browser = await signedIn(link);

    // Act
    const joined = await browser.submit(`${link}/rebook`, `${link}/waitlist`);

    // Assess
    expect(joined.location).toBe(`${link}?done=joined`);
    expect(await getEntry(store, `${child.id}.${booking.type}`)).toMatchObject({
      status: 'WAITING',
      currentBookingId: booking.id,
    });
  });

  it('a session from one booking cannot act on another', async () => {
    const [a, b] = [await aFamily('Amelia'), await aFamily('Bea')];
    const first = await booked(a, THURSDAY);
    const second = await booked(b, FRIDAY);
    const browser = await signedIn(first.link);
    const page = await browser.get(first.link);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!;
    const refused = await browser.request(`${second.link}/cancel`, { _csrf: token, reason: 'work' });
    expect(refused.status).toBe(403);
    expect((await getBooking(store, second.booking.id))?.status).toBe('BOOKED');
    // Nor see it: the other link asks for its own check.
    const other = await browser.get(second.link);
    expect(other.html).not.toContain('Bea');
    expect(other.html).toContain('date of birth');
    expect(other.html).not.toContain('27 November');
  });

  it('a link ends when the appointment starts', async () => {
    const child = await aFamily('Amelia');
    const { link } = await booked(child);
    const browser = await signedIn(link);
    deps.clock.set(THURSDAY);
    const page = await browser.get(link);
    expect(page.status).toBe(404);
    expect(page.html).toContain('This link no longer works');
  });
});

describe('short-notice offers', () => {
  async function aSlotUnderOffer(): Promise<{ slot: Slot; families: ClientWithPhone[] }> {
    const families: ClientWithPhone[] = [];
    deps.clock.set(plusMinutes(NOW, -4 * 24 * 60));
    for (const name of ['Olly', 'Pip', 'Quinn']) {
      const child = await aFamily(name);
      await addToWaitlist(deps, aWaitlistRequestFor(child, clinic));
      families.push(child);
    }
    deps.clock.set(NOW);
    const holder = await aFamily('Holder');
    const slot = await aSlot(FRIDAY);
    const booking = await bookSlot(deps, { slotId: slot.id, clientId: holder.id, by: 'hv', source: 'staff' });
    await cancelByStaff(deps, { bookingId: booking.id, by: 'hv', reason: 'moved away', notify: false });
    expect(await startBackfill(deps, slot.id)).toBe('offered');
    return { slot, families };
  }

  const offerLinkOf = (child: ClientWithPhone) =>
    linkIn(deps.outbox.entries.filter((e) => e.to === child.phone).at(-1)!.body);

  it('takes an offer from its link; the second family is told kindly that it has gone', async () => {
    const { slot, families } = await aSlotUnderOffer();
    const [first, second] = families as [ClientWithPhone, ClientWithPhone];
    const [firstLink, secondLink] = [offerLinkOf(first), offerLinkOf(second)];
    const winner = await signedIn(firstLink);
    const loser = await signedIn(secondLink);
    expect((await winner.get(firstLink)).html).toContain('Take this time');
    const took = await winner.submit(firstLink, `${firstLink}/take`);
    expect(took.location).toBe(`${firstLink}?done=accepted`);
    expect((await winner.get(took.location!)).html).toContain('This time is booked for you');
    expect((await getSlot(store, slot.id))?.status).toBe('BOOKED');
    const lost = await loser.get(secondLink);
    expect(lost.html).toContain('Sorry, that time has gone');
    expect(lost.html).not.toContain('Take this time');
  });

  it('a race: a parent rebooks on the page into a slot while another family texts YES for it; exactly one wins', async () => {
    for (let round = 0; round < 3; round++) {
      const { slot, families } = await aSlotUnderOffer();
      const yesFamily = families[0]!;
      const mover = await aFamily(`Mover${round}`);
      const { booking, link } = await booked(mover, THURSDAY);
      const browser = await signedIn(link);
      const page = await browser.get(`${link}/rebook`);
      expect(page.html).toContain(`value="${slot.id}"`);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!;
      const [web] = await Promise.all([
        browser.request(`${link}/rebook`, { _csrf: token, slotId: slot.id }),
        handleInboundSms(deps, anInboundSms(yesFamily.phone, 'YES')),
      ]);
      const after = await getSlot(store, slot.id);
      const moved = (await getBooking(store, booking.id))!;
      const offers = await offersBySlot(store, slot.id);
      const accepted = offers.filter((o) => o.status === 'ACCEPTED');
      const pageWon = moved.status === 'CANCELLED';
      expect(after?.status).toBe('BOOKED');
      expect(Number(pageWon) + accepted.length, `round ${round}`).toBe(1);
      if (pageWon) {
        expect((await getBooking(store, moved.movedTo!))?.slotId).toBe(slot.id);
      } else {
        // The parent is told kindly and can choose again; their booking is as it was.
        expect(web.location).toBe(`${link}/rebook?error=taken`);
        expect((await browser.get(web.location!)).html).toContain('Sorry, that time has just been taken');
        expect(moved.status).toBe('BOOKED');
      }
      store = await freshTable();
      await seed(store, { clinic });
      deps = testDeps(store, NOW, linksOnConfig);
      app = createWebApp(deps, { staffSessions: signInNotConfigured });
    }
  });
});
