import { describe, expect, it } from 'vitest';
import { isTrustNumber, trustNumbers } from '#core/trust-numbers.ts';

describe('isTrustNumber', () => {
  const sender = { originationNumber: '+447700900000', poolNumbers: ['+447700900001'] };

  it.each([
    ['the origination number', '+447700900000', true],
    ['a pool number', '+447700900001', true],
    ['the origination number written with spaces', '+44 7700 900000', true],
    ['another number', '+12125550101', false],
    ['a number one digit off', '+447700900002', false],
    ['nothing', '', false],
  ])('%s → %s', (_case, destination, expected) => {
    expect(isTrustNumber(sender, destination)).toBe(expected);
  });

  it('takes every reply as the trust’s when no number is configured (nothing to compare with)', () => {
    expect(trustNumbers({})).toEqual([]);
    expect(isTrustNumber({}, '+12125550101')).toBe(true);
  });
});
