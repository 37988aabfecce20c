/**
 * What a scheduler and a manager see when a page's address or period is wrong (the session 5 tester's
 * faults): the NHS error summary, the field at fault marked, nothing serious for axe, and no other day
 * or clinic shown instead. Screenshots at both widths.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { browserWorld, checked, watchProblems } from '#tests/browser/support.ts';

// Monday 23 November 2026, 08:00 in London (GMT).
const world = browserWorld({
  name: 'address-errors',
  startAt: new Date('2026-11-23T08:00:00Z'),
  frozenClock: true,
});

beforeAll(async () => {
  await world.api('POST', '/clinics', {
    id: 'riverside',
    name: 'Riverside Clinic',
    venue: 'Riverside Centre',
  });
});

describe('a wrong address or period, as staff see it', () => {
  it('Today with a day that does not exist says so on the day field', async () => {
    const { context, page } = await world.signIn('scheduler@example.nhs.uk');
    const problems = watchProblems(context);
    const response = await page.goto(`${world.url}/staff/today?clinic=riverside&date=2026-02-30`);

    expect(response?.status()).toBe(400);
    const summary = await page.locator('.nhsuk-error-summary').textContent();
    expect(summary).toContain('“2026-02-30” is not a real date');
    // The clinic is a real one: only the day is wrong, and the clinic stays chosen.
    expect(summary).not.toContain('Clinic');
    expect(await page.locator('#clinic').inputValue()).toBe('riverside');
    expect(await page.locator('#date').getAttribute('value')).toBe('2026-02-30');
    // The page's own 400 is reported as a console error: it is what was asked for.
    expect(problems.problems.filter((p) => !p.includes('400'))).toEqual([]);
    await checked(page, 'staff-today-bad-date');
  });

  it('Metrics with a period over a year puts the message on "To"', async () => {
    const { page } = await world.signIn('manager@example.nhs.uk');
    await page.goto(`${world.url}/staff/metrics?from=2025-01-01&to=2026-11-23`);

    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('at most 366 days');
    expect(await page.locator('#to-error, .nhsuk-form-group--error #to').count()).toBeGreaterThan(0);
    await checked(page, 'staff-metrics-period-error');
  });
});
