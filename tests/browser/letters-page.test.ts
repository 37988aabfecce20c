/**
 * Issue 14's letters in the staff app, in Chromium against the local runtime: the morning's batch is
 * made on the clock (letters.batchAt), a scheduler sees each clinic's batch with its counts on
 * /staff/letters with JavaScript off, and downloads the PDF; a health visitor has no Letters link and
 * no download. axe-clean, saved at laptop and phone widths.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { browserWorld, screenshot, seriousA11yViolations } from '#tests/browser/support.ts';
import { pdfText } from '#tests/support/poppler.ts';

// Monday 23 November 2026, 06:00 in London (GMT): an hour before the batch.
const world = browserWorld({
  name: 'letters',
  startAt: new Date('2026-11-23T06:00:00Z'),
  frozenClock: true,
});
const api = <T = { id: string }>(method: string, path: string, body?: unknown) =>
  world.api<T>(method, path, body);

/** A family who asked not to be texted, with an address: they get letters. */
async function postOnlyFamily(firstName: string, phone: string, postcode: string): Promise<string> {
  const client = await api('POST', '/clients', {
    firstName,
    familyName: 'Letters',
    phone,
    address: { lines: ['3 Orchard Close'], town: 'Maidstone', postcode },
    contact: { sms: { on: false, reason: 'asked for post' }, letter: { on: true } },
    flags: { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: false },
  });
  return client.id;
}

async function book(clinicId: string, clientId: string, date: string, time: string): Promise<void> {
  const slot = await api('POST', '/slots', { clinicId, type: 'clinic', date, time });
  await api('POST', '/bookings', { slotId: slot.id, clientId });
}

beforeAll(async () => {
  await api('POST', '/clinics', { id: 'riverside', name: 'Riverside Clinic', venue: 'Riverside Centre' });
  await api('POST', '/clinics', { id: 'oakwood', name: 'Oakwood Health Centre', venue: 'Oakwood' });
  // A booking letter (8 days ahead) at Riverside; a reminder letter (5 days ahead) at Oakwood
  await book('riverside', await postOnlyFamily('Ada', '07700 900411', 'ME14 1XX'), '2026-12-01', '10:00');
  await book('oakwood', await postOnlyFamily('Ben', '07700 900412', 'TN23 1XX'), '2026-11-28', '11:00');
  // The clock passes 07:00: the local scheduler makes the day's batches, as EventBridge Scheduler would
  await api('POST', '/dev/clock', { now: '2026-11-23T07:10:00Z' });
}, 120_000);

/** No JavaScript by default: the page and the download are plain HTML and a link. */
const signIn = (email: string, javaScriptEnabled = false) => world.signIn(email, { javaScriptEnabled });

describe('the Letters page', () => {
  it('shows a scheduler each clinic’s batch for the day, and the PDF downloads', async () => {
    const { context, page } = await signIn('scheduler@example.nhs.uk');

    // Act: from the navigation
    await page.getByRole('link', { name: 'Letters', exact: true }).first().click();

    // Assess
    expect(new URL(page.url()).pathname).toBe('/staff/letters');
    expect(await page.locator('h1').textContent()).toMatch(/Today, Monday,? 23 November 2026/);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    const riverside = rows.filter({ hasText: 'Riverside Clinic' });
    expect(await riverside.locator('td').nth(1).textContent()).toContain('1');
    expect(
      await rows.filter({ hasText: 'Oakwood Health Centre' }).locator('td').nth(2).textContent(),
    ).toContain('1');

    // The link, followed with the scheduler's session (a download, so read as the browser gets it)
    const href = await riverside.getByRole('link', { name: /Download PDF/ }).getAttribute('href');
    const res = await page.request.get(`${world.url}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    expect(res.headers()['content-disposition']).toMatch(
      /^attachment; filename="letters-2026-11-23-riverside\.pdf"$/,
    );
    const text = pdfText(new Uint8Array(await res.body()));
    expect(text).toContain('Letters to post');
    expect(text).toContain('Ada Letters');
    expect(text).not.toContain('Ben Letters');
    await context.close();
  }, 90_000);

  it('has no serious or critical axe findings (saved at laptop and phone widths)', async () => {
    // axe runs as a script, so this browser has JavaScript on
    const { context, page } = await signIn('scheduler@example.nhs.uk', true);
    await page.goto(`${world.url}/staff/letters`);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'staff-letters');
    await context.close();
  }, 90_000);

  it('is not for a health visitor: no Letters link, and no PDF', async () => {
    const { context, page } = await signIn('health-visitor@example.nhs.uk');
    expect(await page.getByRole('link', { name: 'Letters', exact: true }).count()).toBe(0);

    const refused = await page.goto(`${world.url}/staff/letters`);
    expect(refused?.status()).toBe(403);

    const batches = await api<{ items: { batchId: string }[] }>('GET', '/letters?date=2026-11-23');
    const res = await page.request.get(`${world.url}/staff/letters/${batches.items[0]!.batchId}.pdf`);
    expect(res.status()).toBe(403);
    await context.close();
  });
});
