/**
 * Issue 14 item 3 in the staff app: a family with no mobile reads "no mobile" on their page and on
 * Today, and a health visitor changes the family's mobile, address and channels with the form on the
 * family page, with JavaScript off: a bad postcode is a 400 with the NHS error summary naming the
 * field, a good change is saved, and a scheduler (who may not change contact details) has no form.
 * Each page is checked with axe and saved at laptop and phone widths.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { browserWorld, checked } from '#tests/browser/support.ts';

// Monday 23 November 2026, 08:00 in London (GMT).
const world = browserWorld({
  name: 'contact',
  startAt: new Date('2026-11-23T08:00:00Z'),
  frozenClock: true,
});
const api = <T = { id: string }>(method: string, path: string, body?: unknown) =>
  world.api<T>(method, path, body);
let rosieId = '';

beforeAll(async () => {
  await api('POST', '/clinics', { id: 'riverside', name: 'Riverside Clinic', venue: 'Riverside Centre' });
  rosieId = (
    await api('POST', '/clients', {
      firstName: 'Rosie',
      familyName: 'Hart',
      address: { lines: ['12 Mill Lane'], town: 'Maidstone', postcode: 'me14 1xx' },
    })
  ).id;
  const slot = await api('POST', '/slots', {
    clinicId: 'riverside',
    type: 'clinic',
    date: '2026-11-23',
    time: '10:00',
  });
  await api('POST', '/bookings', { slotId: slot.id, clientId: rosieId });
}, 60_000);

const signIn = (email: string) => world.signIn(email);

describe('a family with no mobile, and changing contact details', () => {
  it('Today and the family page say "no mobile"; no text was sent', { timeout: 90_000 }, async () => {
    const { context, page } = await signIn('scheduler@example.nhs.uk');
    await page.goto(`${world.url}/staff/today?clinic=riverside&date=2026-11-23`);
    const row = page.locator('tbody tr').filter({ hasText: 'Rosie' });
    expect(await row.textContent()).toContain('No mobile');
    expect(await row.textContent()).toContain('(no mobile)');
    await page.goto(`${world.url}/staff/families/${rosieId}`);
    expect(await page.locator('h1').textContent()).toContain('Family with no mobile');
    expect(await page.locator('#contact ~ dl').first().textContent()).toContain('ME14 1XX');
    // A scheduler may not change contact details: no form.
    expect(await page.locator('#contact-form').count()).toBe(0);
    await checked(page, 'staff-family-no-mobile');
    await context.close();
  });

  it('a health visitor gets a 400 naming the postcode, then saves a mobile and "do not post"', {
    timeout: 90_000,
  }, async () => {
    const { context, page } = await signIn('health-visitor@example.nhs.uk');
    await page.goto(`${world.url}/staff/families/${rosieId}`);
    await page.fill('#address-postcode', 'NOT A CODE');
    await page.locator('#contact-form button[type="submit"]').click();
    const summary = page.locator('.nhsuk-error-summary');
    expect(await summary.textContent()).toContain('Postcode');
    expect(await page.locator('#address-postcode-error').textContent()).toContain('not a UK postcode');
    await checked(page, 'staff-family-contact-error');

    await page.fill('#address-postcode', 'ME14 1XX');
    await page.fill('#contact-phone', '07700 900555');
    await page.check('#letter-2');
    await page.fill('#letter-reason', 'Shares the address with a risk');
    await page.locator('#contact-form button[type="submit"]').click();
    expect(page.url()).toContain('contact=saved');
    expect(await page.locator('h1').textContent()).toContain('Family on +447700900555');
    const contact = await page.locator('#contact ~ dl').first().textContent();
    expect(contact).toContain('Off: Shares the address with a risk');
    await checked(page, 'staff-family-contact-saved');
    await context.close();

    const client = await api<{ phone?: string; contact?: { letter: { on: boolean } } }>(
      'GET',
      `/clients/${rosieId}`,
    );
    expect(client.phone).toBe('+447700900555');
    expect(client.contact?.letter.on).toBe(false);
  });
});
