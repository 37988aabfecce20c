/**
 * The parent pages in a real browser (Debian's Chromium) through the local runtime: a family opens the
 * link from their text on a phone, passes the date check, and confirms, cancels with the reason
 * "transport", rebooks, or takes a short-notice offer; one family does it in Welsh. Every page passes
 * axe (no serious or critical violation), runs without a CSP complaint, and is saved at phone width
 * under docs/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  PARENT_LINK_OFFER_WORDING_DEFAULTS,
  PARENT_LINK_WORDING_DEFAULTS,
} from '#core/config/parent-links.ts';
import type { Client, Clinic, Slot } from '#core/model.ts';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import type { Deps } from '#services/deps.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { getBooking } from '#store/bookings.ts';
import { createClient } from '#store/clients.ts';
import { createClinic } from '#store/clinics.ts';
import { offersBySlot } from '#store/offers.ts';
import { createSlots, getSlot } from '#store/slots.ts';
import {
  launchBrowser,
  SCREENSHOT_DIR,
  seriousA11yViolations,
  VIEWPORTS,
  watchProblems,
} from '#tests/browser/support.ts';
import { aClient, aClinic, aSlotFor, aWaitlistRequestFor } from '#tests/support/builders.ts';
import { exampleConfig } from '#tests/support/dynamo.ts';
import { linkIn } from '#tests/support/parent-pages.ts';

/** Monday 30 November 2026, 09:00 in London. */
const NOW = '2026-11-30T09:00:00.000Z';
const BORN = '2026-10-20';
/** Inside a 6-8 week review window from BORN (1–15 December). */
const DAYS = ['2026-12-02T10:00:00.000Z', '2026-12-03T14:30:00.000Z', '2026-12-04T09:30:00.000Z'];

let runtime: LocalRuntime;
let browser: Browser;
let deps: Deps;
let clinic: Clinic;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([
    startLocal({
      config: {
        ...exampleConfig,
        // The texts' links name the trust's domain; the test opens their path on the local server.
        parentLinks: {
          baseUrl: 'https://attend.example-trust.nhs.uk',
          wording: { ...PARENT_LINK_WORDING_DEFAULTS },
          offerWording: { ...PARENT_LINK_OFFER_WORDING_DEFAULTS },
        },
      },
      port: 0,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: `attend-parent-${Date.now().toString(36)}`,
      seed: false,
      frozenClock: true,
      startAt: new Date(NOW),
    }),
    launchBrowser(),
  ]);
  deps = depsFromEnv();
  clinic = aClinic({
    id: 'riverside',
    name: "Riverside Children's Centre",
    venue: "Riverside Children's Centre",
    address: '1 River Street, Maidstone ME14 1AA',
  });
  await createClinic(deps.store, clinic);
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

async function aFamily(firstName: string, language = 'en'): Promise<Client> {
  const child = aClient({ firstName, dateOfBirth: BORN, language });
  await createClient(deps.store, child);
  return child;
}

async function slots(...startsAt: string[]): Promise<Slot[]> {
  const made = startsAt.map((s) => aSlotFor(clinic, { startsAt: s }));
  await createSlots(deps.store, made);
  return made;
}

const lastTextTo = (child: Client) => runtime.outbox.entries.filter((e) => e.to === child.phone).at(-1)!.body;

/** A family booked by staff; answers the link from their confirmation. */
async function bookedFamily(name: string, startsAt: string, language = 'en') {
  const child = await aFamily(name, language);
  const [slot] = await slots(startsAt);
  const booking = await bookSlot(deps, { slotId: slot!.id, clientId: child.id, by: 'hv', source: 'staff' });
  return { child, booking, link: linkIn(lastTextTo(child)) };
}

/** A phone-sized page that checks each page it lands on for accessibility and CSP complaints. */
async function phone() {
  const context = await browser.newContext({ viewport: VIEWPORTS.phone, deviceScaleFactor: 1 });
  const watched = watchProblems(context);
  const page = await context.newPage();
  return { page, problems: watched.problems, close: () => context.close() };
}

async function look(page: Page, name?: string): Promise<void> {
  expect(await seriousA11yViolations(page), page.url()).toEqual([]);
  if (name)
    await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true, animations: 'disabled' });
}

async function passCheck(page: Page, born = BORN, shot?: string): Promise<void> {
  const [year, month, day] = born.split('-');
  await page.fill('#date-day', String(Number(day)));
  await page.fill('#date-month', String(Number(month)));
  await page.fill('#date-year', year!);
  if (shot) await look(page, shot);
  await page.locator('form[action$="/check"] button').click();
}

describe('a family on a phone', () => {
  it('opens the link, passes the date check and confirms', async () => {
    const { booking, link } = await bookedFamily('Amelia', DAYS[0]!);
    const { page, problems, close } = await phone();
    await page.goto(`${runtime.url}${link}`);
    expect(await page.locator('h1').textContent()).toBe('Check it is you');
    expect(await page.content()).not.toContain('Amelia');
    await look(page, 'parent-check-phone');
    // A wrong date first: the error summary, and still nothing personal.
    await passCheck(page, '2026-10-21');
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('does not match');
    await look(page, 'parent-check-error-phone');
    await passCheck(page);
    expect(await page.locator('h1').textContent()).toBe('Your appointment');
    expect(await page.locator('.nhsuk-summary-list').textContent()).toContain('Wednesday 2 December 2026');
    await look(page, 'parent-appointment-phone');
    await page.getByRole('button', { name: "We'll be there" }).click();
    expect(await page.locator('.nhsuk-panel').textContent()).toContain('you will be there');
    await look(page, 'parent-confirmed-phone');
    expect((await getBooking(deps.store, booking.id))?.parentConfirmedAt).toBeDefined();
    // The one refused form (the wrong date) answers 400, which Chromium logs; nothing else went wrong.
    expect(problems).toEqual([
      'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    await close();
  });

  it('cancels with the reason "transport": the short-notice list is offered the slot', async () => {
    const waiting = await aFamily('Wren');
    await addToWaitlist(deps, aWaitlistRequestFor(waiting, clinic));
    const { booking, link } = await bookedFamily('Bea', DAYS[1]!);
    const { page, problems, close } = await phone();
    await page.goto(`${runtime.url}${link}`);
    await passCheck(page);
    await page.getByRole('link', { name: 'Cancel this appointment' }).click();
    await page.getByLabel('Transport: I cannot get there').check();
    await look(page, 'parent-cancel-phone');
    await page.getByRole('button', { name: 'Cancel the appointment' }).click();
    expect(await page.locator('h1').textContent()).toContain('Your appointment is cancelled');
    await look(page, 'parent-cancelled-phone');
    expect(await getBooking(deps.store, booking.id)).toMatchObject({
      status: 'CANCELLED',
      cancelCategory: 'transport',
    });
    await runtime.poller.drain();
    const offers = await offersBySlot(deps.store, booking.slotId);
    expect(offers.map((o) => o.clientId)).toContain(waiting.id);
    expect(problems).toEqual([]);
    await close();
  });

  it('rebooks to a later time inside the window, and is texted the new time', async () => {
    const { child, booking, link } = await bookedFamily('Cai', DAYS[0]!);
    const [later] = await slots('2026-12-09T11:00:00.000Z');
    const { page, problems, close } = await phone();
    await page.goto(`${runtime.url}${link}`);
    await passCheck(page);
    await page.getByRole('link', { name: 'Choose a different time' }).click();
    await look(page);
    await page.locator(`input[value="${later!.id}"]`).check();
    await look(page, 'parent-rebook-phone');
    await page.getByRole('button', { name: 'Book this time' }).click();
    expect(await page.locator('h1').textContent()).toBe('Your appointment has moved');
    expect(await page.locator('.nhsuk-summary-list').textContent()).toContain('Wednesday 9 December 2026');
    await look(page, 'parent-rebooked-phone');
    const old = await getBooking(deps.store, booking.id);
    expect((await getBooking(deps.store, old!.movedTo!))?.slotId).toBe(later!.id);
    // The family is texted that it has moved, to the new time, with the new booking's own link.
    const text = lastTextTo(child);
    expect(text).toContain("Cai's 6-8 week baby review has moved to Wed 9 Dec at 11:00");
    expect(linkIn(text)).not.toBe(link);
    expect(problems).toEqual([]);
    await close();
  });

  it("takes a short-notice offer from the offer's link", async () => {
    const waiting = await aFamily('Dewi');
    await addToWaitlist(deps, aWaitlistRequestFor(waiting, clinic));
    const holder = await bookedFamily('Holder', DAYS[2]!);
    await cancelByStaff(deps, {
      bookingId: holder.booking.id,
      by: 'hv',
      reason: 'moved away',
      notify: false,
    });
    await runtime.poller.drain();
    const link = linkIn(lastTextTo(waiting));
    const { page, problems, close } = await phone();
    await page.goto(`${runtime.url}${link}`);
    await passCheck(page);
    expect(await page.locator('h1').textContent()).toBe('A time has come up');
    await look(page, 'parent-offer-phone');
    await page.getByRole('button', { name: 'Take this time', exact: true }).click();
    expect(await page.locator('.nhsuk-panel').textContent()).toContain('This time is booked for you');
    await look(page, 'parent-offer-taken-phone');
    expect((await getSlot(deps.store, holder.booking.slotId))?.status).toBe('BOOKED');
    expect(problems).toEqual([]);
    await close();
  });

  it('reads until when an offer is held and declines it without JavaScript', async () => {
    const waiting = await aFamily('Gwen');
    await addToWaitlist(deps, aWaitlistRequestFor(waiting, clinic));
    const holder = await bookedFamily('Holder', DAYS[1]!);
    await cancelByStaff(deps, {
      bookingId: holder.booking.id,
      by: 'hv',
      reason: 'moved away',
      notify: false,
    });
    await runtime.poller.drain();
    const link = linkIn(lastTextTo(waiting));
    // Read on a phone (axe needs JavaScript to run its checks).
    const { page, problems, close } = await phone();
    await page.goto(`${runtime.url}${link}`);
    await passCheck(page);
    expect(await page.locator('h1').textContent()).toBe('A time has come up');
    // Offered at 09:00 on Monday 30 November (GMT), held for two hours.
    expect(await page.locator('.nhsuk-inset-text').textContent()).toContain(
      'We are keeping this time for you until 11:00 today.',
    );
    await look(page, 'parent-offer-hold-phone');
    await page.setViewportSize(VIEWPORTS.laptop);
    await look(page, 'parent-offer-hold-laptop');
    await page.setViewportSize(VIEWPORTS.phone);

    // Declined in a browser with JavaScript off: a plain form post with its CSRF token.
    const noScript = await browser.newContext({ viewport: VIEWPORTS.phone, javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(`${runtime.url}${link}`);
    await passCheck(plain);
    await plain.getByRole('button', { name: 'No thanks, I cannot take this time' }).click();
    expect(await plain.locator('.nhsuk-panel').textContent()).toContain('Thank you for telling us');
    await noScript.close();
    const offers = await offersBySlot(deps.store, holder.booking.slotId);
    expect(offers.find((o) => o.clientId === waiting.id)?.status).toBe('DECLINED');

    // The first browser's page now says so too, with no Take or Decline button.
    await page.goto(`${runtime.url}${link}?done=declined`);
    expect(await page.locator('.nhsuk-panel').textContent()).toContain('Thank you for telling us');
    expect(await page.getByRole('button').count()).toBe(0);
    await look(page, 'parent-offer-declined-phone');
    expect(problems).toEqual([]);
    await close();
  });

  it('in Welsh: switches language, passes the check and cancels', async () => {
    const { booking, link } = await bookedFamily('Elis', DAYS[1]!);
    const { page, problems, close } = await phone();
    await page.goto(`${runtime.url}${link}`);
    await page.getByRole('link', { name: 'Cymraeg' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('cy');
    expect(await page.locator('h1').textContent()).toBe('Gwirio mai chi sydd yma');
    await look(page, 'parent-check-cy-phone');
    await passCheck(page);
    expect(await page.locator('h1').textContent()).toBe('Eich apwyntiad');
    await look(page, 'parent-appointment-cy-phone');
    await page.getByRole('link', { name: "Canslo'r apwyntiad hwn" }).click();
    await page.getByLabel('Gwaith').check();
    await look(page);
    await page.getByRole('button', { name: "Canslo'r apwyntiad" }).click();
    expect(await page.locator('h1').textContent()).toContain("Mae eich apwyntiad wedi'i ganslo");
    await look(page, 'parent-cancelled-cy-phone');
    expect(await getBooking(deps.store, booking.id)).toMatchObject({
      status: 'CANCELLED',
      cancelCategory: 'work',
    });
    expect(problems).toEqual([]);
    await close();
  });

  it('a Welsh family reads their page in Welsh without switching, the date check and its error included', async () => {
    const { link } = await bookedFamily('Ffion', DAYS[2]!, 'cy');
    const { page, problems, close } = await phone();
    await page.goto(`${runtime.url}${link}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('cy');
    expect(await page.locator('h1').textContent()).toBe('Gwirio mai chi sydd yma');
    await passCheck(page, '2025-01-01');
    expect(await page.locator('.nhsuk-error-message').textContent()).toContain(
      "Gwall: Nid yw'r dyddiad yn cyfateb i'n cofnodion.",
    );
    expect(await page.title()).toMatch(/^Gwall: /);
    await look(page, 'parent-check-error-cy-phone');
    await passCheck(page);
    expect(await page.locator('h1').textContent()).toBe('Eich apwyntiad');
    // The wrong date's refused form answers 400, which Chromium logs; nothing else went wrong.
    expect(problems).toEqual([
      'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    await close();
  });

  // Last in the file: it moves the virtual clock on past a hold.
  it('comes back after the 30-minute session, within the hold, and takes the offer; after the hold, a kind ended page', async () => {
    const moveClock = (advance: string) =>
      fetch(`${runtime.url}/dev/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advance }),
      });
    const offerFor = async (name: string, startsAt: string) => {
      const waiting = await aFamily(name);
      await addToWaitlist(deps, aWaitlistRequestFor(waiting, clinic));
      const holder = await bookedFamily('Holder', startsAt);
      await cancelByStaff(deps, {
        bookingId: holder.booking.id,
        by: 'hv',
        reason: 'moved away',
        notify: false,
      });
      await runtime.poller.drain();
      return linkIn(lastTextTo(waiting));
    };

    const link = await offerFor('Hana', DAYS[0]!);
    const { page, problems, close } = await phone();
    await page.goto(`${runtime.url}${link}`);
    await passCheck(page);
    expect(await page.locator('.nhsuk-inset-text').textContent()).toContain(
      'You will not need to enter the date again before then.',
    );
    await look(page, 'parent-offer-hold-session-phone');
    // The page stays open while the phone is put down for 45 minutes.
    expect((await moveClock('PT45M')).status).toBe(200);
    await page.getByRole('button', { name: 'Take this time', exact: true }).click();
    expect(await page.locator('.nhsuk-panel').textContent()).toContain('This time is booked for you');

    const later = await offerFor('Iwan', DAYS[1]!);
    await page.goto(`${runtime.url}${later}`);
    await passCheck(page);
    expect(await page.locator('h1').textContent()).toBe('A time has come up');
    // Past the hold (two hours): the page left open and Take pressed, the parent lands on the ended page.
    expect((await moveClock('PT2H1M')).status).toBe(200);
    await page.getByRole('button', { name: 'Take this time', exact: true }).click();
    expect(await page.locator('h1').textContent()).toBe('Sorry, this offer has ended');
    expect(await page.locator('main').textContent()).toContain('You are still on the list');
    await look(page, 'parent-offer-ended-phone');
    expect(problems).toEqual([]);
    await close();
  });
});
