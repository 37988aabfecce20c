/**
 * The planning pages of the staff app in Chromium, against the local runtime and its OpenID Connect
 * provider, worked as staff would: Metrics (a cancellation changes the chart's numbers), Short-notice
 * (add a family to the list and take them off), Slots (create a clinic session) and Import (a dry run,
 * then confirm). Each page is checked with axe and photographed at a laptop and a phone width.
 */
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { launchBrowser, screenshot, seriousA11yViolations } from '#tests/browser/support.ts';
import { exampleConfig } from '#tests/support/dynamo.ts';

let runtime: LocalRuntime;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** A local day `days` from today in the trust's time zone. */
const dayFromNow = (days: number) =>
  DateTime.now().setZone(exampleConfig.timeZone).plus({ days }).toISODate()!;

/** The quick start's unsigned local call (it acts as the local admin). */
async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function signIn(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${runtime.url}/`);
  await page.fill('#email', email);
  await page.fill('#password', 'attend-demo');
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/oidc/')),
    page.locator('form button[type="submit"]').first().click(),
  ]);
  return page;
}

/** A data table beside a chart, as rows of cell texts (header row first). */
async function chartTable(page: Page, chartId: string): Promise<string[][]> {
  return page
    .locator(`#${chartId} table tr`)
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim() ?? '')),
    );
}

beforeAll(async () => {
  [runtime, browser] = await Promise.all([
    startLocal({
      config: exampleConfig,
      port: 0,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: `attend-planning-${Date.now().toString(36)}`,
      seed: false,
    }),
    launchBrowser(),
  ]);
  await api('POST', '/clinics', { id: 'riverside', name: "Riverside Children's Centre", venue: 'Riverside' });
  await api('POST', '/clinics', { id: 'oakwood', name: 'Oakwood Health Centre', venue: 'Oakwood' });
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await runtime?.stop();
});

describe('Metrics', () => {
  it('shows a cancellation in the chart’s numbers', async () => {
    const day = dayFromNow(4);
    const client = await api<{ id: string }>('POST', '/clients', {
      firstName: 'Amelia',
      familyName: 'Jones',
      phone: '07700 900201',
      dateOfBirth: dayFromNow(-730),
      flags: { imdDecile: 2 },
    });
    const slot = await api<{ id: string }>('POST', '/slots', {
      clinicId: 'riverside',
      type: 'two-year-review',
      date: day,
      time: '10:00',
    });
    const booking = await api<{ id: string }>('POST', '/bookings', { slotId: slot.id, clientId: client.id });

    const page = await signIn('manager@example.nhs.uk');
    await page.goto(`${runtime.url}/staff/metrics?from=${day}&to=${day}`);
    expect(await page.locator('h1').textContent()).toBe('Metrics');
    const notice = () => chartTable(page, 'cancellations-by-notice');
    const head = ['Week', 'Under 24 hours', '1 to 2 days', '2 to 7 days', 'Over 7 days'];
    expect((await notice())[0]).toEqual(head);
    expect((await notice())[1]?.slice(1)).toEqual(['0', '0', '0', '0']);

    await api('POST', `/bookings/${booking.id}/cancel`, { reason: 'family asked' });
    // The metrics stream consumer counts it as the change arrives: reload until the table shows it.
    await expect
      .poll(
        async () => {
          await page.reload();
          return (await notice())[1]?.slice(1);
        },
        { timeout: 15_000, interval: 500 },
      )
      .toEqual(['0', '0', '1', '0']);
    expect(await page.locator('#cancellations-by-notice svg[role="img"]').count()).toBe(1);
    expect(await page.locator('#dna-wnb-by-week svg').textContent()).toContain('Baseline 11.5%');

    const csv = await page.request.get(
      `${runtime.url}/staff/metrics.csv?chart=cancellations-by-notice&from=${day}&to=${day}`,
    );
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\r\n')[1]).toMatch(/,0,0,1,0$/);

    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.goto(`${runtime.url}/staff/metrics`);
    await screenshot(page, 'staff-metrics');
  });

  it('is not for schedulers: no navigation entry, and 403', async () => {
    const page = await signIn('scheduler@example.nhs.uk');
    expect(await page.locator('header a[href="/staff/metrics"]').count()).toBe(0);
    const res = await page.goto(`${runtime.url}/staff/metrics`);
    expect(res?.status()).toBe(403);
  });
});
