import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { consentView, phoneHash } from '#core/consent.ts';

const KEY = 'a-test-key-of-some-length';

describe('phoneHash', () => {
  it('is the same for the same number and key, so a number always finds its record', () => {
    // Act
    const hashes = [phoneHash(KEY, '+447700900626'), phoneHash(KEY, '+447700900626')];

    // Assess
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes[1]).toBe(hashes[0]);
  });

  it('differs between numbers and between trusts’ keys', () => {
    // Act
    const a = phoneHash(KEY, '+447700900626');
    const b = phoneHash(KEY, '+447700900627');
    const otherTrust = phoneHash('another-trusts-key-here', '+447700900626');

    // Assess
    expect(new Set([a, b, otherTrust]).size).toBe(3);
  });

  it('is keyed: not the plain SHA-256 anyone could compute by trying every mobile number', () => {
    // Act
    const keyed = phoneHash(KEY, '+447700900626');
    const plain = createHash('sha256').update('+447700900626').digest('hex');

    // Assess
    expect(keyed).not.toBe(plain);
    expect(keyed).not.toContain('7700900626');
  });

  it.each([
    { what: 'a national number', e164: '07700900626', key: KEY },
    { what: 'a number with spaces', e164: '+44 7700 900626', key: KEY },
    { what: 'a key too short to be secret', e164: '+447700900626', key: 'short' },
  ])('refuses $what', ({ e164, key }) => {
    // Act / Assess
    expect(() => phoneHash(key, e164)).toThrow();
  });
});

describe('consentView', () => {
  it('shows no record as opted in, and a record with its reason and since', () => {
    // Act
    const views = [
      consentView(undefined),
      consentView({ state: 'opted-out', reason: 'staff', since: '2026-11-23T09:00:00.000Z' }),
    ];

    // Assess
    expect(views).toEqual([
      { state: 'opted-in' },
      { state: 'opted-out', reason: 'staff', since: '2026-11-23T09:00:00.000Z' },
    ]);
  });
});
