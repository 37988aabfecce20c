/**
 * Staff sign-in end to end in Chromium, through the local runtime and its real OpenID Connect provider
 * (`npm start` as a new user would use it): `/` sends a signed-out person to the provider, the demo
 * scheduler signs in and sees their name and role, signs out with the header's button, and the old
 * session cookie no longer opens anything; after a sign-out, or after an administrator ends a person's
 * sessions, the provider asks for credentials again, and a person whose sessions were ended is told so first.
 * A person with no role sees only the no-access page.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { launchBrowser, screenshot, seriousA11yViolations, UK_BROWSER } from '#tests/browser/support.ts';
import { exampleConfig } from '#tests/support/dynamo.ts';

let runtime: LocalRuntime;
let browser: Browser;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([
    startLocal({
      config: exampleConfig,
      port: 0,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: `attend-sign-in-${Date.now().toString(36)}`,
      seed: false,
    }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

async function signIn(email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...UK_BROWSER, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signInOn(page, email);
  return { context, page };
}

/** Opens `/` and signs in at the provider's login form, which must appear. */
async function signInOn(page: Page, email: string): Promise<void> {
  await page.goto(`${runtime.url}/`);
  // The provider's own login form (local only), reached through its authorization endpoint.
  expect(new URL(page.url()).pathname).toMatch(/^\/oidc\/interaction\//);
  await page.fill('#email', email);
  await page.fill('#password', 'attend-demo');
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/oidc/')),
    page.locator('form button[type="submit"]').first().click(),
  ]);
}

describe('staff sign-in in Chromium', () => {
  it('signs the scheduler in to a home page with their name and role, which passes axe', async () => {
    const { context, page } = await signIn('scheduler@example.nhs.uk');
    expect(new URL(page.url()).pathname).toBe('/');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Attend');
    const main = await page.locator('main').textContent();
    expect(main).toContain('Sam Patel');
    expect(main).toContain('Scheduler');
    expect(await page.locator('.nhsuk-header__account').textContent()).toContain('Sam Patel');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'signed-in-home');
    await context.close();
  });

  it('signs out with the header button, and the old session cookie opens nothing afterwards (only "your session has ended")', async () => {
    const { context, page } = await signIn('manager@example.nhs.uk');
    const before = await context.cookies(runtime.url);
    expect(before.length).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Sign out' }).first().click();
    // The provider asks whether to sign out there too; either way Attend's session has ended.
    await page.waitForURL((url) => url.pathname.startsWith('/oidc/'));

    const replay = await browser.newContext();
    await replay.addCookies(before);
    const response = await replay.request.get(`${runtime.url}/`, { maxRedirects: 0 });
    expect(response.status()).toBe(200);
    const html = await response.text();
    expect(html).toContain('You signed out of Attend.');
    expect(html).not.toContain('Tom Hughes');
    // The page cleared the copied cookie: the next visit goes to the provider.
    const next = await replay.request.get(`${runtime.url}/`, { maxRedirects: 0 });
    expect(next.status()).toBe(302);
    expect(next.headers().location).toContain('/oidc/');
    await replay.close();
    await context.close();
  });

  it('asks for credentials again at the next sign-in after a sign-out, so the next person on a shared computer signs in as themselves', async () => {
    const { context, page } = await signIn('scheduler@example.nhs.uk');
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    // The provider's sign-out page; the person walks away without pressing its button.
    await page.waitForURL((url) => url.pathname.startsWith('/oidc/'));
    expect(await page.locator('h1').textContent()).toBe('Sign out of the demo identity provider');
    await screenshot(page, 'signed-out-provider-page');

    // The next person: the provider's session is still open, yet its login form appears (prompt=login).
    await signInOn(page, 'health-visitor@example.nhs.uk');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.locator('.nhsuk-header__account').textContent()).toContain('Grace Adeyemi');
    expect(await page.locator('main').textContent()).not.toContain('Sam Patel');
    await context.close();
  });

  it('asks a person whose sessions an administrator ended for credentials again, though the provider still has their session', async () => {
    const manager = await signIn('manager@example.nhs.uk');
    const authenticatedAt = Math.floor(Date.now() / 1000);
    const admin = await signIn('admin@example.nhs.uk');
    // auth_time has whole seconds, and one in the same second as the ending counts as after it.
    await expect
      .poll(() => Math.floor(Date.now() / 1000), { timeout: 5_000 })
      .toBeGreaterThan(authenticatedAt);
    await admin.page.goto(`${runtime.url}/staff/sessions`);
    await Promise.all([
      admin.page.waitForURL((url) => url.searchParams.has('ended')),
      admin.page.getByRole('button', { name: 'End the sessions of Tom Hughes' }).click(),
    ]);

    // The manager's next page says why they were signed out (not by whom), which passes axe.
    await manager.page.goto(`${runtime.url}/staff/today`);
    expect(await manager.page.locator('h1').textContent()).toBe('Your session has ended');
    const main = await manager.page.locator('main').textContent();
    expect(main).toContain('An administrator has signed you out of Attend on every device.');
    expect(main).not.toContain('Alex Morgan');
    expect(await manager.page.locator('.nhsuk-header__account').count()).toBe(0);
    expect(await seriousA11yViolations(manager.page)).toEqual([]);
    await screenshot(manager.page, 'signed-out-by-administrator');

    // "Sign in again": the provider's session is still open in the manager's browser, yet its login
    // form appears, and then the page they asked for.
    await manager.page.getByRole('button', { name: 'Sign in again' }).click();
    await manager.page.waitForURL((url) => url.pathname.startsWith('/oidc/interaction/'));
    await manager.page.fill('#email', 'manager@example.nhs.uk');
    await manager.page.fill('#password', 'attend-demo');
    await Promise.all([
      manager.page.waitForURL((url) => !url.pathname.startsWith('/oidc/')),
      manager.page.locator('form button[type="submit"]').first().click(),
    ]);
    expect(new URL(manager.page.url()).pathname).toBe('/staff/today');
    expect(await manager.page.locator('.nhsuk-header__account').textContent()).toContain('Tom Hughes');
    await manager.context.close();
    await admin.context.close();
  });

  it('shows a person with no Attend role only the no-access page, which passes axe', async () => {
    const { context, page } = await signIn('no-access@example.nhs.uk');
    expect(new URL(page.url()).pathname).toBe('/auth/no-access');
    expect(await page.locator('h1').textContent()).toBe('You do not have access to Attend');
    expect(await page.locator('main').textContent()).toContain('Jamie Lee');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'signed-in-no-access');
    const elsewhere = await page.goto(`${runtime.url}/staff/anything`);
    expect(elsewhere?.status()).toBe(404);
    await context.close();
  });
});
