/**
 * The one function that sets the security headers of every browser response (pages, error pages,
 * redirects and assets). A test checks each header.
 */
import { randomBytes } from 'node:crypto';

/** A fresh CSP nonce for one response: 128 random bits, base64. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

export type ResponseKind =
  /** An HTML page or redirect that may show personal data: never stored by a browser or a proxy. */
  | 'personal'
  /** An HTML page with nothing personal on it (an error page, the no-access page). */
  | 'public'
  /** A static asset with a content-hashed name: cached for a year. */
  | 'asset';

export interface SecurityHeaderOptions {
  readonly kind: ResponseKind;
  /** The nonce the page's scripts carry; required for HTML. */
  readonly nonce?: string;
  /** Served over HTTPS (deployed): adds upgrade-insecure-requests (HSTS is sent either way; browsers ignore it over HTTP). */
  readonly https: boolean;
  /**
   * Origins a form may submit to, or be redirected to after a submission, besides this one: the identity
   * provider's, when sign-out ends the provider's session too (Chrome applies form-action to redirects).
   */
  readonly formActionOrigins?: readonly string[];
}

const YEAR_SECONDS = 365 * 24 * 60 * 60;

/** The Content-Security-Policy for an HTML response: scripts only with this response's nonce. */
export function contentSecurityPolicy(options: SecurityHeaderOptions): string {
  if (!options.nonce) throw new Error('an HTML response needs a CSP nonce');
  const formAction = ["'self'", ...(options.formActionOrigins ?? [])].join(' ');
  return [
    "default-src 'none'",
    `script-src 'nonce-${options.nonce}'`,
    // A page may inline its stylesheet under the same nonce (the parent pages do, for slow networks).
    `style-src 'self' 'nonce-${options.nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** Every security header for one response. */
export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const common: Record<string, string> = {
    'strict-transport-security': `max-age=${YEAR_SECONDS}; includeSubDomains`,
    'x-content-type-options': 'nosniff',
    // Parent links carry a token in the path: no page sends its address to another site. (`no-referrer`
    // would also make browsers send `Origin: null` on our own form posts, which the router refuses.)
    'referrer-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
  if (options.kind === 'asset') {
    return { ...common, 'cache-control': `public, max-age=${YEAR_SECONDS}, immutable` };
  }
  return {
    ...common,
    'content-security-policy': contentSecurityPolicy(options),
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'cache-control': options.kind === 'personal' ? 'no-store' : 'no-cache',
  };
}
