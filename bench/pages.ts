/**
 * `npm run bench -- --only pages`: how fast the staff and parent pages are, on the demo data in the
 * local runtime (the same one `npm start` runs).
 *
 * For each page:
 * - server time: N requests one after another with a signed-in cookie, from request to last byte
 *   (the HTML compressed as the browser accepts it), p50 and p95 (goal p95 ≤ 300 ms);
 * - first-load transfer: the page opened in Debian's Chromium (playwright-core) with an empty cache, and
 *   every response's bytes on the wire summed from the DevTools protocol's Network.loadingFinished
 *   (HTML, CSS, JS, fonts and images, compressed as served; goal ≤ 250 KB staff, ≤ 100 KB parent);
 * - parent pages: time to usable under Chromium's emulated "Slow 3G" (Network.emulateNetworkConditions:
 *   2,000 ms latency, 400 kbit/s down and up, DevTools' preset), the later of first contentful paint and
 *   DOMContentLoaded, from navigation start (goal ≤ 3 s).
 *
 * Nothing here asserts: the numbers are printed. tests/integration/bench-pages.test.ts runs it on a tiny
 * case to prove the table is made.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { newClient } from '#core/client.ts';
import {
  PARENT_LINK_OFFER_WORDING_DEFAULTS,
  PARENT_LINK_WORDING_DEFAULTS,
} from '#core/config/parent-links.ts';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { newSlot } from '#core/slot.ts';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { depsFromEnv } from '#runtime/deps-from-env.ts';
import { bookSlot } from '#services/bookings.ts';
import { createClient } from '#store/clients.ts';
import { createClinic, listClinics } from '#store/clinics.ts';
import { createSlots } from '#store/slots.ts';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** DevTools' "Slow 3G" preset: 400 kbit/s each way (×0.8) and 2,000 ms added to each request. */
export const SLOW_3G = {
  offline: false,
  latency: 400 * 5,
  downloadThroughput: ((500 * 1000) / 8) * 0.8,
  uploadThroughput: ((500 * 1000) / 8) * 0.8,
} as const;

export const GOALS = { p95Ms: 300, staffKb: 250, parentKb: 100, slow3gS: 3 } as const;

export interface PageRow {
  page: string;
  kind: 'staff' | 'parent';
  requests: number;
  p50Ms: number;
  p95Ms: number;
  transferKb: number;
  /** Responses in the first load, and how many bytes each kind took. */
  firstLoad: { requests: number; byType: Record<string, number> };
  /** Parent pages only. */
  slow3gS?: number;
}

export interface PagesOptions {
  /** Server-time requests per page. */
  requests: number;
  /** Seed the demo (npm start's data); false for a tiny empty trust (the bench's own test). */
  seed: boolean;
  /** An already running DynamoDB Local (tests); otherwise the runtime starts one in memory. */
  dynamoEndpoint?: string;
  slow3g: boolean;
  print?: (line: string) => void;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

async function serverTimes(url: string, cookie: string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(url, {
      headers: { cookie, 'accept-encoding': 'br, gzip', accept: 'text/html' },
      redirect: 'manual',
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${new URL(url).pathname} answered ${res.status}, not 200`);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/** The page opened with an empty cache: bytes on the wire of every response, by resource type. */
async function firstLoad(
  browser: Browser,
  state: StorageState,
  url: string,
): Promise<{ bytes: number; requests: number; byType: Record<string, number> }> {
  const context = await browser.newContext({ storageState: state, locale: 'en-GB' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const types = new Map<string, string>();
  const byType: Record<string, number> = {};
  let bytes = 0;
  let requests = 0;
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
  cdp.on('Network.loadingFinished', (e) => {
    const type = types.get(e.requestId) ?? 'Other';
    byType[type] = (byType[type] ?? 0) + e.encodedDataLength;
    bytes += e.encodedDataLength;
    requests += 1;
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  await context.close();
  return { bytes, requests, byType };
}

/** Seconds from navigation start to the later of first contentful paint and DOMContentLoaded, on Slow 3G. */
async function slow3gUsable(browser: Browser, url: string, state?: StorageState): Promise<number> {
  const context = await browser.newContext({
    ...(state && { storageState: state }),
    locale: 'en-GB',
    viewport: { width: 390, height: 844 },
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  // Evaluated in the page (a string: this project compiles without the DOM types).
  const usableMs = Number(
    await page.evaluate(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return Math.max(fcp ? fcp.startTime : nav.loadEventEnd, nav.domContentLoadedEventEnd);
    })()`),
  );
  await context.close();
  return usableMs / 1000;
}

async function signIn(browser: Browser, runtime: LocalRuntime, email: string): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${runtime.url}/`);
  await page.fill('#email', email);
  await page.fill('#password', 'attend-demo');
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/oidc/')),
    page.locator('form button[type="submit"]').first().click(),
  ]);
  await page.close();
  return context;
}

async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}

/**
 * A family of the bench's own (on 07700 900899, outside the demo's numbers and its failing block), booked through the same service as staff booking: a baby born six weeks
 * ago with a 6-8 week review at the trust's first clinic in two days, and two later free slots in the
 * window (so the rebook page has times to show). Its confirmation text carries the parent link.
 */
async function parentFamily(
  runtime: LocalRuntime,
): Promise<{ link: string; born: string; clientId: string }> {
  const deps = depsFromEnv();
  const now = DateTime.fromJSDate(runtime.clock.now(), { zone: deps.config.timeZone });
  const born = now.minus({ days: 44 }).toISODate()!;
  // The demo's first clinic; a trust with none (the bench's own tiny test) gets one.
  const clinic =
    (await listClinics(deps.store))[0] ??
    (await createClinic(deps.store, {
      id: 'bench-clinic',
      name: 'Bench Clinic',
      venue: 'Bench Clinic',
      address: '1 Bench Street, Maidstone ME14 1AA',
      area: '',
      createdAt: now.toUTC().toISO()!,
    }));
  const child = newClient(
    { firstName: 'Bench', familyName: 'Parent', phone: '+447700900899', dateOfBirth: born, flags: noFlags },
    { now: now.toUTC().toISO()!, defaultLanguage: 'en', id: `bench-parent-${randomUUID().slice(0, 8)}` },
  );
  await createClient(deps.store, child);
  const slots = [2, 4, 6].map((days) =>
    newSlot({
      clinicId: clinic.id,
      type: 'six-to-eight-week-review',
      startsAt: now.plus({ days }).set({ hour: 10, minute: 0 }).toUTC().toISO()!,
      durationMinutes: 30,
      timeZone: deps.config.timeZone,
      now: now.toUTC().toISO()!,
    }),
  );
  await createSlots(deps.store, slots);
  const booked = await bookSlot(deps, {
    slotId: slots[0]!.id,
    clientId: child.id,
    by: 'bench',
    source: 'staff',
  });
  const lastText = () => runtime.outbox.entries.filter((e) => e.to === child.phone).at(-1)?.body;
  // The confirmation goes at booking unless that is in quiet hours (a bench run in the evening) or the
  // send failed (a slow DynamoDB Local under a loaded test run); then a later reminder sweep sends it, as
  // in AWS. Run the sweeps on the virtual clock: the next one, then on past the longest quiet hours.
  const sweep = deps.config.reminders.sweepIntervalMinutes;
  for (const minutes of [sweep + 1, 14 * 60]) {
    if (lastText() !== undefined) break;
    await runtime.scheduler.advanceTo(new Date(runtime.clock.now().getTime() + minutes * 60_000));
  }
  const match = /\/p\/([A-Za-z0-9_-]{22})/.exec(lastText() ?? '');
  if (!match) {
    const tier = booked.tiers.confirmation;
    throw new Error(
      `the confirmation text has no parent link (texts to the bench family: ${runtime.outbox.entries.filter((e) => e.to === child.phone).length}; confirmation tier at booking: ${tier?.status ?? 'none'}${tier?.skipReason ? ` (${tier.skipReason})` : ''})`,
    );
  }
  return { link: `/p/${match[1]}`, born, clientId: child.id };
}

const noFlags = { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: false };

async function passCheck(browser: Browser, url: string, born: string): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page: Page = await context.newPage();
  await page.goto(url);
  const [year, month, day] = born.split('-');
  await page.fill('#date-day', String(Number(day)));
  await page.fill('#date-month', String(Number(month)));
  await page.fill('#date-year', year!);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.endsWith('/check')),
    page.locator('form button').first().click(),
  ]);
  await page.close();
  return context;
}

/** A family page to measure: the first Smith the family search finds (the local API acts as admin). */
async function aFamilyId(runtime: LocalRuntime): Promise<string | undefined> {
  const res = await fetch(`${runtime.url}/families?q=smith`);
  const body = (await res.json()) as { items?: { id: string }[] };
  return body.items?.[0]?.id;
}

export async function measurePages(options: PagesOptions): Promise<PageRow[]> {
  const print = options.print ?? (() => {});
  const base: TrustConfig = (await import('#lib/trust-config.ts')).loadTrustConfig('example');
  const config: TrustConfig = {
    ...base,
    parentLinks: {
      baseUrl: 'https://attend.example-trust.nhs.uk',
      wording: { ...PARENT_LINK_WORDING_DEFAULTS },
      offerWording: { ...PARENT_LINK_OFFER_WORDING_DEFAULTS },
    },
  };
  print(options.seed ? 'Starting the local runtime with the demo data…' : 'Starting the local runtime…');
  const [runtime, browser] = await Promise.all([
    startLocal({
      config,
      port: 0,
      seed: options.seed,
      ...(options.dynamoEndpoint && {
        dynamoEndpoint: options.dynamoEndpoint,
        tableName: `attend-bench-pages-${randomUUID().slice(0, 8)}`,
      }),
    }),
    chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
      headless: true,
    }),
  ]);
  const rows: PageRow[] = [];
  try {
    // The bench family first: its confirmation may wait out quiet hours on the virtual clock, which
    // would end a staff session signed in before it (30 minutes idle).
    const { link, born, clientId } = await parentFamily(runtime);
    const staff = await signIn(browser, runtime, 'admin@example.nhs.uk');
    const staffCookie = await cookieHeader(staff);
    const staffState = await staff.storageState();
    const demoFamily = await aFamilyId(runtime);
    const familyId = demoFamily ?? clientId;
    const staffPages = [
      '/staff/today',
      '/staff/families',
      '/staff/families?q=smith',
      `/staff/families/${familyId}`,
      '/staff/inbox',
      '/staff/short-notice',
      '/staff/follow-ups',
      '/staff/metrics',
      '/staff/import',
      '/staff/slots',
      '/staff/letters',
    ];
    for (const path of staffPages) {
      print(`  ${path}`);
      const times = await serverTimes(`${runtime.url}${path}`, staffCookie, options.requests);
      const load = await firstLoad(browser, staffState, `${runtime.url}${path}`);
      rows.push({
        page: path.replace(familyId, '{id}'),
        kind: 'staff',
        requests: times.length,
        p50Ms: percentile(times, 50),
        p95Ms: percentile(times, 95),
        transferKb: load.bytes / 1024,
        firstLoad: { requests: load.requests, byType: load.byType },
      });
    }
    await staff.close();

    // Before the check: no cookie. The Slow 3G and first-load measures use fresh contexts.
    const before = `${runtime.url}${link}`;
    print(`  /p/{token} (before the check)`);
    const beforeTimes = await serverTimes(before, '', options.requests);
    const beforeLoad = await firstLoad(browser, { cookies: [], origins: [] }, before);
    rows.push({
      page: '/p/{token} (date-of-birth check)',
      kind: 'parent',
      requests: beforeTimes.length,
      p50Ms: percentile(beforeTimes, 50),
      p95Ms: percentile(beforeTimes, 95),
      transferKb: beforeLoad.bytes / 1024,
      firstLoad: { requests: beforeLoad.requests, byType: beforeLoad.byType },
      ...(options.slow3g && { slow3gS: await slow3gUsable(browser, before) }),
    });
    const parent = await passCheck(browser, before, born);
    const parentCookie = await cookieHeader(parent);
    const parentState = await parent.storageState();
    for (const [label, path] of [
      ['/p/{token} (appointment, after the check)', link],
      ['/p/{token}/cancel', `${link}/cancel`],
      ['/p/{token}/rebook', `${link}/rebook`],
    ] as const) {
      print(`  ${label}`);
      const url = `${runtime.url}${path}`;
      const times = await serverTimes(url, parentCookie, options.requests);
      const load = await firstLoad(browser, parentState, url);
      rows.push({
        page: label,
        kind: 'parent',
        requests: times.length,
        p50Ms: percentile(times, 50),
        p95Ms: percentile(times, 95),
        transferKb: load.bytes / 1024,
        firstLoad: { requests: load.requests, byType: load.byType },
        ...(options.slow3g && { slow3gS: await slow3gUsable(browser, url, parentState) }),
      });
    }
    await parent.close();
  } finally {
    await browser.close();
    await runtime.stop();
  }
  return rows;
}

const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');

/** The table as printed (and pasted into the README). */
export function pagesTable(rows: readonly PageRow[]): Record<string, string | number>[] {
  return rows.map((r) => {
    const kbGoal = r.kind === 'staff' ? GOALS.staffKb : GOALS.parentKb;
    return {
      page: r.page,
      n: r.requests,
      'server p50 ms': Math.round(r.p50Ms),
      'server p95 ms': Math.round(r.p95Ms),
      [`p95 ≤ ${GOALS.p95Ms} ms`]: met(r.p95Ms <= GOALS.p95Ms),
      'first load KB': Number(r.transferKb.toFixed(1)),
      'KB goal': `≤ ${kbGoal} ${met(r.transferKb <= kbGoal)}`,
      'Slow 3G usable s': r.slow3gS === undefined ? '' : Number(r.slow3gS.toFixed(2)),
      'Slow 3G goal':
        r.slow3gS === undefined ? '' : `≤ ${GOALS.slow3gS} s ${met(r.slow3gS <= GOALS.slow3gS)}`,
    };
  });
}

/** The same table in Markdown, for the README's "Speed" section. */
export function pagesMarkdown(rows: readonly PageRow[]): string {
  const table = pagesTable(rows);
  const head = Object.keys(table[0] ?? {});
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...table.map((r) => `| ${head.map((h) => String(r[h] ?? '')).join(' | ')} |`),
  ].join('\n');
}
