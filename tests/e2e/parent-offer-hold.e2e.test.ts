/**
 * A short-notice offer taken on the parent page after the parent session would have ended, over HTTP
 * against the local runtime (its virtual clock, stream and every-minute offer sweep). The hold on an
 * offer lasts up to 2 hours; the date check at the link used to last 30 minutes, so a parent who came
 * back within the hold met "Sorry, your form could not be sent" instead of their offer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking, Slot } from '#core/model.ts';
import { PARENT_SESSION_MINUTES } from '#core/parent-links.ts';
import type { Offer } from '#core/waitlist.ts';
import type { LocalRuntime } from '#local/runtime.ts';
import type { OutboxEntry } from '#messaging/outbox-sms-sender.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';
import { csrfOf, httpParentBrowser, linkIn, type ParentBrowser } from '#tests/support/parent-pages.ts';

let runtime: LocalRuntime;
let http: Api;

/** Ten months old on the runtime's Monday: inside the one-year review's window. */
const BORN = '2026-01-20';
const MINUTE = 60_000;

beforeAll(async () => {
  // Monday 23 November 2026, 09:00 in London (GMT): daytime, so offers go out at once.
  runtime = await startTestRuntime('2026-11-23T09:00:00Z', { parentLinks: true });
  http = api(runtime.url);
  await http.post('/clinics', { id: 'harbour', name: 'Harbour Family Hub', venue: 'Harbour Family Hub' });
});

afterAll(async () => {
  await runtime?.stop();
});

let families = 0;

async function familyOnTheList(): Promise<{ clientId: string; e164: string }> {
  families += 1;
  const client = await http.post<{ id: string; phone: string }>('/clients', {
    firstName: `Hold${families}`,
    phone: `07700 900${String(600 + families)}`,
    dateOfBirth: BORN,
  });
  expect(client.status).toBe(201);
  const entry = await http.post('/waitlist', {
    clientId: client.body.id,
    type: 'one-year-review',
    acceptableClinicIds: ['harbour'],
    consentToShortNotice: true,
  });
  expect(entry.status).toBe(201);
  return { clientId: client.body.id, e164: client.body.phone };
}

/** Frees a booked slot (staff cancel it): the stream offers it to the list, with a link in each text. */
async function anOfferTo(
  family: { clientId: string; e164: string },
  date: string,
): Promise<{ link: string; offer: Offer }> {
  const owner = await http.post<{ id: string }>('/clients', {
    firstName: `Owner${families}`,
    phone: `07700 900${String(700 + families)}`,
    dateOfBirth: BORN,
  });
  const slot = await http.post<Slot>('/slots', {
    clinicId: 'harbour',
    type: 'one-year-review',
    date,
    time: '10:00',
  });
  const booking = await http.post<Booking>('/bookings', { slotId: slot.body.id, clientId: owner.body.id });
  expect(booking.status).toBe(201);
  await http.post(`/bookings/${booking.body.id}/cancel`, { reason: 'Family moved away', notify: false });
  const outbox = (await http.get<{ items: OutboxEntry[] }>('/dev/sms/outbox')).body.items;
  const text = outbox.filter((t) => t.to === family.e164 && /Reply YES/.test(t.body)).at(-1);
  expect(text, 'the offer text').toBeDefined();
  const offers = await http.get<{ items: Offer[] }>(`/offers?slot=${slot.body.id}`);
  const offer = offers.body.items.find((o) => o.clientId === family.clientId && o.status === 'PENDING');
  expect(offer, 'the pending offer').toBeDefined();
  return { link: linkIn(text!.body), offer: offer! };
}

const clockNow = async () => Date.parse((await http.get<{ now: string }>('/dev/clock')).body.now);
const moveClockTo = (ms: number) => http.post('/dev/clock', { now: new Date(ms).toISOString() });

async function checked(link: string): Promise<ParentBrowser> {
  const browser = httpParentBrowser(runtime.url);
  const done = await browser.check(link, BORN);
  expect(done.status).toBe(303);
  return browser;
}

/** Follows a 303 the way a browser does. */
async function follow(browser: ParentBrowser, answer: { status: number; location?: string }) {
  expect(answer.status).toBe(303);
  return browser.get(answer.location!);
}

describe('an offer held for longer than the parent session', () => {
  it('a parent who comes back within the hold, after the 30-minute session, takes the offer without a second check', async () => {
    const family = await familyOnTheList();
    const { link, offer } = await anOfferTo(family, '2026-11-25');
    const start = await clockNow();
    expect(Date.parse(offer.expiresAt) - start).toBeGreaterThan(PARENT_SESSION_MINUTES * MINUTE);

    const browser = await checked(link);
    const page = await browser.get(link);
    expect(page.html).toContain('Take this time');
    expect(page.html).toContain('You will not need to enter the date again before then');
    const token = csrfOf(page.html, `${link}/take`);

    // The phone is put down for 45 minutes with the page open; the time is still held.
    await moveClockTo(start + 45 * MINUTE);
    const took = await browser.request(`${link}/take`, { _csrf: token });
    expect(took.location).toBe(`${link}?done=accepted`);
    expect((await follow(browser, took)).html).toContain('This time is booked for you');

    const after = await http.get<{ slot: Slot; items: Offer[] }>(`/offers?slot=${offer.slotId}`);
    expect(after.body.slot.status).toBe('BOOKED');
    expect(after.body.items.find((o) => o.id === offer.id)?.status).toBe('ACCEPTED');
  });

  it('a parent whose session is gone (another browser, cookies cleared) is checked again and lands back on the same offer', async () => {
    const family = await familyOnTheList();
    const { link, offer } = await anOfferTo(family, '2026-11-26');
    const browser = await checked(link);
    const token = csrfOf((await browser.get(link)).html, `${link}/take`);
    await browser.jar.removeAllCookies();

    // The stale form is not an error page: the parent is sent to their link, which asks the date again...
    const pressed = await browser.request(`${link}/take`, { _csrf: token });
    expect(pressed.status).toBe(303);
    expect(pressed.location).toBe(link);
    const check = await browser.get(link);
    expect(check.html).toContain('Check it is you');
    expect(check.html).not.toContain('Harbour');

    // ...and after it, they are on the same offer, still held, and take it.
    expect((await browser.check(link, BORN)).location).toBe(link);
    const again = await browser.submit(link, `${link}/take`);
    expect(again.location).toBe(`${link}?done=accepted`);
    const after = await http.get<{ items: Offer[] }>(`/offers?slot=${offer.slotId}`);
    expect(after.body.items.find((o) => o.id === offer.id)?.status).toBe('ACCEPTED');
  });

  it('a parent who comes back after the hold gets a kind "this offer has ended" page, with no date check', async () => {
    const family = await familyOnTheList();
    const { link, offer } = await anOfferTo(family, '2026-11-27');
    const browser = await checked(link);
    const token = csrfOf((await browser.get(link)).html, `${link}/take`);

    // Past the hold: the every-minute sweep has lapsed the offer on the way.
    await moveClockTo(Date.parse(offer.expiresAt) + MINUTE);
    const lapsed = await http.get<{ items: Offer[] }>(`/offers?slot=${offer.slotId}`);
    expect(lapsed.body.items.find((o) => o.id === offer.id)?.status).toBe('EXPIRED');

    const pressed = await browser.request(`${link}/take`, { _csrf: token });
    const ended = await follow(browser, pressed);
    expect(ended.status).toBe(200);
    expect(ended.html).toContain('Sorry, this offer has ended');
    expect(ended.html).toContain('You do not need to do anything. You are still on the list');
    expect(ended.html).toMatch(/If you need help, call \d/);
    expect(ended.html).not.toContain('Check it is you');
    expect(ended.html).not.toContain('Take this time');

    // The same page for the link opened afresh, on any browser.
    const fresh = await httpParentBrowser(runtime.url).get(link);
    expect(fresh.status).toBe(200);
    expect(fresh.html).toContain('Sorry, this offer has ended');
  });
});
