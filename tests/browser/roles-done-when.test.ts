/**
 * Issue 11's "Done when", tried as a new user would, in Chromium against the local runtime (`npm start`)
 * and its real OpenID Connect provider: sign in as the scheduler and see your name and role; erasing a
 * family as the scheduler gets 403 and as the admin works (through the browser door, `/staff/api/…`, as
 * the staff app's scripts call it); sign out and the old cookie no longer works; the audit trail shows
 * each step with the person's name. Then the administrator's sessions page ends another person's
 * sessions, and its screenshots go to docs/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import type { AuditEntry } from '#store/audit.ts';
import { launchBrowser, screenshot, seriousA11yViolations, UK_BROWSER } from '#tests/browser/support.ts';
import { exampleConfig } from '#tests/support/dynamo.ts';

let runtime: LocalRuntime;
let browser: Browser;
let familyId: string;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([
    startLocal({
      config: exampleConfig,
      port: 0,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: `attend-roles-${Date.now().toString(36)}`,
      seed: false,
    }),
    launchBrowser(),
  ]);
  // The quick start's unsigned local call (the local admin) registers the family.
  const res = await fetch(`${runtime.url}/clients`, {
    method: 'POST',
    body: JSON.stringify({ firstName: 'Amelia', familyName: 'Jones', phone: '07700 900123' }),
  });
  familyId = ((await res.json()) as { id: string }).id;
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

async function signIn(email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...UK_BROWSER, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${runtime.url}/`);
  expect(new URL(page.url()).pathname).toMatch(/^\/oidc\/interaction\//);
  await page.fill('#email', email);
  await page.fill('#password', 'attend-demo');
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/oidc/')),
    page.locator('form button[type="submit"]').first().click(),
  ]);
  return { context, page };
}

/** Calls the browser door from the page, as a staff app script would: the session cookie and the page's CSRF token. */
async function callFromPage(
  page: Page,
  method: string,
  path: string,
): Promise<{ status: number; body: unknown }> {
  const token = (await page.locator('meta[name="csrf-token"]').getAttribute('content')) ?? '';
  return page.evaluate(
    async ([m, p, t]) => {
      const res = await fetch(`/staff/api${p}`, { method: m, headers: { 'x-csrf-token': t } });
      return { status: res.status, body: (await res.json()) as unknown };
    },
    [method, path, token] as const,
  );
}

describe("issue 11's done-when, in Chromium", () => {
  let scheduler: { context: BrowserContext; page: Page };
  let admin: { context: BrowserContext; page: Page };

  it('signs in as the scheduler: the page shows their name and role', async () => {
    scheduler = await signIn('scheduler@example.nhs.uk');
    const main = await scheduler.page.locator('main').textContent();
    expect(main).toContain('Sam Patel');
    expect(main).toContain('Scheduler');
  });

  it('refuses the scheduler an erasure (403), and the admin’s works', async () => {
    const refused = await callFromPage(scheduler.page, 'DELETE', `/clients/${familyId}`);
    expect(refused).toEqual({
      status: 403,
      body: { error: { code: 'FORBIDDEN', message: expect.any(String) } },
    });

    admin = await signIn('admin@example.nhs.uk');
    const erased = await callFromPage(admin.page, 'DELETE', `/clients/${familyId}`);
    expect(erased).toMatchObject({
      status: 200,
      body: { clientId: familyId, state: 'ERASED', erasedBy: 'Alex Morgan' },
    });
  });

  it('signs the scheduler out, and the old cookie no longer works', async () => {
    const before = await scheduler.context.cookies(runtime.url);
    await scheduler.page.getByRole('button', { name: 'Sign out' }).first().click();
    await scheduler.page.waitForURL((url) => url.pathname.startsWith('/oidc/'));

    const replay = await browser.newContext();
    await replay.addCookies(before);
    const api = await replay.request.get(`${runtime.url}/staff/api/clinics`);
    expect(api.status()).toBe(401);
    // A page says the session has ended (once: it clears the cookie), then the next goes to sign in.
    const home = await replay.request.get(`${runtime.url}/`, { maxRedirects: 0 });
    expect(home.status()).toBe(200);
    expect(await home.text()).toContain('You signed out of Attend.');
    const again = await replay.request.get(`${runtime.url}/`, { maxRedirects: 0 });
    expect(again.status()).toBe(302);
    await replay.close();
    await scheduler.context.close();
  });

  it('shows each step on the audit trail with the person’s name', async () => {
    const { status, body } = await callFromPage(admin.page, 'GET', '/audit?limit=500');
    expect(status).toBe(200);
    const steps = (body as { items: AuditEntry[] }).items
      .slice()
      .reverse()
      .filter((e) => e.actorKind === 'oidc')
      .map((e) => [e.actorName, e.action, e.status ?? null]);
    // Every step, each once, with the person's name, in the order they happened: each was audited before
    // its answer, and the runtime's flowing clock never goes back (not even at the end of a scheduler
    // catch-up, which under load had put two of them out of order).
    expect(steps).toEqual([
      ['Sam Patel', 'SIGN_IN', null],
      ['Sam Patel', 'DELETE /clients/{id}', 403],
      ['Alex Morgan', 'SIGN_IN', null],
      ['Alex Morgan', 'DELETE /clients/{id}', 200],
      ['Sam Patel', 'SIGN_OUT', null],
    ]);
  });

  it("lets the administrator end another person's sessions from the sessions page", async () => {
    const manager = await signIn('manager@example.nhs.uk');
    const { page } = admin;
    await page.goto(`${runtime.url}/staff/sessions`);
    expect(await page.locator('h1').textContent()).toBe('Signed-in staff');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator('main').textContent()).toContain('Tom Hughes');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'staff-sessions');

    await page.getByRole('button', { name: 'End the sessions of Tom Hughes' }).click();
    await page.waitForURL((url) => url.searchParams.has('ended'));
    expect(await page.locator('[role="status"]').textContent()).toContain('Ended 1 session.');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'staff-sessions-ended');

    const after = await manager.page.request.get(`${runtime.url}/staff/api/metrics`);
    expect(after.status()).toBe(401);
    await manager.context.close();
    await admin.context.close();
  });
});
