import { describe, expect, it } from 'vitest';
import { isQuiet, lastAllowedBefore, nextAllowedAfter, type QuietHours } from '#core/quiet-hours.ts';

const LONDON = 'Europe/London';
const OVERNIGHT: QuietHours = { start: '20:00', end: '08:00' };
const LUNCH: QuietHours = { start: '12:00', end: '13:00' };
const NONE: QuietHours = { start: '09:00', end: '09:00' };

describe('isQuiet', () => {
  it.each([
    { instant: '2026-12-03T19:59:59.999Z', quiet: OVERNIGHT, expected: false },
    { instant: '2026-12-03T20:00:00.000Z', quiet: OVERNIGHT, expected: true },
    { instant: '2026-12-03T23:59:00.000Z', quiet: OVERNIGHT, expected: true },
    { instant: '2026-12-04T00:00:00.000Z', quiet: OVERNIGHT, expected: true },
    { instant: '2026-12-04T07:59:59.999Z', quiet: OVERNIGHT, expected: true },
    { instant: '2026-12-04T08:00:00.000Z', quiet: OVERNIGHT, expected: false },
    { instant: '2026-12-04T12:00:00.000Z', quiet: OVERNIGHT, expected: false },
    // In BST the window is an hour earlier in UTC.
    { instant: '2026-07-15T18:59:00.000Z', quiet: OVERNIGHT, expected: false },
    { instant: '2026-07-15T19:00:00.000Z', quiet: OVERNIGHT, expected: true },
    { instant: '2026-07-16T06:59:00.000Z', quiet: OVERNIGHT, expected: true },
    { instant: '2026-07-16T07:00:00.000Z', quiet: OVERNIGHT, expected: false },
    // Spring forward, 28 March 2027: 07:59 BST is still quiet, 08:00 BST is not.
    { instant: '2027-03-28T00:59:00.000Z', quiet: OVERNIGHT, expected: true },
    { instant: '2027-03-28T01:00:00.000Z', quiet: OVERNIGHT, expected: true },
    { instant: '2027-03-28T06:59:00.000Z', quiet: OVERNIGHT, expected: true },
    { instant: '2027-03-28T07:00:00.000Z', quiet: OVERNIGHT, expected: false },
    // Fall back, 25 October 2026: quiet lasts until 08:00 GMT.
    { instant: '2026-10-25T07:30:00.000Z', quiet: OVERNIGHT, expected: true },
    { instant: '2026-10-25T08:00:00.000Z', quiet: OVERNIGHT, expected: false },
    { instant: '2026-12-03T11:59:00.000Z', quiet: LUNCH, expected: false },
    { instant: '2026-12-03T12:00:00.000Z', quiet: LUNCH, expected: true },
    { instant: '2026-12-03T12:59:00.000Z', quiet: LUNCH, expected: true },
    { instant: '2026-12-03T13:00:00.000Z', quiet: LUNCH, expected: false },
    { instant: '2026-12-03T23:00:00.000Z', quiet: LUNCH, expected: false },
    { instant: '2026-12-03T09:00:00.000Z', quiet: NONE, expected: false },
    { instant: '2026-12-03T23:00:00.000Z', quiet: NONE, expected: false },
  ])('$instant in $quiet.start–$quiet.end → $expected', ({ instant, quiet, expected }) => {
    // Act
    const quietNow = isQuiet(instant, quiet, LONDON);

    // Assess
    expect(quietNow).toBe(expected);
  });

  it('takes a Date as well as an ISO string', () => {
    // Act
    const quietNow = isQuiet(new Date('2026-12-03T21:00:00.000Z'), OVERNIGHT, LONDON);

    // Assess
    expect(quietNow).toBe(true);
  });
});

describe('lastAllowedBefore', () => {
  it.each([
    {
      instant: '2026-12-03T20:00:00.000Z',
      quiet: OVERNIGHT,
      margin: 5,
      expected: '2026-12-03T19:55:00.000Z',
    },
    {
      instant: '2026-12-03T22:00:00.000Z',
      quiet: OVERNIGHT,
      margin: 5,
      expected: '2026-12-03T19:55:00.000Z',
    },
    {
      instant: '2026-12-04T03:00:00.000Z',
      quiet: OVERNIGHT,
      margin: 5,
      expected: '2026-12-03T19:55:00.000Z',
    },
    {
      instant: '2026-12-04T07:59:00.000Z',
      quiet: OVERNIGHT,
      margin: 5,
      expected: '2026-12-03T19:55:00.000Z',
    },
    {
      instant: '2026-12-04T03:00:00.000Z',
      quiet: OVERNIGHT,
      margin: 0,
      expected: '2026-12-03T20:00:00.000Z',
    },
    {
      instant: '2026-07-16T02:00:00.000Z',
      quiet: OVERNIGHT,
      margin: 5,
      expected: '2026-07-15T18:55:00.000Z',
    },
    // 04:00 BST on spring-forward morning: the night began at 20:00 GMT.
    {
      instant: '2027-03-28T03:00:00.000Z',
      quiet: OVERNIGHT,
      margin: 5,
      expected: '2027-03-27T19:55:00.000Z',
    },
    // That evening is BST.
    {
      instant: '2027-03-28T20:30:00.000Z',
      quiet: OVERNIGHT,
      margin: 5,
      expected: '2027-03-28T18:55:00.000Z',
    },
    // Both 01:30s of fall-back night, and later that morning, belong to the night that began at 20:00 BST.
    {
      instant: '2026-10-25T00:30:00.000Z',
      quiet: OVERNIGHT,
      margin: 5,
      expected: '2026-10-24T18:55:00.000Z',
    },
    {
      instant: '2026-10-25T01:30:00.000Z',
      quiet: OVERNIGHT,
      margin: 5,
      expected: '2026-10-24T18:55:00.000Z',
    },
    {
      instant: '2026-10-25T06:00:00.000Z',
      quiet: OVERNIGHT,
      margin: 5,
      expected: '2026-10-24T18:55:00.000Z',
    },
    { instant: '2026-12-03T12:30:00.000Z', quiet: LUNCH, margin: 5, expected: '2026-12-03T11:55:00.000Z' },
  ])('$instant → $expected (margin $margin)', ({ instant, quiet, margin, expected }) => {
    // Act
    const allowed = lastAllowedBefore(instant, quiet, LONDON, margin);

    // Assess
    expect(allowed.toISOString()).toBe(expected);
  });

  it.each([
    { instant: '2026-12-03T19:59:00.000Z', quiet: OVERNIGHT },
    { instant: '2026-12-04T08:00:00.000Z', quiet: OVERNIGHT },
    { instant: '2026-12-03T22:00:00.000Z', quiet: NONE },
  ])('leaves $instant alone outside quiet hours', ({ instant, quiet }) => {
    // Act
    const allowed = lastAllowedBefore(instant, quiet, LONDON, 5);

    // Assess
    expect(allowed.toISOString()).toBe(instant);
  });
});

describe('nextAllowedAfter', () => {
  it.each([
    { instant: '2026-12-03T20:00:00.000Z', quiet: OVERNIGHT, expected: '2026-12-04T08:00:00.000Z' },
    { instant: '2026-12-03T22:00:00.000Z', quiet: OVERNIGHT, expected: '2026-12-04T08:00:00.000Z' },
    { instant: '2026-12-04T03:00:00.000Z', quiet: OVERNIGHT, expected: '2026-12-04T08:00:00.000Z' },
    { instant: '2026-07-15T22:00:00.000Z', quiet: OVERNIGHT, expected: '2026-07-16T07:00:00.000Z' },
    // The night the clocks go forward ends at 08:00 BST, 11 hours after it began.
    { instant: '2027-03-27T21:00:00.000Z', quiet: OVERNIGHT, expected: '2027-03-28T07:00:00.000Z' },
    // The night the clocks go back ends at 08:00 GMT, 13 hours after it began.
    { instant: '2026-10-24T19:30:00.000Z', quiet: OVERNIGHT, expected: '2026-10-25T08:00:00.000Z' },
    { instant: '2026-10-25T01:30:00.000Z', quiet: OVERNIGHT, expected: '2026-10-25T08:00:00.000Z' },
    { instant: '2026-12-03T12:30:00.000Z', quiet: LUNCH, expected: '2026-12-03T13:00:00.000Z' },
  ])('$instant → $expected', ({ instant, quiet, expected }) => {
    // Act
    const allowed = nextAllowedAfter(instant, quiet, LONDON);

    // Assess
    expect(allowed.toISOString()).toBe(expected);
  });

  it.each([
    { instant: '2026-12-03T10:00:00.000Z', quiet: OVERNIGHT },
    { instant: '2026-12-03T13:00:00.000Z', quiet: LUNCH },
    { instant: '2026-12-03T02:00:00.000Z', quiet: NONE },
  ])('leaves $instant alone outside quiet hours', ({ instant, quiet }) => {
    // Act
    const allowed = nextAllowedAfter(new Date(instant), quiet, LONDON);

    // Assess
    expect(allowed.toISOString()).toBe(instant);
  });
});
