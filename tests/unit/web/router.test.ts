/**
 * The page router end to end through createWebApp: access by role, the seam to sign-in, CSRF on every
 * POST, form and upload bodies, error pages, headers and compression. Every HTML page goes through
 * the rendered-page checker.
 */
import { brotliDecompressSync } from 'node:zlib';
import { parse } from 'node-html-parser';
import { beforeEach, describe, expect, it } from 'vitest';
import { cspNonce, pageProblems } from '#tests/support/page-check.ts';
import {
  aStaffMember,
  TEST_ORIGIN,
  TEST_SIGN_IN_URL,
  type TestWebApp,
  testWebApp,
} from '#tests/support/web.ts';
import { received, testPages } from '#tests/support/web-pages.ts';
import { csrfToken, newCsrfSecret } from '#web/csrf.ts';
import { redirect, WebRouter } from '#web/router.ts';

const scheduler = aStaffMember({ name: 'Sam Scheduler', roles: ['scheduler'] });
const manager = aStaffMember({ id: 'session-2', name: 'Mo Manager', roles: ['manager'] });
const admin = aStaffMember({ id: 'session-3', name: 'Ada Admin', roles: ['admin'] });

let app: TestWebApp;
beforeEach(() => {
  app = testWebApp({ pages: [testPages] });
  delete received.fields;
  delete received.file;
});

/** The page's HTML, checked by the rendered-page checker against the response's own nonce. */
async function page(response: Response) {
  const html = await response.text();
  expect(pageProblems(html, { nonce: cspNonce(response.headers.get('content-security-policy')) })).toEqual(
    [],
  );
  return parse(html);
}

const h1 = (doc: ReturnType<typeof parse>) => doc.querySelector('h1')?.text.trim();

describe('sign-in seam', () => {
  it('sends a signed-out person to the session port’s sign-in redirect, with the security headers', async () => {
    const response = await app.get('/');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(TEST_SIGN_IN_URL);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('sends a signed-in person with no role to the no-access page, which offers only sign-out', async () => {
    app.signIn(aStaffMember({ name: 'Nora Noaccess', roles: [] }));
    const home = await app.get('/staff/notes');
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/auth/no-access');

    const response = await app.get('/auth/no-access');
    expect(response.status).toBe(403);
    const doc = await page(response);
    expect(h1(doc)).toBe('You do not have access to Attend');
    expect(doc.querySelector('main')?.text).toContain('Ask your administrator');
    expect(doc.querySelectorAll('.nhsuk-header__navigation-item')).toHaveLength(0);
    expect(doc.querySelectorAll('form[action="/auth/sign-out"]').length).toBeGreaterThan(0);
  });

  it('shows the 503 page while sign-in is not available', async () => {
    const { createWebApp } = await import('#web/app.ts');
    const { signInNotConfigured } = await import('#web/staff-session.ts');
    const { webTestDeps } = await import('#tests/support/web.ts');
    const unconfigured = createWebApp(webTestDeps(), { staffSessions: signInNotConfigured });
    const response = await unconfigured.handle(new Request(`${TEST_ORIGIN}/`));
    expect(response.status).toBe(503);
    expect(h1(await page(response))).toBe('Sorry, the service is unavailable');
  });
});

describe('the layout', () => {
  it('has the skip link, the NHS header with Attend and the trust, the person, sign-out as a POST, and the footer', async () => {
    app.signIn(manager);
    const doc = await page(await app.get('/'));
    expect(doc.querySelector('a.nhsuk-skip-link')?.getAttribute('href')).toBe('#maincontent');
    expect(doc.querySelector('.nhsuk-header__service-name')?.text.trim()).toBe('Attend');
    expect(doc.querySelector('.nhsuk-header__organisation-name')?.text.trim()).toBe(
      'Example Community Health NHS Foundation Trust',
    );
    expect(doc.querySelector('.nhsuk-header__account')?.text).toContain('Mo Manager');
    const signOut = doc.querySelector('.nhsuk-header__account form');
    expect(signOut?.getAttribute('method')).toBe('post');
    expect(signOut?.getAttribute('action')).toBe('/auth/sign-out');
    expect(doc.querySelector('footer.nhsuk-footer')?.text).toContain(
      '© Example Community Health NHS Foundation Trust',
    );
    expect(doc.querySelector('title')?.text).toBe(
      'Home – Attend – Example Community Health NHS Foundation Trust',
    );
    expect(doc.querySelector('main')?.text).toContain('Service manager');
  });

  it.each([
    [
      scheduler,
      [
        '/staff/today',
        '/staff/families',
        '/staff/notes',
        '/staff/inbox',
        '/staff/short-notice',
        '/staff/letters',
        '/staff/slots',
      ],
    ],
    [
      manager,
      [
        '/staff/today',
        '/staff/metrics-example',
        '/staff/families',
        '/staff/notes',
        '/staff/inbox',
        '/staff/short-notice',
        '/staff/follow-ups',
        '/staff/letters',
        '/staff/metrics',
        '/staff/slots',
      ],
    ],
    [
      admin,
      [
        '/staff/today',
        '/staff/families',
        '/staff/inbox',
        '/staff/upload',
        '/staff/short-notice',
        '/staff/follow-ups',
        '/staff/letters',
        '/staff/metrics',
        '/staff/import',
        '/staff/slots',
        '/staff/sessions',
      ],
    ],
  ])('shows $name only the pages their roles allow, in order', async (who, hrefs) => {
    app.signIn(who);
    const doc = await page(await app.get('/'));
    expect(
      doc.querySelectorAll('a.nhsuk-header__navigation-link').map((a) => a.getAttribute('href')),
    ).toEqual(hrefs);
  });

  it('marks the current page in the navigation', async () => {
    app.signIn(manager);
    const doc = await page(await app.get('/staff/notes'));
    const current = doc.querySelector('.nhsuk-header__navigation-link[aria-current="page"]');
    expect(current?.getAttribute('href')).toBe('/staff/notes');
  });

  it('loads the script as a module with the response’s nonce, and the hashed stylesheet', async () => {
    app.signIn(manager);
    const response = await app.get('/');
    const doc = await page(response);
    const nonce = cspNonce(response.headers.get('content-security-policy'));
    const module = doc.querySelector('script[type="module"]');
    expect(module?.getAttribute('src')).toMatch(/^\/assets\/staff-[0-9a-f]{12}\.js$/);
    expect(module?.getAttribute('nonce')).toBe(nonce);
    expect(doc.querySelector('link[rel="stylesheet"]')?.getAttribute('href')).toMatch(
      /^\/assets\/staff-[0-9a-f]{12}\.css$/,
    );
  });

  it('renders NHS.UK components (error summary, panel, tags, table, pagination) in the layout', async () => {
    app.signIn(scheduler);
    const doc = await page(await app.get('/staff/components'));
    expect(doc.querySelector('title')?.text).toMatch(/^Error: Components/);
    for (const selector of [
      '.nhsuk-error-summary',
      '.nhsuk-panel',
      '.nhsuk-tag--green',
      'table.nhsuk-table',
      '.nhsuk-pagination',
    ]) {
      expect(doc.querySelector(selector), selector).not.toBeNull();
    }
  });
});

describe('access by role', () => {
  it('answers 403 with “you do not have access” to a role the page does not allow', async () => {
    app.signIn(scheduler);
    const response = await app.get('/staff/upload');
    expect(response.status).toBe(403);
    const doc = await page(response);
    expect(h1(doc)).toBe('You do not have access to this page');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('lets the role in', async () => {
    app.signIn(admin);
    expect((await app.get('/staff/upload')).status).toBe(200);
  });

  it('passes path parameters, decoded', async () => {
    app.signIn(scheduler);
    expect((await app.get('/staff/test-families/abc%20def')).status).toBe(200);
  });
});

describe('form posts and CSRF', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields);

  it('reads an urlencoded form with a valid token and answers 303', async () => {
    app.signIn(scheduler);
    const response = await app.post(
      '/staff/notes',
      form({ _csrf: csrfToken(scheduler.csrfSecret), note: 'Called mum – café' }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/staff/notes');
    expect(received.fields?.note).toBe('Called mum – café');
  });

  it('accepts the token written into the page’s own form', async () => {
    app.signIn(scheduler);
    const doc = await page(await app.get('/staff/notes'));
    const token = doc.querySelector('main form input[name="_csrf"]')?.getAttribute('value') ?? '';
    expect((await app.post('/staff/notes', form({ _csrf: token, note: 'x' }))).status).toBe(303);
  });

  it.each([
    ['no token', {}],
    ['an empty token', { _csrf: '' }],
    ['another session’s token', { _csrf: csrfToken(newCsrfSecret()) }],
  ])('refuses a post with %s: 403, and the handler never runs', async (_, fields) => {
    app.signIn(scheduler);
    const response = await app.post('/staff/notes', form({ ...fields, note: 'forged' }));
    expect(response.status).toBe(403);
    expect(h1(await page(response))).toBe('Sorry, your form could not be sent');
    expect(received.fields).toBeUndefined();
  });

  it('refuses a post from another origin even with a valid token', async () => {
    app.signIn(scheduler);
    const response = await app.post('/staff/notes', form({ _csrf: csrfToken(scheduler.csrfSecret) }), {
      origin: 'https://evil.example',
    });
    expect(response.status).toBe(403);
    expect(received.fields).toBeUndefined();
  });

  it('refuses a post by a role the page does not allow, before reading it', async () => {
    app.signIn(admin);
    const response = await app.post('/staff/notes', form({ _csrf: csrfToken(admin.csrfSecret) }));
    expect(response.status).toBe(403);
    expect(received.fields).toBeUndefined();
  });

  it('receives an uploaded file byte for byte, with its token, through a REST API event', async () => {
    app.signIn(admin);
    const bytes = Buffer.from([0x50, 0x31, 0x30, 0xff, 0xfe, 0x00, 0xe9, 0x0d, 0x0a]);
    const body = new FormData();
    body.append('_csrf', csrfToken(admin.csrfSecret));
    body.append('file', new Blob([bytes], { type: 'text/csv' }), 'export.csv');
    const request = new Request(`${TEST_ORIGIN}/staff/upload`, { method: 'POST', body });
    const raw = Buffer.from(await request.arrayBuffer());
    const result = await app.handleEvent({
      httpMethod: 'POST',
      path: '/staff/upload',
      resource: '/{proxy+}',
      headers: { host: 'attend.example.nhs.uk', 'content-type': request.headers.get('content-type') ?? '' },
      multiValueHeaders: {},
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: { proxy: 'staff/upload' },
      stageVariables: null,
      requestContext: {} as never,
      body: raw.toString('base64'),
      isBase64Encoded: true,
    });
    expect(result.statusCode).toBe(303);
    expect(received.file).toEqual({ name: 'export.csv', bytes, mimeType: 'text/csv' });
  });

  it('answers 413 to a file over 1 MB', async () => {
    app.signIn(admin);
    const body = new FormData();
    body.append('_csrf', csrfToken(admin.csrfSecret));
    body.append('file', new Blob([Buffer.alloc(1024 * 1024 + 1, 0x41)]), 'big.csv');
    const response = await app.post('/staff/upload', body);
    expect(response.status).toBe(413);
    expect(h1(await page(response))).toBe('The file or form is too big');
    expect(received.file).toBeUndefined();
  });

  it('sends a public form posted after its session has gone where the page says (sessionGone); a wrong token with a live session is still a 403', async () => {
    const secret = newCsrfSecret();
    let ran = 0;
    const parentish = testWebApp({
      pages: [
        (router) =>
          router.page({
            method: 'POST',
            path: '/p/:token/test-form',
            summary: 'A parent form (test page)',
            access: 'public',
            csrfSecret: async (request) =>
              (request.headers.get('cookie') ?? '').includes('live') ? secret : undefined,
            sessionGone: (params) => redirect(`/p/${params.token}`),
            handler: () => {
              ran += 1;
              return new Response('done');
            },
          }),
      ],
    });
    const gone = await parentish.post('/p/abc/test-form', form({ _csrf: csrfToken(secret) }));
    expect([gone.status, gone.headers.get('location')]).toEqual([303, '/p/abc']);
    const forged = await parentish.post('/p/abc/test-form', form({ _csrf: 'forged' }), { cookie: 'live=1' });
    expect(forged.status).toBe(403);
    const live = await parentish.post('/p/abc/test-form', form({ _csrf: csrfToken(secret) }), {
      cookie: 'live=1',
    });
    expect(live.status).toBe(200);
    expect(ran).toBe(1);
  });

  it('will not register a public POST page that has no CSRF secret to check', () => {
    const router = new WebRouter({} as never);
    expect(() =>
      router.page({
        method: 'POST',
        path: '/p/x',
        summary: 'x',
        access: 'public',
        handler: () => new Response(),
      }),
    ).toThrow(/CSRF/);
  });
});

describe('cookies', () => {
  it('passes each Set-Cookie of a page through to the REST API result whole (sign-in sets the session cookie)', async () => {
    const withCookies = testWebApp({
      pages: [
        (router) =>
          router.page({
            method: 'GET',
            path: '/auth/callback',
            summary: 'Sets cookies (test page)',
            access: 'public',
            handler: () => {
              const headers = new Headers({ location: '/' });
              headers.append('set-cookie', '__Host-attend=abc; Path=/; Secure; HttpOnly; SameSite=Lax');
              headers.append(
                'set-cookie',
                'attend-sign-in=; Path=/auth; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
              );
              return new Response(null, { status: 303, headers });
            },
          }),
      ],
    });
    const result = await withCookies.handleEvent({
      httpMethod: 'GET',
      path: '/auth/callback',
      resource: '/auth/{proxy+}',
      headers: { Host: 'attend.example.nhs.uk', Cookie: 'attend-sign-in=state' },
      multiValueHeaders: {},
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      requestContext: {} as never,
      body: null,
      isBase64Encoded: false,
    });
    expect(result.statusCode).toBe(303);
    expect(result.multiValueHeaders?.['set-cookie']).toEqual([
      '__Host-attend=abc; Path=/; Secure; HttpOnly; SameSite=Lax',
      'attend-sign-in=; Path=/auth; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ]);
    expect(result.headers?.['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});

describe('error pages', () => {
  it('404: a page that does not exist, public and cacheable when nobody is signed in', async () => {
    const response = await app.get('/no/such/page');
    expect(response.status).toBe(404);
    expect(h1(await page(response))).toBe('Page not found');
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it('404 for a signed-in person keeps their navigation and is never stored', async () => {
    app.signIn(manager);
    const response = await app.get('/staff/nothing-here');
    expect(response.status).toBe(404);
    const doc = await page(response);
    expect(doc.querySelectorAll('a.nhsuk-header__navigation-link').length).toBeGreaterThan(0);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('404, not 500, for a malformed percent-escape in a page address', async () => {
    app.signIn(scheduler);
    for (const path of ['/staff/test-families/%E0%A4%A', '/staff/test-families/%ZZ']) {
      const response = await app.get(path);
      expect(response.status, path).toBe(404);
      expect(h1(await page(response))).toBe('Page not found');
    }
  });

  it('404 from a service’s NOT_FOUND error', async () => {
    app.signIn(scheduler);
    expect((await app.get('/staff/test-families/missing')).status).toBe(404);
  });

  it('405 with Allow for a method the path does not take', async () => {
    app.signIn(admin);
    const response = await app.handle(
      new Request(`${TEST_ORIGIN}/staff/metrics-example`, { method: 'DELETE' }),
    );
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('500 says little: nothing of the error reaches the page', async () => {
    app.signIn(manager);
    const response = await app.get('/staff/broken');
    expect(response.status).toBe(500);
    const html = await response.text();
    expect(pageProblems(html)).toEqual([]);
    expect(parse(html).querySelector('h1')?.text).toBe('Sorry, there is a problem with the service');
    expect(html).not.toContain('hunter2');
  });

  it('uses the light parent layout under /p/', async () => {
    const response = await app.get('/p/not-a-token');
    expect(response.status).toBe(404);
    const doc = await page(response);
    // The parent stylesheet is inlined under the response's CSP nonce (one request less on Slow 3G).
    const nonce = /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1];
    const style = doc.querySelector('style');
    expect(doc.querySelector('link[rel="stylesheet"]')).toBeNull();
    expect(style?.getAttribute('nonce')).toBe(nonce);
    expect(style?.text).toContain('.nhsuk-header');
    expect(response.headers.get('content-security-policy')).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect(doc.querySelector('.nhsuk-header__account')).toBeNull();
  });
});

describe('compression and assets', () => {
  it('compresses a page with brotli when the browser accepts it', async () => {
    app.signIn(manager);
    const response = await app.get('/', { 'accept-encoding': 'gzip, deflate, br' });
    expect(response.headers.get('content-encoding')).toBe('br');
    expect(response.headers.get('vary')).toContain('accept-encoding');
    const html = brotliDecompressSync(Buffer.from(await response.arrayBuffer())).toString('utf8');
    expect(html).toContain('<h1>Attend</h1>');
  });

  it('serves a hashed asset for a year, compressed as accepted, with nosniff', async () => {
    const css = app.assets.url('staff.css');
    const br = await app.get(css, { 'accept-encoding': 'br' });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(br.headers.get('x-content-type-options')).toBe('nosniff');
    const plain = await app.get(css, { 'accept-encoding': 'identity' });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const bytes = Buffer.from(await plain.arrayBuffer());
    expect(bytes.toString('utf8')).toContain('.nhsuk-header');
    expect(bytes.toString('utf8')).not.toMatch(/@font-face|assets\.nhs\.uk/);
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer()))).toEqual(bytes);
  });

  it('serves the images the stylesheet refers to', async () => {
    const css = await (await app.get(app.assets.url('staff.css'))).text();
    const images = [...css.matchAll(/url\("?([^")]+)"?\)/g)].map((m) => m[1] ?? '');
    expect(images.length).toBeGreaterThan(0);
    for (const image of new Set(images)) expect((await app.get(image)).status, image).toBe(200);
  });

  it('answers 404 for an asset that is not in the manifest, and never reads outside it', async () => {
    for (const path of ['/assets/staff.css', '/assets/../package.json', '/assets/manifest.json']) {
      expect((await app.get(path)).status, path).toBe(404);
    }
  });
});
