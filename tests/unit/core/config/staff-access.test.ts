import { describe, expect, it } from 'vitest';
import { parseTrustConfig } from '#core/config/trust-config.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';

const example = loadTrustConfig('example');
const withIssuer = (issuer: string) => ({
  ...example,
  staffAccess: { ...example.staffAccess, oidc: { ...example.staffAccess.oidc!, issuer } },
});

describe('staffAccess.oidc.issuer', () => {
  it('takes an https:// issuer, and http:// only for localhost', () => {
    expect(parseTrustConfig(withIssuer('https://login.example.nhs.uk/')).staffAccess.oidc?.issuer).toBe(
      'https://login.example.nhs.uk/',
    );
    expect(() => parseTrustConfig(withIssuer('http://localhost:3000/oidc'))).not.toThrow();
    expect(() => parseTrustConfig(withIssuer('http://login.example.nhs.uk/'))).toThrow(
      /staffAccess\.oidc\.issuer: expected an https:\/\/ issuer URL/,
    );
  });

  it('names the field for an issuer that is not a URL at all, and does not crash', () => {
    // Before, the https check ran `new URL()` on it and threw a TypeError instead of naming the field.
    expect(() => parseTrustConfig(withIssuer('not a url'))).toThrow(/staffAccess\.oidc\.issuer: /);
    expect(() => parseTrustConfig(withIssuer('not a url'))).not.toThrow(TypeError);
  });
});
