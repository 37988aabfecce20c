/**
 * Why a family is on Today's list to call, in the words staff read: each reason a text or a letter
 * cannot go, the misses and the vulnerable flag (kept from schedulers), and both kinds on one booking.
 */
import { describe, expect, it } from 'vitest';
import { callReasons } from '#web/pages/today.ts';

describe('callReasons', () => {
  it('says the misses and the flag, with no reply', () => {
    expect(callReasons({ misses: 2, why: ['missed'] }, true)).toEqual([
      '2 missed appointments in the last year, no reply to texts',
    ]);
    expect(callReasons({ misses: 0, why: ['vulnerable'] }, true)).toEqual(['Flagged vulnerable, no reply']);
    expect(callReasons({ misses: 3, why: ['missed', 'vulnerable'] }, true)).toEqual([
      '3 missed appointments in the last year and flagged vulnerable, no reply to texts',
    ]);
  });

  it('keeps the vulnerable flag from a scheduler', () => {
    expect(callReasons({ misses: 0, why: ['vulnerable'] }, false)).toEqual([
      'Flagged by the health visitor, no reply',
    ]);
  });

  it.each([
    [{ noSms: 'no-phone', noLetter: 'no-address' }, 'No mobile number and no postal address'],
    [{ noSms: 'sms-off', noLetter: 'letter-off' }, 'Texts and letters are off for this family'],
    [
      { noSms: 'opted-out', noLetter: 'no-address', optOut: 'stop-text' },
      'Cannot be texted (texted STOP) and no postal address',
    ],
    [
      { noSms: 'opted-out', noLetter: 'no-address', optOut: 'staff' },
      'Cannot be texted (asked staff to stop texts) and no postal address',
    ],
    [{ noSms: 'opted-out', noLetter: 'no-address' }, 'Cannot be texted (opted out) and no postal address'],
    [
      { noSms: 'unreachable', noLetter: 'letters-disabled' },
      'Number cannot get texts and this service sends no letters',
    ],
  ] as const)('says why no text or letter can go: %j', (cannotReach, words) => {
    expect(callReasons({ misses: 0, why: ['cannot-reach'], cannotReach }, false)).toEqual([words]);
  });

  it('gives a booking that is both kinds both reasons', () => {
    expect(
      callReasons(
        {
          misses: 2,
          why: ['missed', 'cannot-reach'],
          cannotReach: { noSms: 'unreachable', noLetter: 'letter-off' },
        },
        true,
      ),
    ).toEqual([
      '2 missed appointments in the last year, no reply to texts',
      'Number cannot get texts and letters are off for this family',
    ]);
  });
});
