import { describe, expect, it } from 'vitest';
import { CSRF_FIELD, csrfToken, newCsrfSecret, presentedCsrfToken, verifyCsrfToken } from '#web/csrf.ts';

describe('CSRF tokens', () => {
  it('verifies a token made with the same session secret', () => {
    const secret = newCsrfSecret();
    expect(verifyCsrfToken(secret, csrfToken(secret))).toBe(true);
  });

  it('makes a different token for each form, all valid', () => {
    const secret = newCsrfSecret();
    const tokens = Array.from({ length: 20 }, () => csrfToken(secret));
    expect(new Set(tokens).size).toBe(20);
    expect(tokens.every((t) => verifyCsrfToken(secret, t))).toBe(true);
  });

  it('refuses a token from another session', () => {
    expect(verifyCsrfToken(newCsrfSecret(), csrfToken(newCsrfSecret()))).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['garbage', 'not-a-token'],
    ['too long', 'A'.repeat(500)],
  ])('refuses a %s token', (_, token) => {
    expect(verifyCsrfToken(newCsrfSecret(), token)).toBe(false);
  });

  it('refuses a token with one byte changed', () => {
    const secret = newCsrfSecret();
    const raw = Buffer.from(csrfToken(secret), 'base64url');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(verifyCsrfToken(secret, raw.toString('base64url'))).toBe(false);
  });

  it('refuses everything when the session has no secret', () => {
    expect(verifyCsrfToken('', csrfToken(newCsrfSecret()))).toBe(false);
    expect(() => csrfToken('')).toThrow();
  });

  it('takes the token from the form field, else the header', () => {
    const fields = new URLSearchParams({ [CSRF_FIELD]: 'from-form' });
    const request = new Request('https://a.example/', {
      method: 'POST',
      headers: { 'x-csrf-token': 'from-header' },
    });
    expect(presentedCsrfToken(request, fields)).toBe('from-form');
    expect(presentedCsrfToken(request, new URLSearchParams())).toBe('from-header');
  });
});
