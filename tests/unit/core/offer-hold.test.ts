import { describe, expect, it } from 'vitest';
import { holdExpiresAt, holdMinutes, offerWindowOpen } from '#core/offer-hold.ts';
import { aTrustConfig, minutesAfter, NOW } from '#tests/support/builders-waitlist.ts';

// The example trust: holds of 120 down to 15 minutes, offers stop 120 minutes before the slot.
const { shortNotice, quietHours, timeZone } = aTrustConfig();
const HOUR = 60;

describe('holdMinutes', () => {
  it.each([
    { lead: '7 days', minutes: 7 * 24 * HOUR, hold: 120 },
    { lead: '48 hours', minutes: 48 * HOUR, hold: 120 },
    { lead: '25 hours (halfway from the cutoff to 48 h)', minutes: 25 * HOUR, hold: 67 },
    { lead: '12 hours', minutes: 12 * HOUR, hold: 37 },
    { lead: '2 h 15 min (15 minutes before the cutoff)', minutes: 2 * HOUR + 15, hold: 15 },
    { lead: '2 h 10 min (10 minutes before the cutoff)', minutes: 2 * HOUR + 10, hold: 10 },
    { lead: '2 hours (at the cutoff)', minutes: 2 * HOUR, hold: 0 },
    { lead: '30 minutes (past the cutoff)', minutes: 30, hold: 0 },
    { lead: 'a slot that has started', minutes: -10, hold: 0 },
  ])('holds an offer $hold minutes when the slot is $lead away', ({ minutes, hold }) => {
    // Act
    const result = holdMinutes(NOW, minutesAfter(minutes), shortNotice);

    // Assess
    expect(result).toBe(hold);
  });

  it('shrinks as the slot nears and never ends after the cutoff', () => {
    // Prepare: every 5 minutes of lead time from 60 hours down to the slot itself.
    const leads = Array.from({ length: (60 * HOUR) / 5 + 1 }, (_, i) => 60 * HOUR - i * 5);

    // Act
    const holds = leads.map((lead) => ({ lead, hold: holdMinutes(NOW, minutesAfter(lead), shortNotice) }));

    // Assess
    for (const [i, { lead, hold }] of holds.entries()) {
      expect(hold).toBeGreaterThanOrEqual(0);
      expect(hold).toBeLessThanOrEqual(shortNotice.maxHoldMinutes);
      expect(hold).toBeLessThanOrEqual(Math.max(0, lead - shortNotice.cutoffMinutes));
      if (i > 0) expect(hold).toBeLessThanOrEqual(holds[i - 1]?.hold ?? Number.POSITIVE_INFINITY);
    }
  });

  it('follows the trust’s own hold and cutoff settings', () => {
    // Prepare
    const cfg = { maxHoldMinutes: 60, minHoldMinutes: 30, cutoffMinutes: 240 };

    // Act
    const far = holdMinutes(NOW, minutesAfter(3 * 24 * HOUR), cfg);
    const nearCutoff = holdMinutes(NOW, minutesAfter(4 * HOUR + 31), cfg);
    const insideCutoff = holdMinutes(NOW, minutesAfter(4 * HOUR + 20), cfg);

    // Assess
    expect([far, nearCutoff, insideCutoff]).toEqual([60, 30, 20]);
  });
});

describe('holdExpiresAt', () => {
  it('ends the hold that many minutes after the offer', () => {
    // Act
    const expiresAt = holdExpiresAt(NOW, minutesAfter(12 * HOUR), shortNotice);

    // Assess
    expect(expiresAt).toBe(minutesAfter(37));
  });
});

describe('offerWindowOpen', () => {
  const open = (now: string, startsAt: string) =>
    offerWindowOpen(now, startsAt, shortNotice, quietHours, timeZone);

  it.each([
    { name: 'a weekday morning, slot tomorrow', now: '2026-11-16T10:00:00.000Z', expected: { open: true } },
    {
      name: '08:00 London, the end of quiet hours',
      now: '2026-11-16T08:00:00.000Z',
      expected: { open: true },
    },
    {
      name: '07:59 London',
      now: '2026-11-16T07:59:00.000Z',
      expected: { open: false, reason: 'quiet-hours' },
    },
    {
      name: '20:00 London, the start of quiet hours',
      now: '2026-11-16T20:00:00.000Z',
      expected: { open: false, reason: 'quiet-hours' },
    },
    { name: '19:30 UTC in winter (19:30 GMT)', now: '2026-12-01T19:30:00.000Z', expected: { open: true } },
    {
      name: '19:30 UTC in summer (20:30 BST)',
      now: '2026-07-01T19:30:00.000Z',
      expected: { open: false, reason: 'quiet-hours' },
    },
    {
      name: '07:30 UTC in summer (08:30 BST)',
      now: '2026-07-01T07:30:00.000Z',
      expected: { open: true },
    },
  ])('at $name: $expected', ({ now, expected }) => {
    // Act
    const result = open(now, minutesAfter(24 * HOUR, now));

    // Assess
    expect(result).toEqual(expected);
  });

  it.each([
    { name: 'at the cutoff', lead: 2 * HOUR, expected: { open: false, reason: 'past-cutoff' } },
    {
      name: 'with under a minute to the cutoff',
      lead: 2 * HOUR + 0.5,
      expected: { open: false, reason: 'past-cutoff' },
    },
    { name: 'a minute before the cutoff', lead: 2 * HOUR + 1, expected: { open: true } },
  ])('$name: $expected', ({ lead, expected }) => {
    // Act
    const result = open(NOW, minutesAfter(lead));

    // Assess
    expect(result).toEqual(expected);
  });

  it('reports past-cutoff rather than quiet hours, since waiting for morning would not help', () => {
    // Prepare: 22:00 London, slot at 23:30 the same night.
    const now = '2026-11-16T22:00:00.000Z';

    // Act
    const result = open(now, minutesAfter(90, now));

    // Assess
    expect(result).toEqual({ open: false, reason: 'past-cutoff' });
  });

  it('treats equal start and end as no quiet hours', () => {
    // Act
    const result = offerWindowOpen(
      '2026-11-16T03:00:00.000Z',
      minutesAfter(24 * HOUR, '2026-11-16T03:00:00.000Z'),
      shortNotice,
      { start: '00:00', end: '00:00' },
      timeZone,
    );

    // Assess
    expect(result).toEqual({ open: true });
  });

  it('handles quiet hours that do not cross midnight', () => {
    // Prepare
    const lunch = { start: '12:00', end: '13:00' };
    const at = (iso: string) =>
      offerWindowOpen(iso, minutesAfter(24 * HOUR, iso), shortNotice, lunch, timeZone);

    // Act
    const results = [
      at('2026-11-16T11:59:00.000Z'),
      at('2026-11-16T12:30:00.000Z'),
      at('2026-11-16T22:00:00.000Z'),
    ];

    // Assess
    expect(results).toEqual([{ open: true }, { open: false, reason: 'quiet-hours' }, { open: true }]);
  });
});
