/**
 * The event path's date code (core/wall-clock.ts and what local-time.ts and dates.ts build on it) used to
 * be luxon. These tests hold it to luxon's answers, instant by instant, across the clock changes of
 * several zones (luxon stays in the project for the web pages and letters).
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, plusLocalDays, wholeLocalDaysBetween } from '#core/dates.ts';
import {
  formatDay,
  formatTime,
  localCandidates,
  localDay,
  localToUtc,
  localToUtcLenient,
} from '#core/local-time.ts';
import { periodOf } from '#core/metrics-report.ts';
import {
  exactZoneOffset,
  forgetZoneOffsets,
  OFFSET_SPAN_MS,
  parseIsoInstant,
  wallTimeAt,
  zoneOffset,
} from '#core/wall-clock.ts';

const ZONES = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];
const HOUR = 3_600_000;

/** Every 37 minutes for two days either side of each 2026 clock change in London, New York and Lord Howe. */
function instantsAroundClockChanges(): number[] {
  const changes = [
    '2026-03-29T01:00:00Z',
    '2026-10-25T01:00:00Z',
    '2026-03-08T07:00:00Z',
    '2026-11-01T06:00:00Z',
    '2026-04-04T15:00:00Z',
    '2026-10-03T15:30:00Z',
  ].map(Date.parse);
  const out: number[] = [];
  for (const change of changes) {
    for (let ms = change - 48 * HOUR; ms <= change + 48 * HOUR; ms += 37 * 60_000) out.push(ms + 1234);
  }
  return out;
}

const INSTANTS = instantsAroundClockChanges();

describe('the wall clock agrees with luxon', () => {
  it.each(ZONES)('fields, local day and time of day in %s', (zone) => {
    for (const ms of INSTANTS) {
      // Arrange
      const dt = DateTime.fromMillis(ms, { zone });

      // Act
      const wall = wallTimeAt(ms, zone);

      // Assess
      expect({ ...wall, ms: undefined }).toEqual({
        year: dt.year,
        month: dt.month,
        day: dt.day,
        hour: dt.hour,
        minute: dt.minute,
        second: dt.second,
        millisecond: dt.millisecond,
        weekday: dt.weekday,
        offset: dt.offset,
        ms: undefined,
      });
      expect(localDay(new Date(ms), zone)).toBe(dt.toFormat('yyyy-MM-dd'));
      expect(formatTime(new Date(ms), zone)).toBe(dt.toFormat('HH:mm'));
    }
  });

  it.each([
    'en',
    'en-GB',
    'cy',
    'pl',
    'ro',
    'ne',
    'ur',
    'ar',
    'bn',
    'pa',
    'so',
    'tr',
    'lt',
    'pt',
    'es',
    'fr',
    'uk',
    'ru',
  ])("formatDay in '%s' is luxon's 'EEE d MMM'", (language) => {
    for (let day = 0; day < 366; day += 5) {
      // Arrange
      const ms = Date.parse('2026-01-01T11:00:00Z') + day * 24 * HOUR;
      const locale = Intl.DateTimeFormat.supportedLocalesOf([language]).length > 0 ? language : 'en';

      // Act
      const text = formatDay(new Date(ms), 'Europe/London', language);

      // Assess
      expect(text).toBe(
        DateTime.fromMillis(ms, { zone: 'Europe/London' }).setLocale(locale).toFormat('EEE d MMM'),
      );
    }
  });

  it.each(ZONES)('plusLocalDays and wholeLocalDaysBetween in %s', (zone) => {
    for (const ms of INSTANTS.filter((_, i) => i % 5 === 0)) {
      for (const days of [-3, -1, 0, 1, 2, 7, 42]) {
        // Arrange
        const start = DateTime.fromMillis(ms, { zone });
        const luxonEnd = start.plus({ days });

        // Act
        const end = plusLocalDays(new Date(ms), days, zone);

        // Assess
        expect(end.getTime()).toBe(luxonEnd.toMillis());
        for (const shift of [-25 * HOUR, -HOUR, 0, HOUR, 23.5 * HOUR]) {
          const to = DateTime.fromMillis(luxonEnd.toMillis() + shift, { zone });
          expect(wholeLocalDaysBetween(new Date(ms), to.toJSDate(), zone)).toBe(
            Math.trunc(to.diff(start, 'days').days),
          );
        }
      }
    }
  });

  it.each(ZONES)('local wall times to UTC in %s, through gaps and overlaps', (zone) => {
    for (const ms of INSTANTS.filter((_, i) => i % 3 === 0)) {
      // Arrange
      const dt = DateTime.fromMillis(ms, { zone });
      const [day, time] = [dt.toFormat('yyyy-MM-dd'), dt.toFormat('HH:mm')];
      const luxon = DateTime.fromISO(`${day}T${time}`, { zone });

      // Act
      const lenient = localToUtcLenient(day, time, zone);
      const offsetLess = parseIsoInstant(`${day}T${time}`, zone);

      // Assess
      // luxon reads a repeated wall time by the offset in force today, so only an unambiguous one is
      // compared; a repeated one must be one of its two instants.
      const candidates = localCandidates(day, time, zone).map((d) => d.getTime());
      if (candidates.length === 1) expect(offsetLess).toBe(luxon.toMillis());
      else expect(candidates).toContain(offsetLess);
      // Every wall time read from the clock exists, so the strict form finds it too (the first of two).
      expect(Date.parse(localToUtc(day, time, zone))).toBeLessThanOrEqual(Date.parse(lenient));
    }
    // A wall time the London clocks skip moves forward by the gap, as luxon moves it.
    expect(localToUtcLenient('2026-03-29', '01:30', 'Europe/London')).toBe(
      DateTime.fromObject({ year: 2026, month: 3, day: 29, hour: 1, minute: 30 }, { zone: 'Europe/London' })
        .toUTC()
        .toISO(),
    );
  });

  it('calendar dates, ISO weeks and months', () => {
    for (let i = 0; i < 800; i += 1) {
      // Arrange
      const day = DateTime.utc(2025, 12, 1).plus({ days: i });
      const iso = day.toISODate() as string;

      // Act
      const week = periodOf(iso, 'week');
      const month = periodOf(iso, 'month');

      // Assess
      expect(addDays(iso, 17)).toBe(day.plus({ days: 17 }).toISODate());
      expect(addDays(iso, -400)).toBe(day.minus({ days: 400 }).toISODate());
      expect(daysBetween('2026-03-01', iso)).toBe(
        Math.round(day.diff(DateTime.utc(2026, 3, 1), 'days').days),
      );
      expect(week).toEqual({
        period: `${day.weekYear}-W${String(day.weekNumber).padStart(2, '0')}`,
        start: day.startOf('week').toISODate(),
        end: day.endOf('week').toISODate(),
      });
      expect(month).toEqual({
        period: day.toFormat('yyyy-MM'),
        start: day.startOf('month').toISODate(),
        end: day.endOf('month').toISODate(),
      });
    }
  });

  it('refuses what luxon refuses', () => {
    // Act + Assess
    expect(() => addDays('2026-02-29', 1)).toThrow(RangeError);
    expect(() => localDay('2026-02-30T10:00:00Z', 'Europe/London')).toThrow(/Invalid instant/);
    expect(() => localDay('2026-12-03T10:00:00Z', 'Mars/Olympus_Mons')).toThrow(/Invalid instant/);
    expect(Number.isNaN(parseIsoInstant('2026-12-03T25:00:00Z', 'UTC'))).toBe(true);
  });
});

/**
 * Every clock change of `zone` from 1840 to 2030, to the millisecond: a day-by-day scan for a change of
 * offset, then a binary search for its first instant.
 */
function clockChanges(zone: string): number[] {
  const out: number[] = [];
  const DAY = 24 * HOUR;
  let before = Date.parse('1840-01-01T00:00:00Z');
  const end = Date.parse('2030-12-31T00:00:00Z');
  for (let after = before + DAY; after <= end; before = after, after += DAY) {
    if (exactZoneOffset(before, zone) === exactZoneOffset(after, zone)) continue;
    let [lo, hi] = [before, after];
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (exactZoneOffset(mid, zone) === exactZoneOffset(lo, zone)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  return out;
}

describe('zoneOffset keeps an offset per 15-minute span, and only where the span has one', () => {
  // London's, Kathmandu's and Monrovia's first changes (from local mean time) fall at odd seconds of UTC,
  // not on a span's edge; Kathmandu later moved by 15 minutes, Lord Howe moves by 30; New York's and
  // Amsterdam's offsets were minutes and seconds until 1883 and 1937.
  const OFF_EDGE = ['Europe/London', 'Asia/Kathmandu', 'Africa/Monrovia'];
  it.each([
    'Europe/London',
    'America/New_York',
    'Asia/Kathmandu',
    'Australia/Lord_Howe',
    'Africa/Monrovia',
    'Europe/Amsterdam',
  ])('in %s, across every clock change from 1840 to 2030, in either order of asking', (zone) => {
    // Arrange
    const changes = clockChanges(zone);
    const unaligned = changes.filter((t) => t % OFFSET_SPAN_MS !== 0);
    expect(changes.length).toBeGreaterThan(0);

    for (const change of changes) {
      const spanStart = Math.floor(change / OFFSET_SPAN_MS) * OFFSET_SPAN_MS;
      const around = [
        change - 1,
        change,
        spanStart,
        spanStart + OFFSET_SPAN_MS - 1,
        change - OFFSET_SPAN_MS,
        change + OFFSET_SPAN_MS,
      ];
      for (const order of [around, [...around].reverse()]) {
        forgetZoneOffsets();

        // Act
        const got = order.map((ms) => zoneOffset(ms, zone));

        // Assess
        expect(got).toEqual(order.map((ms) => exactZoneOffset(ms, zone)));
      }
    }
    // Changes off a span's edge are the case a kept span could get wrong: these zones have some.
    if (OFF_EDGE.includes(zone)) expect(unaligned.length).toBeGreaterThan(0);
  });

  it('gives every minute of a month in London what Intl gives, with the spans kept as it goes', () => {
    // Arrange
    forgetZoneOffsets();
    const start = Date.parse('2026-10-20T00:00:00Z');
    const instants = Array.from({ length: 14 * 24 * 60 }, (_, i) => start + i * 60_000 + 789);

    // Act
    const got = instants.map((ms) => zoneOffset(ms, 'Europe/London'));

    // Assess
    expect(got).toEqual(instants.map((ms) => exactZoneOffset(ms, 'Europe/London')));
    expect(new Set(got)).toEqual(new Set([60, 0]));
  });
});
