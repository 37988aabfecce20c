/**
 * Staff sign-in, driven over HTTP against the local runtime's real OpenID Connect provider (mounted at
 * /oidc) the way a browser goes: the app's redirect, the login form, the credentials, the callback. The
 * sessions are in DynamoDB Local; time moves on the runtime's virtual clock, never by sleeping.
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomNonce, randomPKCECodeVerifier } from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSubject } from '#local/oidc-provider.ts';
import type { CompleteSignInResult, StaffSession } from '#services/staff-auth.ts';
import { tokenHash } from '#services/staff-cookies.ts';
import { type AuditEntry, auditByDay } from '#store/audit.ts';
import { staffSessions } from '#store/keys.ts';
import {
  clearReauthentication,
  getSession,
  reauthenticationMark,
  sessionsOfPerson,
} from '#store/sessions.ts';
import { TestBrowser } from '#tests/support/browser.ts';
import { appRequest, finishSignIn, loginAtProvider, signIn, startSignIn } from '#tests/support/sign-in.ts';
import { type SignInWorld, startSignInWorld } from '#tests/support/staff-auth.ts';
import { rawItem } from './helpers.ts';

const START = '2026-11-30T09:00:00.000Z';
let world: SignInWorld;
let origin: string;

beforeAll(async () => {
  world = await startSignInWorld(START);
  origin = world.runtime.url;
});

afterAll(async () => {
  await world?.stop();
});

const at = (iso: string) => world.runtime.clock.set(new Date(iso));

function signedIn(result: CompleteSignInResult): Extract<CompleteSignInResult, { kind: 'signed-in' }> {
  if (result.kind !== 'signed-in') throw new Error(`expected a session, got ${JSON.stringify(result)}`);
  return result;
}

async function auditOfToday(): Promise<AuditEntry[]> {
  return (await auditByDay(world.store, world.runtime.clock.now().toISOString().slice(0, 10), { limit: 500 }))
    .items;
}

/** Every stored item, as JSON text (a small test table). */
async function wholeTable(): Promise<string> {
  const out = await world.store.db.send(new ScanCommand({ TableName: world.store.table }));
  return JSON.stringify(out.Items ?? []);
}

/** The SIGN_IN_FAILED entries written at the current virtual instant. */
async function failuresNow(): Promise<(string | undefined)[]> {
  const now = world.runtime.clock.now().toISOString();
  return (await auditOfToday())
    .filter((e) => e.action === 'SIGN_IN_FAILED' && e.at === now)
    .map((e) => e.detail);
}

async function current(
  browser: TestBrowser,
  options?: { touch?: boolean },
): Promise<StaffSession | undefined> {
  return world.auth().currentSession(await appRequest(browser, `${origin}/staff/today`), options);
}

describe('signing in through the provider', () => {
  it('asks the provider for a code with PKCE S256, state, nonce and max_age, and binds it to the browser', async () => {
    // Prepare
    at(START);
    const auth = world.auth();
    const browser = new TestBrowser();

    // Act
    const begin = await auth.beginSignIn(await appRequest(browser, `${origin}/staff/inbox?page=2`));

    // Assess
    const url = new URL(begin.location);
    expect(`${url.origin}${url.pathname}`).toBe(`${world.runtime.idp.issuer}/auth`);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('max_age')).toBe('3600');
    expect(url.searchParams.get('redirect_uri')).toBe(`${origin}/auth/callback`);
    expect(url.searchParams.get('scope')).toBe('openid profile email');
    // The sign-in cookie: a random value only, HttpOnly, Lax; plain http://localhost, so neither Secure nor __Host-.
    expect(begin.cookies).toHaveLength(1);
    expect(begin.cookies[0]).toMatch(
      /^attend-signin=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    // The verifier and nonce stay on the server, never in the URL.
    const stored = await rawItem(world.store, staffSessions.signIn(url.searchParams.get('state')!));
    expect(stored?.returnTo).toBe('/staff/inbox?page=2');
    expect(begin.location).not.toContain(String(stored?.codeVerifier));
  });

  it('signs a scheduler in: a server-side session named for the person, a random-id cookie, and an audit entry', async () => {
    // Prepare
    at(START);
    const browser = new TestBrowser();

    // Act
    const result = signedIn(await signIn(world.auth(), browser, origin, 'scheduler@example.nhs.uk'));

    // Assess
    expect(result.session).toMatchObject({
      subject: demoSubject('scheduler@example.nhs.uk'),
      name: 'Sam Patel',
      roles: ['scheduler'],
      createdAt: START,
      idleExpiresAt: '2026-11-30T09:30:00.000Z',
      absoluteExpiresAt: '2026-11-30T21:00:00.000Z',
    });
    expect(result.caller).toEqual({
      kind: 'oidc',
      subject: demoSubject('scheduler@example.nhs.uk'),
      name: 'Sam Patel',
      roles: ['scheduler'],
      sessionId: result.session.id,
    });
    expect(result.location).toBe('/');
    const [cookie] = result.cookies;
    expect(cookie).toMatch(/^attend-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const token = /^attend-session=([^;]+)/.exec(cookie!)![1]!;
    // The table keys the session by the token's hash; the token itself is stored nowhere.
    expect(result.session.id).toBe(tokenHash(token));
    expect(await rawItem(world.store, staffSessions.session(result.session.id))).toMatchObject({
      name: 'Sam Patel',
    });
    expect(await wholeTable()).not.toContain(token);
    // The browser now has a session the app recognises.
    expect((await current(browser))?.id).toBe(result.session.id);
    const entry = (await auditOfToday()).find(
      (e) => e.action === 'SIGN_IN' && e.sessionId === result.session.id,
    );
    expect(entry).toMatchObject({
      actor: demoSubject('scheduler@example.nhs.uk'),
      actorKind: 'oidc',
      actorName: 'Sam Patel',
      detail: 'roles: scheduler',
    });
  });

  it('gives each demo account its role from the Entra-style roles claim', async () => {
    at(START);
    const cases = [
      ['health-visitor@example.nhs.uk', 'Grace Adeyemi', ['health-visitor']],
      ['manager@example.nhs.uk', 'Tom Hughes', ['manager']],
      ['admin@example.nhs.uk', 'Alex Morgan', ['admin']],
    ] as const;
    for (const [email, name, roles] of cases) {
      const result = signedIn(await signIn(world.auth(), new TestBrowser(), origin, email));
      expect(result.session).toMatchObject({ name, roles });
    }
  });

  it('shows the login form again with an error message after a wrong password, and does not come back', async () => {
    // Prepare
    at(START);
    const browser = new TestBrowser();
    const authorizationUrl = await startSignIn(world.auth(), browser, `${origin}/`);

    // Act
    const visit = await loginAtProvider(browser, authorizationUrl, origin, {
      email: 'scheduler@example.nhs.uk',
      password: 'wrong',
    });

    // Assess
    expect(visit.callbackUrl).toBeUndefined();
    expect(visit.loginForm).toContain('<label for="email">Email address</label>');
    expect(visit.loginForm).toContain('<label for="password">Password</label>');
    expect(visit.page?.status).toBe(200);
    expect(visit.page?.html).toContain('role="alert"');
    expect(visit.page?.html).toContain('Enter a correct email address and password');
    expect(visit.page?.html).toContain('aria-invalid="true" aria-describedby="password-error"');
    expect(visit.page?.html).toContain('<title>Error: Sign in');
    expect(visit.page?.html).toContain('value="scheduler@example.nhs.uk"');
  });

  it('signs a person with no mapped role in with no roles, for the "no access" page only, and audits the refusal', async () => {
    // Prepare
    at(START);
    const browser = new TestBrowser();

    // Act
    const result = await signIn(world.auth(), browser, origin, 'no-access@example.nhs.uk');

    // Assess
    if (result.kind !== 'no-access') throw new Error(`expected no access, got ${result.kind}`);
    expect(result.location).toBe('/auth/no-access');
    expect(result.session).toMatchObject({ name: 'Jamie Lee', roles: [] });
    expect(result.caller.roles).toEqual([]);
    // The session exists so the page can name the person and offer sign-out, but it holds no role.
    expect((await current(browser))?.roles).toEqual([]);
    const entries = (await auditOfToday()).filter((e) => e.actor === demoSubject('no-access@example.nhs.uk'));
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'ACCESS_REFUSED',
        actorKind: 'oidc',
        actorName: 'Jamie Lee',
        sessionId: result.session.id,
        detail: 'no mapped role',
      }),
    ]);
  });
});

describe('what the callback refuses', () => {
  /** Starts a sign-in and logs in at the provider; returns the callback URL, not yet handed to the app. */
  async function toCallback(browser: TestBrowser, email = 'scheduler@example.nhs.uk') {
    const authorizationUrl = await startSignIn(world.auth(), browser, `${origin}/`);
    const state = new URL(authorizationUrl).searchParams.get('state')!;
    return {
      state,
      login: () => loginAtProvider(browser, authorizationUrl, origin, { email, password: 'attend-demo' }),
    };
  }

  async function changeSignIn(state: string, field: 'codeVerifier' | 'nonce', value: string) {
    await world.store.db.send(
      new UpdateCommand({
        TableName: world.store.table,
        Key: staffSessions.signIn(state),
        UpdateExpression: 'SET #f = :v',
        ExpressionAttributeNames: { '#f': field },
        ExpressionAttributeValues: { ':v': value },
      }),
    );
  }

  it('refuses a callback whose state is not one this app issued', async () => {
    at(START);
    const browser = new TestBrowser();
    const { login } = await toCallback(browser);
    const { callbackUrl } = await login();
    const forged = new URL(callbackUrl!);
    forged.searchParams.set('state', randomNonce());

    expect(await finishSignIn(world.auth(), browser, forged.href)).toEqual({
      kind: 'refused',
      reason: 'unknown-sign-in',
      cookies: [],
    });
  });

  it('refuses a callback replayed, and one arriving in a browser that did not start the sign-in', async () => {
    at(START);
    const browser = new TestBrowser();
    const { login } = await toCallback(browser);
    const { callbackUrl } = await login();

    // Another browser (login CSRF: an attacker's code pushed into a victim's browser).
    const other = new TestBrowser();
    await startSignIn(world.auth(), other, `${origin}/`); // it has a sign-in cookie of its own
    expect((await finishSignIn(world.auth(), other, callbackUrl!)).kind).toBe('refused');
    // That attempt used the sign-in up, so even the right browser cannot use the same callback again.
    expect(await finishSignIn(world.auth(), browser, callbackUrl!)).toMatchObject({
      reason: 'unknown-sign-in',
    });

    // And a good sign-in can be used once only.
    const second = await toCallback(browser);
    const again = await second.login();
    expect((await finishSignIn(world.auth(), browser, again.callbackUrl!)).kind).toBe('signed-in');
    expect(await finishSignIn(world.auth(), browser, again.callbackUrl!)).toMatchObject({
      reason: 'unknown-sign-in',
    });
  });

  it('refuses the code when the PKCE verifier is not the one the challenge was made from', async () => {
    at('2026-11-30T09:01:00.000Z');
    const browser = new TestBrowser();
    const { state, login } = await toCallback(browser);
    await changeSignIn(state, 'codeVerifier', randomPKCECodeVerifier());
    const { callbackUrl } = await login();

    expect(await finishSignIn(world.auth(), browser, callbackUrl!)).toMatchObject({
      kind: 'refused',
      reason: 'token-exchange-failed',
    });
    expect(await failuresNow()).toEqual(['token-exchange-failed (invalid_grant)']);
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    at('2026-11-30T09:02:00.000Z');
    const browser = new TestBrowser();
    const { state, login } = await toCallback(browser);
    await changeSignIn(state, 'nonce', randomNonce());
    const { callbackUrl } = await login();

    expect(await finishSignIn(world.auth(), browser, callbackUrl!)).toMatchObject({
      kind: 'refused',
      reason: 'id-token-invalid',
    });
    expect(await failuresNow()).toEqual(['id-token-invalid (OAUTH_JWT_CLAIM_COMPARISON_FAILED)']);
  });

  it('refuses an ID token altered on its way from the token endpoint (its signature no longer holds)', async () => {
    at('2026-11-30T09:03:00.000Z');
    const browser = new TestBrowser();
    const { login } = await toCallback(browser);
    const { callbackUrl } = await login();
    // The scheduler's token, rewritten to claim the admin role.
    const tamper = world.auth({
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        if (!new URL(url).pathname.endsWith('/token')) return response;
        const body = (await response.json()) as { id_token: string };
        const [header, payload, signature] = body.id_token.split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<
          string,
          unknown
        >;
        claims.roles = ['Attend.Admin'];
        body.id_token = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join(
          '.',
        );
        return new Response(JSON.stringify(body), {
          status: response.status,
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        });
      },
    });

    const result = await finishSignIn(tamper, browser, callbackUrl!);

    expect(result).toMatchObject({ kind: 'refused', reason: 'id-token-invalid' });
    expect(await failuresNow()).toEqual(['id-token-invalid (OAUTH_INVALID_RESPONSE)']);
    expect(await current(browser)).toBeUndefined();
  });

  it('refuses an expired ID token', async () => {
    at('2026-11-30T09:04:00.000Z');
    const browser = new TestBrowser();
    const { login } = await toCallback(browser);
    const { callbackUrl } = await login();
    // The provider's tokens live an hour; checked two hours on, this one has expired. (The authentication
    // may be a day old here, so that only the token's own expiry is at fault.)
    const lenient = {
      ...world.config,
      staffAccess: {
        ...world.config.staffAccess,
        oidc: { ...world.config.staffAccess.oidc!, maxAuthAgeMinutes: 24 * 60 },
      },
    };
    const later = world.auth({ config: lenient, tokenClock: () => Date.now() + 2 * 3_600_000 });

    expect(await finishSignIn(later, browser, callbackUrl!)).toMatchObject({
      kind: 'refused',
      reason: 'id-token-invalid',
    });
    expect(await failuresNow()).toEqual(['id-token-invalid (OAUTH_JWT_TIMESTAMP_CHECK_FAILED)']);
  });

  it('refuses an authentication older than maxAuthAgeMinutes (auth_time), and accepts a recent one', async () => {
    at('2026-11-30T09:05:00.000Z');
    const strict = {
      ...world.config,
      staffAccess: {
        ...world.config.staffAccess,
        oidc: { ...world.config.staffAccess.oidc!, maxAuthAgeMinutes: 5 },
      },
    };
    const attempt = async (minutesLater: number) => {
      const browser = new TestBrowser();
      const auth = world.auth({ config: strict, tokenClock: () => Date.now() + minutesLater * 60_000 });
      const authorizationUrl = await startSignIn(auth, browser, `${origin}/`);
      const visit = await loginAtProvider(browser, authorizationUrl, origin, {
        email: 'manager@example.nhs.uk',
        password: 'attend-demo',
      });
      return finishSignIn(auth, browser, visit.callbackUrl!);
    };

    // Four minutes after the password was typed: recent enough (and the token is still valid).
    expect((await attempt(4)).kind).toBe('signed-in');
    // Ten minutes after: the token is still valid (an hour), but the authentication is too old.
    expect(await attempt(10)).toMatchObject({ kind: 'refused', reason: 'id-token-invalid' });
    expect(await failuresNow()).toEqual(['id-token-invalid (OAUTH_JWT_TIMESTAMP_CHECK_FAILED)']);
  });

  it('refuses a sign-in that comes back after ten minutes', async () => {
    at(START);
    const browser = new TestBrowser();
    const { login } = await toCallback(browser);
    const { callbackUrl } = await login();
    at('2026-11-30T09:10:00.000Z');

    expect(await finishSignIn(world.auth(), browser, callbackUrl!)).toMatchObject({
      reason: 'sign-in-expired',
    });
  });
});

describe('sessions', () => {
  it('ends after 30 idle minutes; requests slide the idle expiry, background polling does not', async () => {
    // Prepare
    at(START);
    const browser = new TestBrowser();
    const { session } = signedIn(
      await signIn(world.auth(), browser, origin, 'health-visitor@example.nhs.uk'),
    );

    // Act and assess: a page view at 09:20 slides the expiry to 09:50.
    at('2026-11-30T09:20:00.000Z');
    expect((await current(browser))?.idleExpiresAt).toBe('2026-11-30T09:50:00.000Z');
    // The inbox polls at 09:45 without touching: still live, expiry unchanged.
    at('2026-11-30T09:45:00.000Z');
    expect((await current(browser, { touch: false }))?.idleExpiresAt).toBe('2026-11-30T09:50:00.000Z');
    // 09:50: thirty minutes after the last real request, the session is over, and removed.
    at('2026-11-30T09:50:00.000Z');
    expect(await current(browser)).toBeUndefined();
    expect(await rawItem(world.store, staffSessions.session(session.id))).toBeUndefined();
    const entries = await sessionsOfPerson(world.store, session.subject);
    expect(entries.map((e) => e.sessionId)).not.toContain(session.id);
  });

  it('ends 12 hours after sign-in however busy the person is', async () => {
    // Prepare
    at(START);
    const browser = new TestBrowser();
    const { session } = signedIn(await signIn(world.auth(), browser, origin, 'manager@example.nhs.uk'));

    // Act: a request every 25 minutes all day.
    let last: StaffSession | undefined;
    for (let minutes = 25; minutes < 12 * 60; minutes += 25) {
      at(new Date(Date.parse(START) + minutes * 60_000).toISOString());
      last = await current(browser);
      expect(last?.id).toBe(session.id);
    }
    // The last slide stops at the absolute limit rather than going past it.
    expect(last?.idleExpiresAt).toBe('2026-11-30T21:00:00.000Z');
    at('2026-11-30T21:00:00.000Z');

    // Assess
    expect(await current(browser)).toBeUndefined();
  });

  it('sign-out ends the session everywhere, clears the cookie, sends the browser to the provider to sign out, and is audited', async () => {
    // Prepare
    at(START);
    const browser = new TestBrowser();
    const { session } = signedIn(await signIn(world.auth(), browser, origin, 'scheduler@example.nhs.uk'));
    // The same cookie in a second place (another tab, or a copy of it).
    const copy = new TestBrowser();
    await copy.store(origin, [
      `attend-session=${/attend-session=([^;]+)/.exec(await browser.cookieHeader(origin))![1]}`,
    ]);
    expect((await current(copy))?.id).toBe(session.id);

    // Act
    const out = await world
      .auth()
      .signOut(await appRequest(browser, `${origin}/auth/sign-out`, { method: 'POST' }));

    // Assess
    expect(out.ended).toBe(true);
    expect(out.cookies).toEqual([
      'attend-session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      'attend-reauth=1; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax',
    ]);
    const provider = new URL(out.location);
    expect(`${provider.origin}${provider.pathname}`).toBe(`${world.runtime.idp.issuer}/session/end`);
    expect(provider.searchParams.get('post_logout_redirect_uri')).toBe(`${origin}/`);
    expect(await current(copy)).toBeUndefined();
    expect(await rawItem(world.store, staffSessions.session(session.id))).toBeUndefined();
    const entry = (await auditOfToday()).find((e) => e.action === 'SIGN_OUT' && e.recordId === session.id);
    expect(entry).toMatchObject({ actorName: 'Sam Patel', actorKind: 'oidc', sessionId: session.id });
    // The provider's sign-out page is a real form (local provider).
    const page = await browser.request(out.location);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sign out of the demo identity provider');
  });

  it('makes the provider ask for credentials again at the next sign-in after a sign-out (a shared computer)', async () => {
    // Prepare: signed in, so the provider's own session is open in this browser.
    at(START);
    const browser = new TestBrowser();
    signedIn(await signIn(world.auth(), browser, origin, 'scheduler@example.nhs.uk'));
    // While the provider's session is open, a new sign-in goes straight back without asking.
    const silent = await loginAtProvider(
      browser,
      await startSignIn(world.auth(), browser, `${origin}/`),
      origin,
      { email: 'scheduler@example.nhs.uk', password: 'attend-demo' },
    );
    expect(silent.loginForm).toBeUndefined();
    signedIn(await finishSignIn(world.auth(), browser, silent.callbackUrl!));

    // Act: sign out, and walk away from the provider's sign-out page without pressing its button.
    const out = await world
      .auth()
      .signOut(await appRequest(browser, `${origin}/auth/sign-out`, { method: 'POST' }));
    await browser.store(`${origin}/`, out.cookies);
    const next = await startSignIn(world.auth(), browser, `${origin}/`);

    // Assess: the provider is told to ask again, and does (another person signing in on the same
    // computer is in tests/browser/sign-in.test.ts, where the provider's page script can run).
    expect(new URL(next).searchParams.get('prompt')).toBe('login');
    const visit = await loginAtProvider(browser, next, origin, {
      email: 'scheduler@example.nhs.uk',
      password: 'attend-demo',
    });
    expect(visit.loginForm).toContain('Sign in to Attend');
    expect(visit.loginForm).toContain('name="password"');
    const second = signedIn(await finishSignIn(world.auth(), browser, visit.callbackUrl!));
    expect(second.session.name).toBe('Sam Patel');
    // That completed sign-in clears the marker: sign-ins after it are single sign-on again.
    expect(second.cookies).toContain('attend-reauth=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');
    await browser.store(`${origin}/`, second.cookies);
    expect(
      new URL(await startSignIn(world.auth(), browser, `${origin}/`)).searchParams.get('prompt'),
    ).toBeNull();
  });

  it('ends every session of one person, then every session of everyone, each audited with who did it', async () => {
    // Prepare: the manager on two devices, and the admin.
    at(START);
    const laptop = new TestBrowser();
    const phone = new TestBrowser();
    const adminBrowser = new TestBrowser();
    signedIn(await signIn(world.auth(), laptop, origin, 'manager@example.nhs.uk'));
    signedIn(await signIn(world.auth(), phone, origin, 'manager@example.nhs.uk'));
    const admin = signedIn(await signIn(world.auth(), adminBrowser, origin, 'admin@example.nhs.uk'));
    const manager = demoSubject('manager@example.nhs.uk');
    expect((await sessionsOfPerson(world.store, manager)).length).toBeGreaterThanOrEqual(2);

    // Act
    const mine = await world.auth().endAllSessions(admin.caller, { subject: manager });

    // Assess
    expect(mine.ended).toBeGreaterThanOrEqual(2);
    expect(await current(laptop)).toBeUndefined();
    expect(await current(phone)).toBeUndefined();
    expect((await current(adminBrowser))?.id).toBe(admin.session.id);
    expect(await sessionsOfPerson(world.store, manager)).toEqual([]);

    // Act: an administrator ends every session (an incident).
    const all = await world.auth().endAllSessions(admin.caller, 'everyone');

    // Assess
    expect(all.ended).toBeGreaterThanOrEqual(1);
    expect(await current(adminBrowser)).toBeUndefined();
    const ended = (await auditOfToday()).filter((e) => e.action === 'SESSIONS_ENDED');
    expect(ended.map((e) => [e.actorName, e.recordId])).toEqual(
      expect.arrayContaining([
        ['Alex Morgan', manager],
        ['Alex Morgan', undefined],
      ]),
    );
  });

  it('makes a person whose sessions were ended by someone else authenticate again, though the provider still has their session', async () => {
    // Prepare: the scheduler signed in on a laptop (so the provider's session is open there).
    at(START);
    const laptop = new TestBrowser();
    const credentials = { email: 'scheduler@example.nhs.uk', password: 'attend-demo' };
    signedIn(await signIn(world.auth(), laptop, origin, credentials.email));
    const admin = signedIn(await signIn(world.auth(), new TestBrowser(), origin, 'admin@example.nhs.uk'));
    // The administrator acts a few seconds after the scheduler authenticated (auth_time has whole seconds).
    const later = world.auth({ tokenClock: () => Date.now() + 5_000 });
    await later.endAllSessions(admin.caller, { subject: demoSubject(credentials.email) });
    expect(await current(laptop)).toBeUndefined();

    // Act: the scheduler opens Attend again on the laptop; the provider does not ask (its session is open).
    const silent = await loginAtProvider(
      laptop,
      await startSignIn(world.auth(), laptop, `${origin}/`),
      origin,
      credentials,
    );
    expect(silent.loginForm).toBeUndefined();
    const bounced = await finishSignIn(world.auth(), laptop, silent.callbackUrl!);

    // Assess: no session from that; round again with prompt=login, and this time the provider asks.
    if (bounced.kind !== 'reauthenticate') throw new Error(`expected a second round, got ${bounced.kind}`);
    expect(await current(laptop)).toBeUndefined();
    expect(new URL(bounced.location).searchParams.get('prompt')).toBe('login');
    const asked = await loginAtProvider(laptop, bounced.location, origin, credentials);
    expect(asked.loginForm).toContain('name="password"');
    signedIn(await finishSignIn(world.auth(), laptop, asked.callbackUrl!));
    // The mark is gone with that sign-in: the next one is single sign-on again.
    const after = await loginAtProvider(
      laptop,
      await startSignIn(world.auth(), laptop, `${origin}/`),
      origin,
      credentials,
    );
    expect(after.loginForm).toBeUndefined();
    signedIn(await finishSignIn(world.auth(), laptop, after.callbackUrl!));
  });

  it('asks for credentials again when the sessions were ended in the very second the person authenticated', async () => {
    // Prepare: the scheduler signs in; an administrator ends their sessions within the same second of
    // their authentication (auth_time has whole seconds, so the two cannot be told apart by it).
    at(START);
    const laptop = new TestBrowser();
    const credentials = { email: 'scheduler@example.nhs.uk', password: 'attend-demo' };
    const first = signedIn(await signIn(world.auth(), laptop, origin, credentials.email));
    const authTime = (await getSession(world.store, first.session.id))?.authTime;
    if (!authTime) throw new Error('the local provider gives auth_time');
    const admin = signedIn(await signIn(world.auth(), new TestBrowser(), origin, 'admin@example.nhs.uk'));
    const sameSecond = world.auth({ tokenClock: () => Date.parse(authTime) + 500 });
    await sameSecond.endAllSessions(admin.caller, { subject: demoSubject(credentials.email) });

    // Act: the scheduler opens Attend again; the provider's session would let them in without asking.
    const silent = await loginAtProvider(
      laptop,
      await startSignIn(world.auth(), laptop, `${origin}/`),
      origin,
      credentials,
    );
    const bounced = await finishSignIn(world.auth(), laptop, silent.callbackUrl!);

    // Assess: round again with prompt=login, as for an authentication before the ending: on the safe side.
    if (bounced.kind !== 'reauthenticate') throw new Error(`expected a second round, got ${bounced.kind}`);
    const asked = await loginAtProvider(laptop, bounced.location, origin, credentials);
    expect(asked.loginForm).toContain('name="password"');
    signedIn(await finishSignIn(world.auth(), laptop, asked.callbackUrl!));
  });

  it('tells a person whose sessions an administrator ended why, once, and "Sign in again" signs them in with their password', async () => {
    // Prepare: the scheduler signed in on a laptop; an administrator ends their sessions.
    at(START);
    const laptop = new TestBrowser();
    const credentials = { email: 'scheduler@example.nhs.uk', password: 'attend-demo' };
    signedIn(await signIn(world.auth(), laptop, origin, credentials.email));
    const admin = signedIn(await signIn(world.auth(), new TestBrowser(), origin, 'admin@example.nhs.uk'));
    await world
      .auth({ tokenClock: () => Date.now() + 5_000 })
      .endAllSessions(admin.caller, { subject: demoSubject(credentials.email) });

    // Act: their next page, over HTTP to the running app.
    const res = await laptop.request(`${origin}/staff/inbox`);
    const html = await res.text();

    // Assess: a page saying why (not who), and the cookie cleared.
    expect(res.status).toBe(200);
    expect(html).toContain('<h1>Your session has ended</h1>');
    expect(html).toContain('An administrator has signed you out of Attend on every device.');
    expect(html).not.toContain('Alex Morgan');
    expect(await laptop.cookieHeader(origin)).not.toContain('attend-session=');
    const again = /<a href="([^"]+)"[^>]*class="nhsuk-button"|class="nhsuk-button"[^>]*href="([^"]+)"/.exec(
      html,
    );
    const href = again?.[1] ?? again?.[2];
    expect(href).toBe('/staff/inbox');

    // Act: "Sign in again" is a plain link: it goes to the provider (no loop back to this page)…
    const visit = await loginAtProvider(laptop, `${origin}${href}`, origin, credentials);
    const back = await finishSignIn(world.auth(), laptop, visit.callbackUrl!);
    // …whose session from before the ending is not enough: round again, and it asks for the password.
    if (back.kind !== 'reauthenticate') throw new Error(`expected a second round, got ${back.kind}`);
    const asked = await loginAtProvider(laptop, back.location, origin, credentials);
    expect(asked.loginForm).toContain('name="password"');
    const done = signedIn(await finishSignIn(world.auth(), laptop, asked.callbackUrl!));
    expect(done.location).toBe('/staff/inbox');
    expect((await laptop.request(`${origin}/staff/inbox`)).status).toBe(200);
  });

  it('tells a person whose session timed out, or was signed out from a copy of its cookie, which it was', async () => {
    // Prepare
    at(START);
    const browser = new TestBrowser();
    signedIn(await signIn(world.auth(), browser, origin, 'health-visitor@example.nhs.uk'));

    // Act: 30 minutes idle.
    at('2026-11-30T09:30:00.000Z');
    const idle = await browser.request(`${origin}/`);

    // Assess
    expect(idle.status).toBe(200);
    expect(await idle.text()).toContain('because you had not used Attend for 30 minutes');
    // Once: the cookie is gone, so the next visit goes to sign in.
    const next = await browser.request(`${origin}/`);
    expect(next.status).toBe(302);
    expect(next.headers.get('location')).toContain('/oidc/');

    // A session signed out elsewhere (a second tab's copy of the cookie) says so.
    at(START);
    const other = new TestBrowser();
    signedIn(await signIn(world.auth(), other, origin, 'manager@example.nhs.uk'));
    const copy = new TestBrowser();
    await copy.store(origin, [
      `attend-session=${/attend-session=([^;]+)/.exec(await other.cookieHeader(origin))![1]}`,
    ]);
    await world.auth().signOut(await appRequest(other, `${origin}/auth/sign-out`, { method: 'POST' }));
    const signedOut = await copy.request(`${origin}/`);
    expect(await signedOut.text()).toContain('You signed out of Attend.');
  });

  it("marks the person to authenticate again when one session is ended, or everyone's are", async () => {
    at(START);
    const admin = signedIn(await signIn(world.auth(), new TestBrowser(), origin, 'admin@example.nhs.uk'));
    const one = signedIn(
      await signIn(world.auth(), new TestBrowser(), origin, 'health-visitor@example.nhs.uk'),
    );
    const other = signedIn(await signIn(world.auth(), new TestBrowser(), origin, 'manager@example.nhs.uk'));
    await clearReauthentication(world.store, one.session.subject);
    await clearReauthentication(world.store, other.session.subject);

    await world.auth().endSession(admin.caller, one.session.id);
    expect(await reauthenticationMark(world.store, one.session.subject)).toBeTypeOf('number');
    expect(await reauthenticationMark(world.store, other.session.subject)).toBeUndefined();

    await world.auth().endAllSessions(admin.caller, 'everyone');
    expect(await reauthenticationMark(world.store, other.session.subject)).toBeTypeOf('number');
  });

  it('ends one session by its id (an administrator signing a lost device out)', async () => {
    at(START);
    const browser = new TestBrowser();
    const { session } = signedIn(await signIn(world.auth(), browser, origin, 'scheduler@example.nhs.uk'));
    const admin = signedIn(await signIn(world.auth(), new TestBrowser(), origin, 'admin@example.nhs.uk'));

    expect(await world.auth().endSession(admin.caller, session.id)).toEqual({ ended: true });
    expect(await world.auth().endSession(admin.caller, session.id)).toEqual({ ended: false });
    expect(await current(browser)).toBeUndefined();
    const entry = (await auditOfToday()).find(
      (e) => e.action === 'SESSION_ENDED' && e.recordId === session.id,
    );
    expect(entry).toMatchObject({ actorName: 'Alex Morgan', detail: `of ${session.subject}` });
  });

  it('gives every session its own 256-bit CSRF secret, which ends with the session', async () => {
    at(START);
    const one = new TestBrowser();
    const two = new TestBrowser();
    const first = signedIn(await signIn(world.auth(), one, origin, 'scheduler@example.nhs.uk'));
    const second = signedIn(await signIn(world.auth(), two, origin, 'scheduler@example.nhs.uk'));

    expect(Buffer.from(first.session.csrfSecret, 'base64url')).toHaveLength(32);
    expect(first.session.csrfSecret).not.toBe(second.session.csrfSecret);
    // Stable for the life of the session, so a form rendered earlier still verifies.
    at('2026-11-30T09:10:00.000Z');
    expect((await current(one))?.csrfSecret).toBe(first.session.csrfSecret);
    await world.auth().signOut(await appRequest(one, `${origin}/auth/sign-out`, { method: 'POST' }));
    expect(await current(one)).toBeUndefined();
  });

  it('starts a fresh session at each sign-in and ends the one the browser had', async () => {
    at(START);
    const browser = new TestBrowser();
    const first = signedIn(await signIn(world.auth(), browser, origin, 'scheduler@example.nhs.uk'));
    const second = signedIn(await signIn(world.auth(), browser, origin, 'scheduler@example.nhs.uk'));

    expect(second.session.id).not.toBe(first.session.id);
    expect(await rawItem(world.store, staffSessions.session(first.session.id))).toBeUndefined();
    expect((await current(browser))?.id).toBe(second.session.id);
  });
});
