/**
 * The browser test harness: Debian's Chromium driven by playwright-core (Playwright's own browser
 * download cannot be used on these machines), axe-core for accessibility, and screenshots at a laptop
 * and a phone width for docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { dynamoEndpoint, exampleConfig } from '#tests/support/dynamo.ts';

/** Debian's chromium package (`.ci/run` installs it when missing). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  // A UK member of staff's browser language. Date fields follow it only with Debian's chromium-l10n
  // installed (the en-GB locale pack) and LANGUAGE set (see launchBrowser).
  '--lang=en-GB',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const VIEWPORTS = {
  laptop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

export const SCREENSHOT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/**
 * Chromium on Linux takes its UI locale, which formats date fields (dd/mm/yyyy in en-GB), from LANGUAGE;
 * `--lang` and the context's `locale` set only navigator.language and Accept-Language. The en-GB locale
 * pack comes in Debian's chromium-l10n package (`.ci/run` installs it); without it the field is mm/dd/yyyy.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    env: { ...process.env, LANGUAGE: 'en_GB', LANG: 'en_GB.UTF-8' },
  });
}

/** Every test context is a UK browser: en-GB (navigator.language, Accept-Language) in London time. */
export const UK_BROWSER = { locale: 'en-GB', timezoneId: 'Europe/London' } as const;

/** WCAG 2.2 AA and everything below it. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Runs axe on the page as it is now and returns each serious or critical violation as a line
 * ("rule: help (selector, …)"), so a test asserts `toEqual([])` and a failure says what and where.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Saves full-page PNGs of the page at the laptop and phone widths: docs/screenshots/<name>-laptop.png, -phone.png. */
export async function screenshot(page: Page, name: string): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const saved: string[] = [];
  const original = page.viewportSize();
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    // The NHS header moves navigation items under "More" on resize, a moment later; until it has, the
    // page is wider than the phone. A page that really is too wide is still saved as it is.
    // Polled from here with page.evaluate (a DevTools call, which the page's CSP does not govern):
    // waitForFunction builds its predicate with eval inside the page, which our CSP refuses, and the
    // refusal is a page error. A string, as this project's TypeScript has no DOM types.
    await vi
      .waitFor(
        async () => {
          const width = await page.evaluate<number>('document.documentElement.scrollWidth');
          if (width > size.width) throw new Error(`${width} px wide`);
        },
        { timeout: 2_000, interval: 50 },
      )
      .catch(() => {});
    const path = join(SCREENSHOT_DIR, `${name}-${label}.png`);
    await page.screenshot({ path, fullPage: true, animations: 'disabled' });
    saved.push(path);
  }
  if (original) await page.setViewportSize(original);
  return saved;
}

/**
 * Collects what the browser complains about while a test runs: console errors (which include CSP
 * refusals), page errors and failed requests. A page that works as designed produces none.
 */
export function watchProblems(context: BrowserContext): { problems: string[] } {
  const watched = { problems: [] as string[] };
  context.on('console', (message) => {
    if (message.type() === 'error') watched.problems.push(`console: ${message.text()}`);
  });
  context.on('weberror', (error) => watched.problems.push(`page error: ${error.error().message}`));
  context.on('requestfailed', (request) =>
    watched.problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  return watched;
}

/** Checks a page with axe (nothing serious or critical) and saves it at the laptop and phone widths. */
export async function checked(page: Page, name: string): Promise<void> {
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, name);
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/**
 * One browser test file's world: the local runtime on this worker's DynamoDB Local and one Chromium,
 * started together before the file's tests and stopped after them. Staff sign in through the local
 * OpenID Connect provider's form once per person per file; later sign-ins of the same person open a
 * new browser context with the cookies that sign-in left (the session is the server's, as a second tab
 * would share it), and go through the form again only if the session has ended (the virtual clock
 * moved past its idle limit).
 */
export class BrowserWorld {
  runtime!: LocalRuntime;
  browser!: Browser;
  private readonly signedIn = new Map<string, StorageState>();
  private readonly contexts: BrowserContext[] = [];

  constructor(
    private readonly options: { name: string; startAt?: Date; frozenClock?: boolean; seed?: boolean },
  ) {}

  get url(): string {
    return this.runtime.url;
  }

  async start(): Promise<void> {
    [this.runtime, this.browser] = await Promise.all([
      startLocal({
        config: exampleConfig,
        port: 0,
        dynamoEndpoint: dynamoEndpoint(),
        tableName: `attend-${this.options.name}-${Date.now().toString(36)}`,
        seed: this.options.seed ?? false,
        ...(this.options.startAt && { startAt: this.options.startAt }),
        ...(this.options.frozenClock !== undefined && { frozenClock: this.options.frozenClock }),
      }),
      launchBrowser(),
    ]);
  }

  async stop(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => {});
    await this.browser?.close();
    await this.runtime?.stop();
  }

  /** An unsigned local API call (the local admin); fails on any status of 300 or more. */
  async api<T = { id: string }>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as T;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** A new UK browser context (laptop width) with no one signed in; closed when the file ends. */
  async newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await this.browser.newContext({ ...UK_BROWSER, viewport: VIEWPORTS.laptop, ...options });
    this.contexts.push(context);
    return context;
  }

  /**
   * A new browser context with `email` (password attend-demo) signed in, on the app's home page.
   * `javaScriptEnabled: false` for the plain-HTML path.
   */
  async signIn(
    email: string,
    options: BrowserContextOptions = {},
  ): Promise<{ context: BrowserContext; page: Page }> {
    const state = this.signedIn.get(email);
    const context = await this.newContext({ ...options, ...(state && { storageState: state }) });
    const page = await context.newPage();
    await page.goto(`${this.url}/`);
    // A reused session that has ended since (idle on a moved clock) says so once, and clears its cookie.
    if ((await page.locator('h1').textContent()) === 'Your session has ended')
      await page.goto(`${this.url}/`);
    if (new URL(page.url()).pathname.startsWith('/oidc/')) {
      await page.fill('#email', email);
      await page.fill('#password', 'attend-demo');
      await Promise.all([
        page.waitForURL((url) => !url.pathname.startsWith('/oidc/')),
        page.locator('form button[type="submit"]').first().click(),
      ]);
    }
    // Kept after every sign-in: a session the provider renewed without its form is the one to reuse.
    this.signedIn.set(email, await context.storageState());
    return { context, page };
  }
}

/**
 * A browser file's world, started in the file's first beforeAll (within the config's hookTimeout, a
 * limit for a loaded machine) and stopped after its tests.
 */
export function browserWorld(options: ConstructorParameters<typeof BrowserWorld>[0]): BrowserWorld {
  const world = new BrowserWorld(options);
  beforeAll(() => world.start());
  afterAll(() => world.stop());
  return world;
}
