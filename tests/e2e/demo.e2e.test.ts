/**
 * The demo (`npm start`'s seed) on one seeded runtime, started once for the file: seeding the whole demo
 * is the slowest start there is, so the checks that need it share it, in an order in which none changes
 * what the next one sees. First the reads (the virtual clock is frozen at the seed's start, so nothing
 * moves between them): GET /metrics adds up to the bookings and slots lists, and the metrics page in
 * Chromium draws every chart from the same data. Last, the one that moves the clock on (issue 14's
 * failing number and its letter). One runtime per file: the handlers build their dependencies once per
 * process.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsReport } from '#core/metrics-report.ts';
import type { Booking, Clinic, Slot } from '#core/model.ts';
import type { LocalRuntime } from '#local/runtime.ts';
import {
  launchBrowser,
  SCREENSHOT_DIR,
  screenshot,
  seriousA11yViolations,
  UK_BROWSER,
} from '#tests/browser/support.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';
import { pdfText } from '#tests/support/poppler.ts';

let runtime: LocalRuntime;
let http: Api;

beforeAll(async () => {
  // The demo, seeded on Monday 23 November 2026; its history is the two weeks before.
  runtime = await startTestRuntime('2026-11-23T09:00:00Z', { seed: true });
  http = api(runtime.url);
  // Seeding the whole demo writes thousands of items; on a loaded 2-core CI machine that can take
  // longer than the default hook timeout. A limit, not a speed assertion: the bench times the seed.
}, 240_000);

afterAll(async () => {
  await runtime?.stop();
});

/**
 * The README's hand check, automated: the demo's two weeks of history (seeded straight into the table,
 * with counters from the same pure function the stream consumer uses) add up in GET /metrics to what
 * that week's bookings and slots say when listed one clinic and day at a time.
 */
describe('GET /metrics for the demo data', () => {
  it("adds the demo's history up to what that week's bookings and slots say", async () => {
    // Prepare: the week of 16 November, Monday to Friday, at every clinic
    const clinics = (await http.get<{ items: Clinic[] }>('/clinics')).body.items;
    const days = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];

    // Act: count the week by hand from the bookings and slots lists, and read /metrics
    const hand = { booked: 0, attended: 0, dna: 0, wnb: 0, cancelled: 0, freed: 0, filled: 0, unfilled: 0 };
    for (const clinic of clinics) {
      for (const date of days) {
        const q = `clinicId=${clinic.id}&date=${date}&limit=500`;
        const bookings = (await http.get<{ items: Booking[] }>(`/bookings?${q}`)).body.items;
        hand.booked += bookings.length;
        for (const b of bookings) {
          if (b.status === 'ATTENDED') hand.attended++;
          if (b.status === 'DNA') hand.dna++;
          if (b.status === 'WNB') hand.wnb++;
          if (b.status === 'CANCELLED') hand.cancelled++;
        }
        const slots = (await http.get<{ items: Slot[] }>(`/slots?${q}`)).body.items;
        hand.freed += slots.filter((s) => s.freedAt).length;
        hand.filled += slots.filter((s) => s.backfill?.state === 'FILLED').length;
        hand.unfilled += slots.filter((s) => s.backfill?.state === 'UNFILLED').length;
      }
    }
    const res = await http.get<MetricsReport>('/metrics?from=2026-11-16&to=2026-11-22');

    // Assess
    expect(res.status).toBe(200);
    const w47 = res.body.periods.find((p) => p.period === '2026-W47')!;
    expect(hand.booked).toBeGreaterThan(50);
    expect(hand.dna + hand.wnb).toBeGreaterThan(0);
    expect(hand.cancelled).toBeGreaterThan(0);
    expect(w47.summary.appointments).toEqual({
      booked: hand.booked,
      attended: hand.attended,
      dna: hand.dna,
      wnb: hand.wnb,
      dnaWnbRate:
        Math.round(((hand.dna + hand.wnb) / (hand.attended + hand.dna + hand.wnb)) * 10_000) / 10_000,
    });
    expect(w47.summary.cancellations.cancelled).toBe(hand.cancelled);
    expect(w47.summary.shortNotice).toMatchObject({
      slotsFreed: hand.freed,
      slotsFilled: hand.filled,
      slotsUnfilled: hand.unfilled,
    });
    expect(w47.summary.texts?.sent).toBeGreaterThan(0);
  });

  it('counts the upcoming bookings the demo seeded, so each coming week is booked as the table says', async () => {
    // Prepare: the two weeks from the seed's Monday, every clinic and day
    const clinics = (await http.get<{ items: Clinic[] }>('/clinics')).body.items;
    const days = Array.from({ length: 14 }, (_, i) =>
      new Date(Date.parse('2026-11-23') + i * 864e5).toISOString().slice(0, 10),
    );

    // Act: count them from the bookings lists, and read /metrics for the same days
    let booked = 0;
    for (const clinic of clinics) {
      for (const date of days) {
        const q = `clinicId=${clinic.id}&date=${date}&limit=500`;
        booked += (await http.get<{ items: Booking[] }>(`/bookings?${q}`)).body.items.length;
      }
    }
    const res = await http.get<MetricsReport>(`/metrics?from=${days[0]}&to=${days.at(-1)}`);

    // Assess: every booking counts as booked, the seed's as much as one made after start
    expect(booked).toBeGreaterThan(50);
    expect(res.body.totals.summary.appointments.booked).toBe(booked);
  });
});

/**
 * The metrics page on the demo data, in Chromium: every chart is drawn with numbers in its table, the
 * weekly DNA+WNB chart has the trust's baseline, and the page passes axe. Its screenshots are the README's.
 */
describe('the metrics page on the demo data', { timeout: 120_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

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

/**
 * Issue 14, "done when", as a new user would try it on `npm start`: the demo has a family whose number
 * fails (07700 900990, in the failing drama-range block), so a few seconds in there is an inbox task.
 * Last in the file: it moves the virtual clock on a day.
 */
describe('the demo (npm start)', () => {
  it('has a family whose number fails: a few seconds in, their number is unreachable and staff have a task', async () => {
    await http.post('/dev/clock', { now: '2026-11-23T09:00:10Z' });

    const family = await http.get<{ consent: { reason?: string } }>('/clients/demo-client-dead-number');
    expect(family.body.consent.reason).toBe('unreachable');
    const inbox = await http.get<{ items: { reason: string; clientIds: string[] }[] }>('/inbox');
    expect(inbox.body.items).toContainEqual(
      expect.objectContaining({ reason: 'number-unreachable', clientIds: ['demo-client-dead-number'] }),
    );
  });

  it('then gets a reminder letter in the next batch, and a do-not-text family with an address gets letters', async () => {
    // Act: the clock moves to the next morning's batch (letters.batchAt, 07:00)
    await http.post('/dev/clock', { now: '2026-11-24T07:10:00Z' });

    // Assess: every batch made so far, and the words of their PDFs
    type Batches = { items: { batchId: string; letters: number; reminder: number; hasPdf: boolean }[] };
    const batches = [
      ...(await http.get<Batches>('/letters?date=2026-11-23')).body.items,
      ...(await http.get<Batches>('/letters?date=2026-11-24')).body.items,
    ];
    const texts: string[] = [];
    for (const b of batches.filter((x) => x.hasPdf)) {
      const res = await fetch(`${runtime.url}/letters/${b.batchId}.pdf`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      texts.push(pdfText(new Uint8Array(await res.arrayBuffer())));
    }
    const poppy = texts.filter((t) => t.includes('Reminder: appointment for Poppy Walsh'));
    expect(poppy).toHaveLength(1);
    // Besides her, the seeded do-not-text families with an address are written to
    expect(batches.reduce((sum, b) => sum + b.letters, 0)).toBeGreaterThan(1);
  });
});
