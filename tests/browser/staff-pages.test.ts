/**
 * Issue 12's staff pages, worked in Chromium as staff would, against the local runtime and its OpenID
 * Connect provider: the inbox loop (a parent's question by text reaches the inbox, a scheduler checks
 * the reply's length and cost and sends it with JavaScript off, the text is in the outbox, the item is
 * marked handled); a Was-Not-Brought recorded on Today opens a follow-up that the named health visitor
 * sees first and closes; and roles: a scheduler has no erase button on a family's page and a forged
 * erase post gets 403. Each page is checked with axe and saved at laptop and phone widths.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserWorld, checked, seriousA11yViolations, watchProblems } from '#tests/browser/support.ts';

// Monday 23 November 2026, 08:00 in London (GMT): clinics at 10:00 today and tomorrow.
const world = browserWorld({
  name: 'staff-a',
  startAt: new Date('2026-11-23T08:00:00Z'),
  frozenClock: true,
});
const api = <T = { id: string }>(method: string, path: string, body?: unknown) =>
  world.api<T>(method, path, body);
const ids: Record<string, string> = {};

async function family(name: string, familyName: string, phone: string, flags = {}): Promise<string> {
  const client = await api('POST', '/clients', {
    firstName: name,
    familyName,
    phone,
    namedHealthVisitor: 'Grace Adeyemi',
    flags: { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: false, ...flags },
  });
  return client.id;
}

async function book(clientId: string, date: string, time: string): Promise<string> {
  const slot = await api('POST', '/slots', { clinicId: 'riverside', type: 'clinic', date, time });
  return (await api('POST', '/bookings', { slotId: slot.id, clientId })).id;
}

beforeAll(async () => {
  await api('POST', '/clinics', { id: 'riverside', name: 'Riverside Clinic', venue: 'Riverside Centre' });
  ids.amelia = await family('Amelia', 'Jones', '07700 900123', { vulnerable: true });
  ids.oliver = await family('Oliver', 'Smith', '07700 900456');
  ids.noah = await family('Noah', 'Brown', '07700 900789', { vulnerable: true, imdDecile: 2 });
  ids.ameliaBooking = await book(ids.amelia, '2026-11-23', '10:00');
  ids.oliverBooking = await book(ids.oliver, '2026-11-23', '11:00');
  ids.noahBooking = await book(ids.noah, '2026-11-24', '09:30');
  // Texts switched off and no address: neither a text nor a letter reaches this family.
  const isla = await api('POST', '/clients', {
    firstName: 'Isla',
    familyName: 'Green',
    phone: '07700 900321',
    contact: { sms: { on: false, reason: 'asked by phone' }, letter: { on: true } },
  });
  ids.islaBooking = await book(isla.id, '2026-11-24', '11:30');
}, 60_000);

const signIn = (email: string, javaScriptEnabled = true) => world.signIn(email, { javaScriptEnabled });

describe('the inbox loop', () => {
  const question = 'Can we come at 11:30 instead?';
  const reply = 'Yes, 11:30 is fine. See you then – the health visiting team';
  const itemOf = (page: Page) => page.locator('.attend-inbox-item').filter({ hasText: question });

  it('a question by text reaches the inbox, with its conversation', async () => {
    // Prepare: Oliver's parent asks a question Attend cannot act on.
    await api('POST', '/dev/sms/inbound', { from: '+447700900456', body: question });
    const { context, page } = await signIn('scheduler@example.nhs.uk');

    // Act
    await page.goto(`${world.url}/staff/inbox`);

    // Assess
    await expect.poll(() => itemOf(page).count()).toBe(1);
    expect(await itemOf(page).textContent()).toContain('Oliver Smith');
    await checked(page, 'staff-inbox');
    // With JavaScript, the length and cost show as the scheduler types (the server's own counting).
    await itemOf(page).locator('textarea[name="text"]').fill(reply);
    await expect
      .poll(() => itemOf(page).locator('.attend-sms-count').textContent())
      .toBe('59 characters, 1 segment (GSM-7), costs £0.0364.');
    await itemOf(page).getByRole('button', { name: 'Check length and cost' }).click();
    await expect.poll(() => itemOf(page).locator('.attend-sms-count').textContent()).toContain('segment');
    await checked(page, 'staff-inbox-check');
    await context.close();
  });

  it('with JavaScript off, the scheduler checks the length and cost, sends the reply and marks it handled', async () => {
    const { context, page } = await signIn('scheduler@example.nhs.uk', false);
    await page.goto(`${world.url}/staff/inbox`);

    // Check: the segments and cost come from the server (no script runs in this browser).
    await itemOf(page).locator('textarea[name="text"]').fill(reply);
    await itemOf(page).getByRole('button', { name: 'Check length and cost' }).click();
    expect(await itemOf(page).locator('.attend-sms-count').textContent()).toMatch(
      /59 characters, 1 segment \(GSM-7\), costs £0\.0364\./,
    );
    expect(await itemOf(page).locator('textarea[name="text"]').inputValue()).toBe(reply);

    // Send: the text is in the outbox, sanitised (the en dash straightened) as every text is.
    await itemOf(page).getByRole('button', { name: 'Send text' }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'sent');
    const outbox = await api<{ to: string; body: string }[] | { items: { to: string; body: string }[] }>(
      'GET',
      '/dev/sms/outbox',
    );
    const sent = (Array.isArray(outbox) ? outbox : outbox.items).filter((t) => t.to === '+447700900456');
    expect(sent.map((t) => t.body)).toContain('Yes, 11:30 is fine. See you then - the health visiting team');
    expect(await itemOf(page).locator('.attend-thread').textContent()).toContain('Yes, 11:30 is fine.');

    // Mark handled with a note: it leaves the inbox.
    await itemOf(page).locator('textarea[name="note"]').fill('Texted: 11:30 is fine');
    await itemOf(page).getByRole('button', { name: 'Mark handled' }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'handled');
    expect(await page.locator('.attend-inbox-item').count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain('Marked handled.');
    await context.close();
  });
});

describe('a Was-Not-Brought, recorded on Today', () => {
  it('the scheduler records it in one click, and Today lists the families to call tomorrow', async () => {
    await api('POST', '/dev/clock', { now: '2026-11-23T10:20:00Z' });
    const { context, page } = await signIn('scheduler@example.nhs.uk');
    const problems = watchProblems(context);
    await page.goto(`${world.url}/staff/today?clinic=riverside&date=2026-11-23`);
    expect(await page.locator('h1').textContent()).toMatch(/Monday,? 23 November 2026/);
    const toCall = page.locator('#to-call + p + table');
    // Both kinds, each saying why; a scheduler is not told which family is flagged vulnerable.
    const rows = await toCall.locator('tbody tr').allTextContents();
    expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringMatching(/Noah Brown.*Flagged by the health visitor, no reply/),
      expect.stringMatching(/Isla Green.*Texts are off for this family and no postal address/),
    ]);
    await checked(page, 'staff-today');

    await page.getByRole('button', { name: 'Was not brought for Amelia at 10:00' }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'outcome');
    expect(await page.locator('main').textContent()).toContain('A follow-up is open');
    const row = page.locator(`#booking-${ids.ameliaBooking}`);
    expect(await row.textContent()).toContain('Was not brought');
    // Oliver's 11:00 has not started: no outcome buttons yet, but move and cancel for a scheduler.
    const oliver = page.locator(`#booking-${ids.oliverBooking}`);
    expect(await oliver.getByRole('button').count()).toBe(0);
    expect(await oliver.getByRole('link', { name: /^Move/ }).count()).toBe(1);
    await checked(page, 'staff-today-recorded');
    expect(problems.problems).toEqual([]);
    await context.close();
  });

  it('the scheduler moves a booking to a free time, and cancels another with a reason', async () => {
    await api('POST', '/slots', { clinicId: 'riverside', type: 'clinic', date: '2026-11-23', time: '15:00' });
    const { context, page } = await signIn('scheduler@example.nhs.uk');
    await page.goto(`${world.url}/staff/today?clinic=riverside&date=2026-11-23`);

    // Move Oliver's 11:00 to 15:00.
    await page.getByRole('link', { name: "Move Oliver's booking at 11:00" }).click();
    expect(await page.locator('h1').textContent()).toContain('Move this booking');
    await checked(page, 'staff-booking-move');
    await page.getByRole('button', { name: 'Move the booking' }).click();
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('Choose a new time');
    await page.getByLabel('15:00').check();
    await page.fill('#reason', 'Family asked for the afternoon');
    await page.getByRole('button', { name: 'Move the booking' }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'moved');
    const day = (await page.locator('main').textContent()) ?? '';
    expect(day).toContain('The booking is moved.');
    expect(day).toMatch(/15:00\s*Child\s*Oliver/);

    // Cancel Noah's booking tomorrow: a reason is required.
    await page.goto(`${world.url}/staff/today?clinic=riverside&date=2026-11-24`);
    await page.getByRole('link', { name: "Cancel Noah's booking at 09:30" }).click();
    await page.getByRole('button', { name: 'Cancel the booking' }).click();
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain(
      'Enter why the booking is cancelled',
    );
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.fill('#reason', 'Family moving away');
    await page.getByLabel('No longer needed').check();
    await page.getByRole('button', { name: 'Cancel the booking' }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'cancelled');
    expect(await page.locator(`#booking-${ids.noahBooking}`).textContent()).toContain('Cancelled');
    expect(await page.locator(`#booking-${ids.noahBooking}`).textContent()).toContain('Family moving away');
    // The reason chosen is the booking's category, which the reasons charts count.
    const noah = (await (await fetch(`${world.url}/bookings/${ids.noahBooking}`)).json()) as {
      cancelCategory?: string;
    };
    expect(noah.cancelCategory).toBe('no-longer-needed');
    await context.close();
  });

  it('the named health visitor sees it first as theirs, and closes it with a note', async () => {
    const { context, page } = await signIn('health-visitor@example.nhs.uk');
    // A health visitor may record outcomes but not move or cancel: no such links on Today.
    await page.goto(`${world.url}/staff/today?clinic=riverside&date=2026-11-23`);
    expect(
      await page
        .locator(`#booking-${ids.oliverBooking}`)
        .getByRole('link', { name: /^(Move|Cancel)/ })
        .count(),
    ).toBe(0);

    await page.getByRole('link', { name: 'Follow-ups' }).first().click();
    const yours = page.locator('h2:has-text("Yours") + section');
    expect(await yours.textContent()).toContain('Amelia Jones');
    expect(await yours.textContent()).toContain('Not brought, and flagged vulnerable');
    await checked(page, 'staff-follow-ups');

    await yours.locator('textarea[name="note"]').fill('Called the family: new appointment on Thursday');
    await yours.getByRole('button', { name: 'Close the follow-up for Amelia Jones' }).click();
    await page.waitForURL((url) => url.searchParams.get('closed') === '1');
    expect(await page.locator('main').textContent()).toContain('The follow-up is closed.');
    expect(await page.locator('main').textContent()).not.toContain('Amelia Jones');
    await context.close();
  });
});

describe('families and roles', () => {
  it('finds a family by name; the scheduler sees no erase button, and a forged erase post gets 403', async () => {
    const { context, page } = await signIn('scheduler@example.nhs.uk');
    await page.goto(`${world.url}/staff/families`);
    await page.fill('#q', 'amelia');
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.locator('main').textContent()).toContain('1 found by name');
    await checked(page, 'staff-families');

    await page.getByRole('link', { name: 'Amelia Jones' }).click();
    expect(await page.locator('h1').textContent()).toContain('Amelia Jones');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Was not brought');
    // A scheduler is not shown the safeguarding flags.
    expect(main).not.toContain('Vulnerable');
    expect(await page.getByRole('button', { name: /^Erase/ }).count()).toBe(0);
    await checked(page, 'staff-family');

    const token = (await page.locator('meta[name="csrf-token"]').getAttribute('content')) ?? '';
    const forged = await page.request.post(`${world.url}/staff/families/${ids.amelia}/erase`, {
      form: { _csrf: token, confirm: 'yes' },
      headers: { origin: world.url },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    const still = await api<{ firstName?: string }>('GET', `/clients/${ids.amelia}`);
    expect(still.firstName).toBe('Amelia');
    await context.close();
  });

  it('the administrator sees the erase button, and a health visitor the safeguarding flags', async () => {
    const admin = await signIn('admin@example.nhs.uk');
    await admin.page.goto(`${world.url}/staff/families/${ids.noah}`);
    expect(await admin.page.getByRole('button', { name: 'Erase Noah Brown' }).count()).toBe(1);
    await admin.context.close();

    const hv = await signIn('health-visitor@example.nhs.uk');
    await hv.page.goto(`${world.url}/staff/families/${ids.noah}`);
    expect(await hv.page.locator('main').textContent()).toContain('Vulnerable');
    expect(await hv.page.getByRole('button', { name: /^Erase/ }).count()).toBe(0);
    await hv.context.close();
  });
});
