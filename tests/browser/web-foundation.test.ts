/**
 * The web foundation in a real browser, through the local runtime (the same REST API events the
 * deployed front door sends): the layout, the error pages, a form post with its CSRF token, charts and
 * the parent layout. Each page passes axe (no serious or critical WCAG 2.2 AA violation), runs its
 * scripts under the CSP without a complaint, and is saved as a screenshot at laptop and phone width.
 */
import { parse as parseCookies } from 'cookie';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import {
  launchBrowser,
  screenshot,
  seriousA11yViolations,
  UK_BROWSER,
  watchProblems,
} from '#tests/browser/support.ts';
import { exampleConfig } from '#tests/support/dynamo.ts';
import { aStaffMember, TEST_TEMPLATES } from '#tests/support/web.ts';
import { received, testPages } from '#tests/support/web-pages.ts';
import type { RegisterPages } from '#web/app.ts';
import { csrfToken } from '#web/csrf.ts';
import { redirect } from '#web/router.ts';
import type { Role, StaffMember, StaffSessionPort } from '#web/staff-session.ts';

/** Who is signed in comes from a test cookie, so each browser context can be a different person. */
const PEOPLE: Record<string, StaffMember> = {
  scheduler: aStaffMember({ id: 's1', name: 'Sam Scheduler', roles: ['scheduler'] }),
  manager: aStaffMember({ id: 's2', name: 'Mo Manager', roles: ['manager'] }),
  admin: aStaffMember({ id: 's3', name: 'Ada Admin', roles: ['admin'] satisfies Role[] }),
  none: aStaffMember({ id: 's4', name: 'Nora Noaccess', roles: [] }),
};

const testSessions: StaffSessionPort = {
  current: async (request) => {
    const who = parseCookies(request.headers.get('cookie') ?? '')['test-staff'];
    return who ? PEOPLE[who] : undefined;
  },
  signInRedirect: () => redirect('/auth/test-sign-in', 302),
};

const signInStandIn: RegisterPages = (router) =>
  router.page({
    method: 'GET',
    path: '/auth/test-sign-in',
    summary: 'Where the test session port sends signed-out people (the identity provider in real life)',
    access: 'public',
    personal: false,
    handler: (page) => page.render('errors/not-found.njk', { status: 404 }, { status: 200 }),
  });

let runtime: LocalRuntime;
let browser: Browser;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([
    startLocal({
      config: exampleConfig,
      port: 0,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: `attend-browser-${Date.now().toString(36)}`,
      seed: false,
      frozenClock: true,
      startAt: new Date('2026-11-30T09:00:00Z'),
      web: {
        staffSessions: testSessions,
        pages: [testPages, signInStandIn],
        extraTemplates: [TEST_TEMPLATES],
      },
    }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

async function as(
  who: keyof typeof PEOPLE | undefined,
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ ...UK_BROWSER, viewport: { width: 1280, height: 800 } });
  if (who) await context.addCookies([{ name: 'test-staff', value: who, url: runtime.url }]);
  const watched = watchProblems(context);
  return { context, page: await context.newPage(), problems: watched.problems };
}

/** Opens a page, checks its status, axe and the browser's complaints, and saves its screenshots. */
async function visit(who: keyof typeof PEOPLE | undefined, path: string, status: number, name: string) {
  const { context, page, problems } = await as(who);
  const response = await page.goto(`${runtime.url}${path}`);
  expect(response?.status(), path).toBe(status);
  // The document's own error status is reported as a console error; it is what the test asked for.
  const unexpected = () =>
    problems.filter((p) => !/the server responded with a status of (403|404|500|503)/.test(p));
  expect(await seriousA11yViolations(page), `${path}: axe`).toEqual([]);
  expect(await page.locator('body.js-enabled').count(), `${path}: the nonce'd inline script ran`).toBe(1);
  await screenshot(page, name);
  expect(unexpected(), `${path}: browser problems`).toEqual([]);
  return { context, page };
}

describe('error pages and layout in Chromium', () => {
  it.each([
    ['manager', '/', 200, 'layout-home'],
    ['scheduler', '/staff/components', 200, 'layout-components'],
    ['none', '/auth/no-access', 403, 'error-no-access'],
    ['scheduler', '/staff/upload', 403, 'error-forbidden'],
    ['manager', '/staff/no-such-page', 404, 'error-not-found'],
    ['manager', '/staff/broken', 500, 'error-server'],
    [undefined, '/p/not-a-real-link', 404, 'parent-not-found'],
  ] as const)('%s: %s answers %i, passes axe and is screenshotted', async (who, path, status, name) => {
    const { context } = await visit(who, path, status, name);
    await context.close();
  });

  it('charts render as SVG with their data tables, pass axe, and download as CSV', async () => {
    const { context, page } = await visit('manager', '/staff/metrics-example', 200, 'charts');
    expect(await page.locator('figure.attend-chart svg[role="img"]').count()).toBe(3);
    expect(await page.locator('figure.attend-chart table').count()).toBe(3);
    const download = await page.request.get(
      `${runtime.url}${await page.locator('a[download]').first().getAttribute('href')}`,
    );
    expect(download.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect((await download.text()).split('\r\n')[0]).toBe('\uFEFFWeek starting,DNA+WNB rate,Baseline 11.5%');
    await context.close();
  });

  it('a signed-out person is sent to sign in', async () => {
    const { context, page } = await as(undefined);
    await page.goto(`${runtime.url}/`);
    expect(new URL(page.url()).pathname).toBe('/auth/test-sign-in');
    await context.close();
  });
});

describe('forms in Chromium', () => {
  it('a form posts with the token the page wrote, and the 303 lands back on the page', async () => {
    const { context, page, problems } = await as('scheduler');
    await page.goto(`${runtime.url}/staff/notes`);
    await page.getByLabel('Note').fill('Rang the family – no answer');
    const [posted] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Save note' }).click(),
    ]);
    expect(posted.status()).toBe(303);
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe('/staff/notes');
    expect(received.fields?.note).toBe('Rang the family – no answer');
    expect(received.fields?._csrf).toBeTruthy();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a forged post from a page without the token gets the 403 page', async () => {
    const { context, page } = await as('scheduler');
    await page.goto(`${runtime.url}/staff/notes`);
    const response = await page.request.post(`${runtime.url}/staff/notes`, { form: { note: 'forged' } });
    expect(response.status()).toBe(403);
    // With the session's real token it is accepted, which shows the refusal was about the token.
    const ok = await page.request.post(`${runtime.url}/staff/notes`, {
      form: { note: 'genuine', _csrf: csrfToken(PEOPLE.scheduler?.csrfSecret ?? '') },
      maxRedirects: 0,
    });
    expect(ok.status()).toBe(303);
    await context.close();
  });

  it('an upload arrives intact through the REST API event', async () => {
    const { context, page } = await as('admin');
    await page.goto(`${runtime.url}/staff/upload`);
    const csv = 'source_system,patient_id\r\nsystmone,P1001\r\n';
    await page.setInputFiles('input[type="file"]', {
      name: 'export.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    const [posted] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Check the file' }).click(),
    ]);
    expect(posted.status()).toBe(303);
    expect(received.file?.name).toBe('export.csv');
    expect(received.file?.bytes.toString('utf8')).toBe(csv);
    await context.close();
  });
});
