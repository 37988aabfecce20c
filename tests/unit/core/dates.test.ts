import { describe, expect, it } from 'vitest';
import {
  addDays,
  calendarDate,
  daysBetween,
  parseDate,
  plusLocalDays,
  wholeLocalDaysBetween,
} from '#core/dates.ts';

const LONDON = 'Europe/London';

describe('parseDate: the one date check of every entry point', () => {
  it.each(['2023-02-31', '2023-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00'])(
    'refuses %s, which is not in the calendar',
    (value) => {
      // Act / Assess
      expect(parseDate(value)).toEqual({
        ok: false,
        reason: 'not-a-date',
        message: 'is not a real calendar date',
      });
    },
  );

  it('accepts 29 February in a leap year', () => {
    // Act / Assess
    expect(parseDate('2024-02-29')).toEqual({ ok: true, date: '2024-02-29' });
  });

  it('reads dd/mm/yyyy only where a spreadsheet may write it, and answers yyyy-mm-dd', () => {
    // Act / Assess
    expect(parseDate('3/12/2026', { uk: true })).toEqual({ ok: true, date: '2026-12-03' });
    expect(parseDate('31/02/2026', { uk: true })).toMatchObject({ ok: false, reason: 'not-a-date' });
    expect(parseDate('3/12/2026')).toMatchObject({ ok: false, reason: 'format' });
    expect(parseDate('2026-12')).toMatchObject({ ok: false, reason: 'format' });
  });

  it('is what API schemas use: calendarDate refuses the same dates, and keeps format "date"', () => {
    // Act / Assess
    expect(calendarDate.safeParse('2023-02-31').success).toBe(false);
    expect(calendarDate.safeParse(' 2023-02-01').success).toBe(false);
    expect(calendarDate.safeParse('2023-02-28').success).toBe(true);
    expect(calendarDate.safeParse('2023-02-31').error?.issues[0]?.message).toBe(
      'is not a real calendar date',
    );
  });
});

describe('calendar-day arithmetic', () => {
  it('adds and counts calendar days across month, year and leap-day ends', () => {
    // Act / Assess
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-03-28', -1)).toBe('2027-03-27');
    expect(daysBetween('2027-03-01', '2027-04-01')).toBe(31);
    expect(daysBetween('2027-04-01', '2027-03-01')).toBe(-31);
  });

  it('moves an instant by calendar days at the same wall-clock time across the spring clock change', () => {
    // Prepare: 10:00 GMT on Saturday 27 March 2027; the clocks go forward on Sunday 28 March
    const start = '2027-03-27T10:00:00.000Z';

    // Act
    const later = plusLocalDays(start, 2, LONDON);

    // Assess: 10:00 BST on Monday 29 March, which is 09:00 UTC (47 hours later, not 48)
    expect(later.toISOString()).toBe('2027-03-29T09:00:00.000Z');
  });

  it('moves an instant by calendar days at the same wall-clock time across the autumn clock change', () => {
    // Prepare: 10:00 BST on Saturday 30 October 2027; the clocks go back on Sunday 31 October
    const start = '2027-10-30T09:00:00.000Z';

    // Act
    const later = plusLocalDays(start, 2, LONDON);

    // Assess: 10:00 GMT on Monday 1 November (49 hours later)
    expect(later.toISOString()).toBe('2027-11-01T10:00:00.000Z');
  });

  it('counts whole days on the wall clock, whatever the clocks did overnight', () => {
    // Act / Assess: 10:00 GMT → 10:30 BST next day is a day, though only 23.5 hours passed
    expect(wholeLocalDaysBetween('2027-03-27T10:00:00.000Z', '2027-03-28T09:30:00.000Z', LONDON)).toBe(1);
    // 10:00 BST → 09:30 GMT next day is not yet a day, though 24.5 hours passed
    expect(wholeLocalDaysBetween('2027-10-30T09:00:00.000Z', '2027-10-31T09:30:00.000Z', LONDON)).toBe(0);
  });
});
