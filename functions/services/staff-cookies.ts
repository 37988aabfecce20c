/**
 * The staff app's cookies. Each holds only a random value: the session cookie a 256-bit token (the
 * table keys the session by its hash), the sign-in cookie a 256-bit value that binds a sign-in to the
 * browser that started it. Both are HttpOnly and SameSite=Lax (Lax, not Strict, so the cookie comes
 * back on the identity provider's redirect to /auth/callback); on HTTPS they are Secure with the
 * `__Host-` prefix (no Domain, Path=/), and only http://localhost may do without.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';

export interface CookiePolicy {
  readonly secure: boolean;
  readonly sessionName: string;
  readonly signInName: string;
  /** Set by a sign-out: the next sign-in from this browser must authenticate again at the provider. */
  readonly reauthName: string;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The cookie names and flags for the app's public origin. */
export function cookiePolicy(publicOrigin: string): CookiePolicy {
  const url = new URL(publicOrigin);
  if (url.protocol === 'https:') {
    return {
      secure: true,
      sessionName: '__Host-attend-session',
      signInName: '__Host-attend-signin',
      reauthName: '__Host-attend-reauth',
    };
  }
  if (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)) {
    // Browsers drop Secure cookies on plain http; the local runtime is the only http origin allowed.
    return {
      secure: false,
      sessionName: 'attend-session',
      signInName: 'attend-signin',
      reauthName: 'attend-reauth',
    };
  }
  throw new Error(`the web origin must be https:// (or http://localhost locally), not ${url.origin}`);
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh 256-bit random token, base64url (43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of a token, base64url: what the table stores instead of the token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Constant-time comparison of two hashes or tokens. */
export function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A cookie's value from a request, if it has the shape of a token (anything else is ignored). */
export function readTokenCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie');
  if (!header) return undefined;
  const value = parseCookie(header)[name];
  return value && TOKEN.test(value) ? value : undefined;
}

function setCookie(policy: CookiePolicy, name: string, value: string, maxAge?: number): string {
  return stringifySetCookie({
    name,
    value,
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: policy.secure,
    ...(maxAge !== undefined ? { maxAge } : {}),
  });
}

/** The session cookie: no Max-Age, so it ends with the browser; the server ends it sooner. */
export function sessionCookie(policy: CookiePolicy, token: string): string {
  return setCookie(policy, policy.sessionName, token);
}

export function clearSessionCookie(policy: CookiePolicy): string {
  return setCookie(policy, policy.sessionName, '', 0);
}

export function signInCookie(policy: CookiePolicy, value: string, maxAgeSeconds: number): string {
  return setCookie(policy, policy.signInName, value, maxAgeSeconds);
}

/**
 * The sign-out marker. It holds no token and nothing personal, only `1`: "someone signed out here, so
 * the next sign-in must ask for credentials again" (`prompt=login`). It outlives the browser session,
 * for as long as an authentication from before the sign-out could still be accepted (the caller passes
 * `maxAuthAgeMinutes`; after that `max_age` makes the provider ask anyway); a completed sign-in clears it.
 */
export function reauthCookie(policy: CookiePolicy, maxAgeSeconds: number): string {
  return setCookie(policy, policy.reauthName, '1', maxAgeSeconds);
}

export function clearReauthCookie(policy: CookiePolicy): string {
  return setCookie(policy, policy.reauthName, '', 0);
}

/** Whether a request carries the sign-out marker. */
export function hasReauthCookie(request: Request, policy: CookiePolicy): boolean {
  const header = request.headers.get('cookie');
  return header ? parseCookie(header)[policy.reauthName] === '1' : false;
}
