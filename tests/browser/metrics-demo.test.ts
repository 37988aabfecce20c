/**
 * The metrics page on the demo data (`npm start`'s two weeks of history), in Chromium: every chart is
 * drawn with numbers in its table, the weekly DNA+WNB chart has the trust's baseline, and the page passes
 * axe. Its screenshots are the README's.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import {
  launchBrowser,
  SCREENSHOT_DIR,
  screenshot,
  seriousA11yViolations,
  UK_BROWSER,
} from '#tests/browser/support.ts';
import { exampleConfig } from '#tests/support/dynamo.ts';

let runtime: LocalRuntime;
let browser: Browser;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([
    startLocal({
      config: exampleConfig,
      port: 0,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: `attend-metrics-demo-${Date.now().toString(36)}`,
      seed: true,
    }),
    launchBrowser(),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

describe('the metrics page on the demo data', { timeout: 120_000 }, () => {
  it('draws each chart with its numbers, the baseline on the weekly rate, and passes axe', async () => {
    const context = await browser.newContext({ ...UK_BROWSER, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${runtime.url}/`);
    await page.fill('#email', 'manager@example.nhs.uk');
    await page.fill('#password', 'attend-demo');
    await Promise.all([
      page.waitForURL((url) => !url.pathname.startsWith('/oidc/')),
      page.locator('form button[type="submit"]').first().click(),
    ]);
    await page.getByRole('link', { name: 'Metrics' }).first().click();

    const weekly = await page
      .locator('#dna-wnb-by-week tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent?.trim())),
      );
    // The demo's two weeks of history have outcomes: their rates are numbers, beside the 11.5% baseline.
    const withRates = weekly.filter((row) => /^\d+(\.\d)?%$/.test(row[1] ?? ''));
    expect(withRates.length).toBeGreaterThanOrEqual(2);
    expect(withRates.every((row) => row[2] === '11.5%')).toBe(true);
    for (const id of [
      'dna-wnb-by-imd',
      'dna-wnb-by-type',
      'dna-wnb-by-clinic',
      'cancellations-by-notice',
      'texts-sent',
    ]) {
      expect(await page.locator(`#${id} svg[role="img"]`).count(), id).toBe(1);
    }
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'staff-metrics');
    // The top of the page at a laptop width, for the README: the totals and the first two charts.
    await page.screenshot({
      path: join(SCREENSHOT_DIR, 'staff-metrics-top-laptop.png'),
      fullPage: true,
      clip: { x: 0, y: 0, width: 1280, height: 1900 },
    });
    await context.close();
  });
});
