/**
 * The safeguarding-flags rule (functions/api/sensitive.ts): who sees the flags, and how an answer is
 * rewritten for a caller who does not.
 */
import { describe, expect, it } from 'vitest';
import { answerForRoles, neutralBreakdown, seesSensitiveFlags } from '#api/sensitive.ts';

describe('seesSensitiveFlags', () => {
  it('is health visitors, managers and admins; a scheduler alone, or no role, does not', () => {
    expect(seesSensitiveFlags(['health-visitor'])).toBe(true);
    expect(seesSensitiveFlags(['manager'])).toBe(true);
    expect(seesSensitiveFlags(['admin'])).toBe(true);
    expect(seesSensitiveFlags(['scheduler', 'health-visitor'])).toBe(true);
    expect(seesSensitiveFlags(['scheduler'])).toBe(false);
    expect(seesSensitiveFlags([])).toBe(false);
  });
});

describe('neutralBreakdown', () => {
  it('folds the two flag lines into one, where the first was, and keeps the total', () => {
    const parts = [
      { factor: 'imd-decile-1-2', points: 30, detail: 'Lives in IMD decile 1' },
      { factor: 'parental-mental-health', points: 20, detail: 'Parent has a mental health condition' },
      { factor: 'vulnerable', points: 25, detail: 'Vulnerable family or safeguarding concern' },
      { factor: 'days-waiting', points: 1.5, detail: 'Waiting 3 days' },
    ];
    expect(neutralBreakdown(parts)).toEqual([
      parts[0],
      {
        factor: 'health-visitor-priority',
        points: 45,
        detail: 'Priority set by the health visitor (ask them why)',
      },
      parts[3],
    ]);
    expect(neutralBreakdown([parts[0]!])).toEqual([parts[0]]);
  });
});

describe('answerForRoles', () => {
  const answer = {
    client: { flags: { needsCarer: true, vulnerable: true, parentalMentalHealth: false, doNotText: false } },
    items: [{ vulnerable: true, why: ['missed', 'vulnerable'] }],
    followUp: { reason: 'vulnerable-wnb', vulnerable: true },
    at: new Date(0),
  };

  it('leaves an answer as it is for a role that sees the flags', () => {
    expect(answerForRoles(answer, ['health-visitor'])).toBe(answer);
  });

  it("rewrites a scheduler's answer, without changing the original", () => {
    expect(answerForRoles(answer, ['scheduler'])).toEqual({
      client: { flags: { needsCarer: true, doNotText: false } },
      items: [{ why: ['missed', 'flagged'] }],
      followUp: { reason: 'flagged-wnb' },
      at: new Date(0),
    });
    expect(answer.client.flags.vulnerable).toBe(true);
  });
});
