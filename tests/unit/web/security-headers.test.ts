import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, newNonce, securityHeaders } from '#web/security-headers.ts';

const directives = (csp: string) =>
  Object.fromEntries(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );

describe('securityHeaders for a personal page', () => {
  const headers = securityHeaders({ kind: 'personal', nonce: 'abc123==', https: true });
  const csp = directives(headers['content-security-policy'] ?? '');

  it('allows scripts only with this response’s nonce: no unsafe-inline, no host allow-list', () => {
    expect(csp['script-src']).toBe("'nonce-abc123=='");
    expect(headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('refuses everything not named, framing, other bases and plugins', () => {
    expect(csp['default-src']).toBe("'none'");
    expect(csp['frame-ancestors']).toBe("'none'");
    expect(csp['base-uri']).toBe("'none'");
    expect(csp['object-src']).toBe("'none'");
    expect(csp['style-src']).toBe("'self' 'nonce-abc123=='");
    expect(csp['font-src']).toBe("'self'");
    expect(csp['form-action']).toBe("'self'");
    expect(csp['upgrade-insecure-requests']).toBe('');
  });

  it('sets HSTS for a year with subdomains', () => {
    expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('sends no referrer to other sites (parent links carry a token in the path)', () => {
    expect(headers['referrer-policy']).toBe('same-origin');
  });

  it('stops MIME sniffing and framing in old browsers', () => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
  });

  it('is never stored', () => {
    expect(headers['cache-control']).toBe('no-store');
  });

  it('isolates the browsing context and turns off device features', () => {
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['permissions-policy']).toContain('camera=()');
  });
});

describe('securityHeaders for other responses', () => {
  it('lets a page with nothing personal be cached but revalidated', () => {
    expect(securityHeaders({ kind: 'public', nonce: 'n', https: true })['cache-control']).toBe('no-cache');
  });

  it('caches a hashed asset for a year, with no CSP (it is not a document)', () => {
    const headers = securityHeaders({ kind: 'asset', https: true });
    expect(headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-security-policy']).toBeUndefined();
  });

  it('adds the identity provider to form-action when sign-out redirects there', () => {
    const csp = contentSecurityPolicy({
      kind: 'personal',
      nonce: 'n',
      https: true,
      formActionOrigins: ['https://login.microsoftonline.com'],
    });
    expect(directives(csp)['form-action']).toBe("'self' https://login.microsoftonline.com");
  });

  it('does not upgrade requests over plain HTTP (the local runtime)', () => {
    expect(contentSecurityPolicy({ kind: 'personal', nonce: 'n', https: false })).not.toContain(
      'upgrade-insecure-requests',
    );
  });

  it('refuses to build an HTML policy without a nonce', () => {
    expect(() => securityHeaders({ kind: 'personal', https: true })).toThrow(/nonce/);
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    expect(Buffer.from([...nonces][0] ?? '', 'base64')).toHaveLength(16);
  });
});
