/**
 * Reasons for cancelling or missing in Chromium, against the local runtime and its OpenID Connect
 * provider: a cancellation with the reason "transport" changes the numbers of the metrics page's reasons
 * chart (and its data table, the accessible alternative), and a CANCEL text whose reason Attend cannot
 * classify is tagged by a scheduler in the inbox with a plain form, after which it counts too. axe finds
 * nothing serious on either page; each is photographed at a laptop and a phone width.
 */
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserWorld, screenshot, seriousA11yViolations } from '#tests/browser/support.ts';
import { exampleConfig } from '#tests/support/dynamo.ts';

const world = browserWorld({ name: 'reasons' });

const dayFromNow = (days: number) =>
  DateTime.now().setZone(exampleConfig.timeZone).plus({ days }).toISODate()!;

const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  world.api<T>(method, path, body);

async function signIn(email: string): Promise<Page> {
  return (await world.signIn(email)).page;
}

/** A chart's data table as rows of cell texts (header row first); none when the chart is empty. */
async function chartTable(page: Page, chartId: string): Promise<string[][]> {
  return page
    .locator(`#${chartId} table tr`)
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim() ?? '')),
    );
}

/** A reason's total in a stacked-bar chart's table (one row per category, one column per reason). */
const reasonTotal = (rows: string[][], reason: string) => {
  const col = rows[0]?.indexOf(reason) ?? -1;
  return col < 1 ? 0 : rows.slice(1).reduce((sum, r) => sum + Number(r[col] ?? 0), 0);
};

async function aBooking(phone: string, day: string, imdDecile: number): Promise<{ id: string }> {
  const client = await api<{ id: string }>('POST', '/clients', {
    firstName: 'Amelia',
    familyName: 'Jones',
    phone,
    dateOfBirth: dayFromNow(-730),
    flags: { imdDecile },
  });
  const slot = await api<{ id: string }>('POST', '/slots', {
    clinicId: 'riverside',
    type: 'two-year-review',
    date: day,
    time: '10:00',
  });
  return api<{ id: string }>('POST', '/bookings', { slotId: slot.id, clientId: client.id });
}

beforeAll(async () => {
  await api('POST', '/clinics', { id: 'riverside', name: "Riverside Children's Centre", venue: 'Riverside' });
});

describe('Reasons for cancelling or missing', { timeout: 120_000 }, () => {
  it('a cancellation with the reason "transport" changes the reasons chart’s numbers', async () => {
    const day = dayFromNow(4);
    const booking = await aBooking('07700 900211', day, 2);
    const page = await signIn('manager@example.nhs.uk');
    const url = `${world.url}/staff/metrics?from=${day}&to=${day}`;
    await page.goto(url);
    expect(await page.locator('#reasons-by-week').textContent()).toContain(
      'Nothing to show for this period.',
    );

    await api('POST', `/bookings/${booking.id}/cancel`, {
      reason: 'No bus on Tuesdays',
      category: 'transport',
    });
    // The metrics stream consumer counts it as the change arrives: reload until the table shows it.
    await expect
      .poll(
        async () => {
          await page.reload();
          return reasonTotal(await chartTable(page, 'reasons-by-week'), 'Transport');
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(1);
    const byWeek = await chartTable(page, 'reasons-by-week');
    expect(byWeek[0]).toEqual([
      'Week beginning',
      'Work',
      'Childcare or caring',
      'Transport',
      'Unwell',
      'Forgot',
      'No longer needed',
      'Other',
    ]);
    expect(reasonTotal(byWeek, 'Work')).toBe(0);
    expect(reasonTotal(await chartTable(page, 'reasons-by-imd'), 'Transport')).toBe(1);
    expect((await chartTable(page, 'reasons-by-imd'))[1]?.[0]).toBe('1 (most deprived)');
    expect(reasonTotal(await chartTable(page, 'reasons-by-type'), 'Transport')).toBe(1);
    expect(await page.locator('#reasons-by-week svg[role="img"]').count()).toBe(1);
    expect(await page.locator('#reasons-by-week svg').textContent()).toContain('Transport');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('#reasons-by-week').scrollIntoViewIfNeeded();
    await screenshot(page, 'staff-metrics-reasons');
  });

  it('a scheduler tags a reason the parser could not classify in the inbox, and it counts', async () => {
    const day = dayFromNow(5);
    const booking = await aBooking('07700 900212', day, 9);
    await api('POST', '/dev/sms/inbound', {
      from: '07700 900212',
      body: 'cancel sorry the twins have their nursery nativity',
    });
    const scheduler = await signIn('scheduler@example.nhs.uk');
    await scheduler.goto(`${world.url}/staff/inbox`);
    const item = scheduler.locator('.attend-inbox-item', { hasText: 'nursery nativity' });
    expect(await item.textContent()).toContain('Cancelled by text, with a reason to tag');
    expect(await seriousA11yViolations(scheduler)).toEqual([]);
    await screenshot(scheduler, 'staff-inbox-reason');
    await item.getByLabel('Childcare or caring').check();
    await Promise.all([
      scheduler.waitForURL(/done=tagged/),
      item.getByRole('button', { name: 'Save reason' }).click(),
    ]);
    expect(await scheduler.locator('.nhsuk-notification-banner').textContent()).toContain('Reason recorded');
    expect(
      await scheduler.locator('.attend-inbox-item', { hasText: 'nursery nativity' }).textContent(),
    ).toContain('Tagged: Childcare or caring.');

    const manager = await signIn('manager@example.nhs.uk');
    await expect
      .poll(
        async () => {
          await manager.goto(`${world.url}/staff/metrics?from=${day}&to=${day}`);
          return reasonTotal(await chartTable(manager, 'reasons-by-week'), 'Childcare or caring');
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(1);
    expect(booking.id).toBeTruthy();
  });

  it('works without JavaScript: the tag form posts with its CSRF token', async () => {
    await aBooking('07700 900213', dayFromNow(6), 5);
    await api('POST', '/dev/sms/inbound', {
      from: '07700 900213',
      body: 'cancel our grandad has come to stay that week',
    });
    const { page } = await world.signIn('scheduler@example.nhs.uk', { javaScriptEnabled: false });
    await page.goto(`${world.url}/staff/inbox`);
    const item = page.locator('.attend-inbox-item', { hasText: 'grandad' });
    expect(
      await item
        .locator('form.attend-reason-form input[name="_csrf"], form.attend-reason-form input[type="hidden"]')
        .count(),
    ).toBeGreaterThan(0);
    await item.getByLabel('Other').check();
    await Promise.all([
      page.waitForURL(/done=tagged/),
      item.getByRole('button', { name: 'Save reason' }).click(),
    ]);
    expect(await page.locator('.attend-inbox-item', { hasText: 'grandad' }).textContent()).toContain(
      'Tagged: Other.',
    );
  });
});
