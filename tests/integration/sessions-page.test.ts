/**
 * `/staff/sessions`: an administrator sees who is signed in and ends a person's sessions, or everyone's,
 * with POST forms (CSRF-checked); the page calls the route table in-process, so others get 403 and each
 * ending is audited. Real web app and sessions on DynamoDB Local.
 */
import { parse } from 'node-html-parser';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditByDay } from '#store/audit.ts';
import {
  type BrowserDoor,
  type BrowserSession,
  browserDoor,
  WEB_ORIGIN,
} from '#tests/support/browser-door.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { pageProblems } from '#tests/support/page-check.ts';

let deps: TestDeps;
let door: BrowserDoor;
let admin: BrowserSession;
let scheduler: BrowserSession;

beforeEach(async () => {
  deps = testDeps(await freshTable(), '2026-11-30T10:00:00Z');
  door = browserDoor(deps);
  admin = await door.signIn({ name: 'Alex Morgan', roles: ['admin'], subject: 'sub-alex' });
  scheduler = await door.signIn({ name: 'Sam Patel', roles: ['scheduler'], subject: 'sub-sam' });
  await door.signIn({ name: 'Sam Patel', roles: ['scheduler'], subject: 'sub-sam' });
});

const page = (session: BrowserSession, path = '/staff/sessions') =>
  door.app.handle(new Request(`${WEB_ORIGIN}${path}`, { headers: { cookie: session.cookie } }));

const post = (session: BrowserSession, fields: Record<string, string>, csrf = session.csrf) =>
  door.app.handle(
    new Request(`${WEB_ORIGIN}/staff/sessions/end`, {
      method: 'POST',
      headers: { cookie: session.cookie, origin: WEB_ORIGIN },
      body: new URLSearchParams({ ...fields, _csrf: csrf }),
    }),
  );

describe('the sessions page', () => {
  it('lists each signed-in person once, with their sessions and an end button, and passes the page checks', async () => {
    // Act
    const res = await page(admin);
    const html = await res.text();

    // Assess
    expect(res.status).toBe(200);
    expect(pageProblems(html)).toEqual([]);
    expect(html).toContain('Alex Morgan (you)');
    const rows = parse(html)
      .querySelectorAll('tbody tr')
      .map((tr) => tr.querySelectorAll('td').map((td) => td.text.replace(/\s+/g, ' ').trim()));
    expect(rows.map((cells) => [cells[0], cells[1], cells[4]])).toEqual([
      ['Name Alex Morgan (you)', 'Role Administrator', 'Sessions 1'],
      ['Name Sam Patel', 'Role Scheduler', 'Sessions 2'],
    ]);
    expect(html).toContain('name="subject" value="sub-sam"');
    expect(html).toContain('End every session');
    expect(html).toContain('<meta name="csrf-token"');
    expect(res.headers.get('cache-control')).toContain('no-store');
  });

  it('is for administrators only', async () => {
    expect((await page(scheduler)).status).toBe(403);
    expect((await post(scheduler, { subject: 'sub-alex' })).status).toBe(403);
    expect((await door.call(admin, 'GET', '/clinics')).status).toBe(200);
  });

  it("ends a person's sessions: they are signed out everywhere, and it is audited", async () => {
    // Act
    const res = await post(admin, { subject: 'sub-sam' });

    // Assess
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/sessions?ended=2');
    expect((await door.call(scheduler, 'GET', '/clinics')).status).toBe(401);
    const shown = await (await page(admin, '/staff/sessions?ended=2')).text();
    expect(shown).toContain('Ended 2 sessions.');
    expect(shown).not.toContain('sub-sam');
    const { items } = await auditByDay(deps.store, '2026-11-30');
    expect(items.find((e) => e.action === 'SESSIONS_ENDED')).toMatchObject({
      actorName: 'Alex Morgan',
      recordId: 'sub-sam',
    });
  });

  it('counts only sessions still live: one that had timed out already is not "ended" again', async () => {
    // Prepare: 20 minutes on, the administrator and one of Sam's two sessions are used (their idle time
    // starts again); 20 minutes later Sam's other session, unused for 40 minutes, has timed out.
    deps.clock.set('2026-11-30T10:20:00Z');
    expect((await page(admin)).status).toBe(200);
    expect((await door.call(scheduler, 'GET', '/clinics')).status).toBe(200);
    deps.clock.set('2026-11-30T10:40:00Z');

    // Act
    const res = await post(admin, { subject: 'sub-sam' });

    // Assess: one ended, not two; the page says so in words that fit one session.
    expect(res.headers.get('location')).toBe('/staff/sessions?ended=1');
    const shown = await (await page(admin, '/staff/sessions?ended=1')).text();
    expect(shown).toContain('Ended 1 session. Whoever was using it must sign in again.');
  });

  it("ends everyone's, the administrator's own included", async () => {
    // Act
    const res = await post(admin, { everyone: 'true' });

    // Assess
    expect(res.headers.get('location')).toBe('/staff/sessions?ended=3');
    expect((await door.call(scheduler, 'GET', '/clinics')).status).toBe(401);
    expect((await door.call(admin, 'GET', '/clinics')).status).toBe(401);
  });

  it('an empty subject says whose sessions are missing, not only that the form could not be read', async () => {
    // Act
    const res = await post(admin, { subject: '' });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    const text = parse(html).querySelector('main')?.text.replace(/\s+/g, ' ') ?? '';
    expect(text).toContain('Person: give the person whose sessions to end');
    expect(text).not.toContain('Too small');
    expect((await door.call(scheduler, 'GET', '/clinics')).status).toBe(200);
  });

  it('refuses a form without its CSRF token', async () => {
    expect((await post(admin, { subject: 'sub-sam' }, 'forged')).status).toBe(403);
    expect((await door.call(scheduler, 'GET', '/clinics')).status).toBe(200);
  });
});

/** The text of a page's <main>, spaces folded. */
const mainText = (html: string) => parse(html).querySelector('main')?.text.replace(/\s+/g, ' ').trim() ?? '';

describe('the person whose session has ended', () => {
  it('is told at their next page that an administrator signed them out (not who), with "Sign in again"', async () => {
    // Prepare
    await post(admin, { subject: 'sub-sam' });

    // Act
    const res = await page(scheduler, '/staff/today?date=2026-11-30');
    const html = await res.text();

    // Assess: a page, not a 500 nor a silent sign-in redirect; it passes the page checks.
    expect(res.status).toBe(200);
    expect(pageProblems(html)).toEqual([]);
    expect(parse(html).querySelector('h1')?.text).toBe('Your session has ended');
    const text = mainText(html);
    expect(text).toContain('An administrator has signed you out of Attend on every device.');
    expect(text).not.toContain('Alex Morgan');
    expect(text).not.toContain('Sam Patel');
    // Nothing of the session is left on the page: no navigation, no name, no sign-out form.
    expect(html).not.toContain('nhsuk-header__account');
    expect(html).not.toContain('csrf-token');
    // "Sign in again" goes back to the page asked for, and the cookie is cleared, so that link signs in.
    const again = parse(html).querySelector('main a.nhsuk-button');
    expect(again?.text.trim()).toBe('Sign in again');
    expect(again?.getAttribute('href')).toBe('/staff/today?date=2026-11-30');
    expect(res.headers.getSetCookie()).toEqual([
      '__Host-attend-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
    ]);
    expect(res.headers.get('cache-control')).toContain('no-store');
  });

  it('is told a form they sent after it ended was not saved, rather than an error page', async () => {
    // Prepare
    await post(admin, { subject: 'sub-sam' });

    // Act: the scheduler's form (here, the only POST page a test can reach) arrives after the ending.
    const res = await post(scheduler, { subject: 'sub-alex' });
    const text = mainText(await res.text());

    // Assess
    expect(res.status).toBe(200);
    expect(text).toContain('Your session has ended');
    expect(text).toContain('Anything you had not saved has not been kept.');
    expect((await door.call(admin, 'GET', '/clinics')).status).toBe(200);
  });

  it('tells the administrator who ended everyone’s that they ended their own as well', async () => {
    // Prepare
    const res = await post(admin, { everyone: 'true' });

    // Act: the redirect after the form.
    const next = await page(admin, res.headers.get('location')!);
    const text = mainText(await next.text());

    // Assess
    expect(next.status).toBe(200);
    expect(text).toContain(
      'You ended your own sessions, so you have been signed out of Attend on every device',
    );
    expect(text).not.toContain('An administrator');
  });

  it('says the session timed out after the idle time, or the longest a session lasts', async () => {
    // Act: 30 minutes after their last request.
    deps.clock.set('2026-11-30T10:30:00Z');
    const idle = mainText(await (await page(scheduler, '/')).text());
    // Assess
    expect(idle).toContain('because you had not used Attend for 30 minutes');

    // And a session whose cookie the table no longer knows (removed by TTL) ends in general words.
    const gone = await page({ ...scheduler, cookie: `__Host-attend-session=${'x'.repeat(43)}` }, '/');
    expect(gone.status).toBe(200);
    expect(mainText(await gone.text())).toContain(
      'Your session has ended You have been signed out of Attend.',
    );
  });

  it('is not shown to someone who never had a session here: they go to sign in', async () => {
    // Act
    const res = await door.app.handle(new Request(`${WEB_ORIGIN}/staff/today`));

    // Assess: the sign-in redirect (the test trust has no provider configured: not this page).
    expect(res.status).not.toBe(200);
    expect(await res.text()).not.toContain('Your session has ended');
  });
});
