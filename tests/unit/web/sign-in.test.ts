/** The browser door's routes on the page router: the provider's callback and sign-out (a POST with CSRF). */
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import type { CompleteSignInResult } from '#services/staff-auth.ts';
import { cspNonce, pageProblems } from '#tests/support/page-check.ts';
import { aStaffMember, staffSessionsFor, TEST_ORIGIN, webTestDeps } from '#tests/support/web.ts';
import { createWebApp } from '#web/app.ts';
import { csrfToken } from '#web/csrf.ts';
import type { SignInRoutes } from '#web/pages/sign-in.ts';

const person = aStaffMember({ name: 'Sam Patel', roles: ['scheduler'] });
const SESSION_COOKIE = '__Host-attend-session=token; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=43200';
const CLEAR_SIGN_IN = '__Host-attend-sign-in=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0';
const PROVIDER_SIGN_OUT =
  'https://login.example-idp.nhs.uk/logout?post_logout_redirect_uri=https%3A%2F%2Fattend';

function appWith(result: CompleteSignInResult, signedIn = true) {
  const calls: string[] = [];
  const auth: SignInRoutes = {
    completeSignIn: async () => {
      calls.push('completeSignIn');
      return result;
    },
    signOut: async () => {
      calls.push('signOut');
      return {
        ended: true,
        location: PROVIDER_SIGN_OUT,
        cookies: ['__Host-attend-session=; Path=/; Max-Age=0'],
      };
    },
  };
  const app = createWebApp(webTestDeps(), {
    staffSessions: staffSessionsFor(() => (signedIn ? person : undefined)),
    signIn: auth,
    formActionOrigins: ['https://login.example-idp.nhs.uk'],
  });
  return { app, calls };
}

const session = { ...person, createdAt: '', idleExpiresAt: '', absoluteExpiresAt: '' };

describe('GET /auth/callback', () => {
  it('sends a signed-in person on with the session cookie set', async () => {
    const { app } = appWith({
      kind: 'signed-in',
      location: '/staff/today',
      cookies: [SESSION_COOKIE, CLEAR_SIGN_IN],
      session,
      caller: { kind: 'oidc', subject: person.subject, name: person.name, roles: person.roles },
    });
    const response = await app.handle(new Request(`${TEST_ORIGIN}/auth/callback?code=c&state=s`));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/staff/today');
    expect(response.headers.getSetCookie()).toEqual([SESSION_COOKIE, CLEAR_SIGN_IN]);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('shows a refused sign-in a page that starts again, clearing the sign-in cookie', async () => {
    const { app } = appWith({ kind: 'refused', reason: 'callback-invalid', cookies: [CLEAR_SIGN_IN] }, false);
    const response = await app.handle(new Request(`${TEST_ORIGIN}/auth/callback?code=c&state=forged`));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(pageProblems(html, { nonce: cspNonce(response.headers.get('content-security-policy')) })).toEqual(
      [],
    );
    const doc = parse(html);
    expect(doc.querySelector('h1')?.text).toBe('Sorry, you could not be signed in');
    expect(doc.querySelector('main a')?.getAttribute('href')).toBe('/');
    expect(html).not.toContain('callback-invalid');
    expect(response.headers.getSetCookie()).toEqual([CLEAR_SIGN_IN]);
  });
});

describe('POST /auth/sign-out', () => {
  const post = (fields: Record<string, string>) =>
    new Request(`${TEST_ORIGIN}/auth/sign-out`, { method: 'POST', body: new URLSearchParams(fields) });

  it('ends the session and goes on to the provider’s sign-out, which the CSP lets the form reach', async () => {
    const { app, calls } = appWith({ kind: 'refused', reason: 'provider-error', cookies: [] });
    const response = await app.handle(post({ _csrf: csrfToken(person.csrfSecret) }));
    expect(calls).toEqual(['signOut']);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(PROVIDER_SIGN_OUT);
    expect(response.headers.getSetCookie()).toEqual(['__Host-attend-session=; Path=/; Max-Age=0']);
    expect(response.headers.get('content-security-policy')).toContain(
      "form-action 'self' https://login.example-idp.nhs.uk",
    );
  });

  it('refuses a sign-out without the session’s CSRF token (no forced sign-out from another site)', async () => {
    const { app, calls } = appWith({ kind: 'refused', reason: 'provider-error', cookies: [] });
    const response = await app.handle(post({}));
    expect(response.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('is a POST only: a GET does not sign anyone out', async () => {
    const { app, calls } = appWith({ kind: 'refused', reason: 'provider-error', cookies: [] });
    const response = await app.handle(new Request(`${TEST_ORIGIN}/auth/sign-out`));
    expect(response.status).toBe(405);
    expect(calls).toEqual([]);
  });
});
