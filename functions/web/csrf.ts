/**
 * CSRF tokens for every state-changing browser request (synchroniser tokens, one secret per session).
 *
 * A token is a fresh random salt and the HMAC-SHA256 of that salt under the session's secret, so each
 * rendered form carries a different token (nothing constant for a compression side channel to recover),
 * and any of them is valid for the session's lifetime. Verification recomputes the HMAC and compares in
 * constant time. The secret lives only in the server-side session, never in a cookie or a page.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The form field every POST form carries (written by the shared form macro). */
export const CSRF_FIELD = '_csrf';
/** The header a script-sent request may use instead of the field. */
export const CSRF_HEADER = 'x-csrf-token';

const SALT_BYTES = 16;
const MAC_BYTES = 32;
const DOMAIN = 'attend-csrf-v1';

/** A new per-session secret: 32 random bytes, base64url. The sessions store keeps it in the session. */
export function newCsrfSecret(): string {
  return randomBytes(32).toString('base64url');
}

function mac(secret: string, salt: Buffer): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'base64url')).update(DOMAIN).update(salt).digest();
}

/** A token for one form: base64url(salt ‖ HMAC(secret, salt)). */
export function csrfToken(secret: string): string {
  if (!secret) throw new Error('csrfToken needs the session’s CSRF secret');
  const salt = randomBytes(SALT_BYTES);
  return Buffer.concat([salt, mac(secret, salt)]).toString('base64url');
}

/** Whether `token` was made by csrfToken with this secret; constant time in the token's content. */
export function verifyCsrfToken(secret: string, token: string | null | undefined): boolean {
  if (!secret || typeof token !== 'string' || token.length > 200) return false;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== SALT_BYTES + MAC_BYTES) return false;
  const expected = mac(secret, raw.subarray(0, SALT_BYTES));
  return timingSafeEqual(expected, raw.subarray(SALT_BYTES));
}

/**
 * The token a request presents: the form field, else the header. `fields` is the parsed form body
 * (urlencoded or multipart).
 */
export function presentedCsrfToken(
  request: Request,
  fields: URLSearchParams | undefined,
): string | undefined {
  return fields?.get(CSRF_FIELD) ?? request.headers.get(CSRF_HEADER) ?? undefined;
}
