/**
 * A time zone's wall clock without a date library: the platform's `Intl.DateTimeFormat` gives an
 * instant's fields in a zone (and so the zone's offset), and calendar days are counted in UTC, which has
 * no clock changes. The functions on the event path (reminder sweep, inbound SMS, backfill, offer
 * expiry, metrics stream, delivery status) use only this, so luxon (about 70 KB minified) stays out of
 * their bundles (README "Small, quick Lambdas"). Where luxon resolves a wall time the clocks skip or
 * repeat, the rule here is luxon's own (`resolveWallTime`), and tests/unit/core/wall-clock.test.ts
 * compares every function with luxon across clock changes in several zones.
 */

/** An instant as a JS Date or an ISO 8601 string with a UTC offset. */
export type Instant = Date | string;

/** An instant's fields on a zone's wall clock. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 1 Monday … 7 Sunday (ISO), as luxon's `weekday`. */
  weekday: number;
  /** Minutes ahead of UTC (60 for British Summer Time). */
  offset: number;
  /** Milliseconds since the epoch. */
  ms: number;
}

const MINUTE = 60_000;
const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,30}))?)?)?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/i;

const formats = new Map<string, Intl.DateTimeFormat>();

function fieldFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    // Throws RangeError on an unknown zone.
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      calendar: 'gregory',
      numberingSystem: 'latn',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** Whether `timeZone` is an IANA zone this platform knows. */
export function isValidZone(timeZone: string): boolean {
  try {
    fieldFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds of a proleptic Gregorian date and time read as UTC (any year, unlike Date.UTC). */
export function utcMs(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/**
 * Offsets are kept per zone and per span of this many milliseconds of UTC (15 minutes, aligned to the
 * epoch), for a span whose first and last millisecond have the same offset: every instant of it has
 * that offset, unless the zone changed its clocks twice within the span and back again, which no zone in
 * the tz database does (its closest changes are weeks apart). A span with a clock change in it is not
 * kept; each of its instants is worked out on its own.
 */
export const OFFSET_SPAN_MS = 15 * MINUTE;
/** Spans kept per zone before that zone's are dropped (a bound on memory, about 100 days of spans). */
const OFFSET_SPANS_KEPT = 10_000;
const offsetSpans = new Map<string, Map<number, number>>();

/**
 * The zone's offset from UTC, in minutes (60 for British Summer Time), at an instant (ms since the
 * epoch). Throws RangeError on a zone the platform does not know. Asking `Intl` is the costly part (about
 * 10 µs); an instant in a span already asked about costs a map look-up (see OFFSET_SPAN_MS).
 */
export function zoneOffset(ms: number, timeZone: string): number {
  const span = Math.floor(ms / OFFSET_SPAN_MS);
  let spans = offsetSpans.get(timeZone);
  const kept = spans?.get(span);
  if (kept !== undefined) return kept;
  const offset = exactZoneOffset(ms, timeZone);
  const first = span * OFFSET_SPAN_MS;
  const last = first + OFFSET_SPAN_MS - 1;
  if (exactZoneOffset(first, timeZone) === offset && exactZoneOffset(last, timeZone) === offset) {
    if (!spans || spans.size >= OFFSET_SPANS_KEPT) {
      spans = new Map();
      offsetSpans.set(timeZone, spans);
    }
    spans.set(span, offset);
  }
  return offset;
}

/** Drops every kept span (for tests that ask the same instants in another order). */
export function forgetZoneOffsets(): void {
  offsetSpans.clear();
}

/** zoneOffset, asked of `Intl` every time (no spans kept): what the kept spans are checked against. */
export function exactZoneOffset(ms: number, timeZone: string): number {
  const fields = zoneFields(ms, timeZone);
  const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
  return Math.round(
    (utcMs(fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second) - wholeSecond) /
      MINUTE,
  );
}

function zoneFields(ms: number, timeZone: string) {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, bc: false };
  for (const part of fieldFormat(timeZone).formatToParts(ms)) {
    switch (part.type) {
      case 'year':
        out.year = Number(part.value);
        break;
      case 'month':
        out.month = Number(part.value);
        break;
      case 'day':
        out.day = Number(part.value);
        break;
      case 'hour':
        out.hour = Number(part.value);
        break;
      case 'minute':
        out.minute = Number(part.value);
        break;
      case 'second':
        out.second = Number(part.value);
        break;
      case 'era':
        out.bc = /^B/i.test(part.value);
        break;
    }
  }
  if (out.bc) out.year = 1 - out.year;
  return out;
}

/** The instant's fields on `timeZone`'s wall clock. */
export function wallTimeAt(ms: number, timeZone: string): WallTime {
  const offset = zoneOffset(ms, timeZone);
  // The wall clock is UTC shifted by the offset, so its fields come from one Date.
  const wall = new Date(ms + offset * MINUTE);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    millisecond: wall.getUTCMilliseconds(),
    weekday: ((wall.getUTCDay() + 6) % 7) + 1,
    offset,
    ms,
  };
}

/**
 * The instant whose wall clock in `timeZone` reads `wallMs` (a wall time written as if it were UTC),
 * starting from the guess that the offset is `guess`. This is luxon's own rule (its `fixOffset`): a
 * wall time the clocks skip moves forward by the gap, and one they repeat is the occurrence the guess
 * lands on.
 */
export function resolveWallTime(wallMs: number, guess: number, timeZone: string): number {
  let utcGuess = wallMs - guess * MINUTE;
  const o2 = zoneOffset(utcGuess, timeZone);
  if (guess === o2) return utcGuess;
  utcGuess -= (o2 - guess) * MINUTE;
  const o3 = zoneOffset(utcGuess, timeZone);
  if (o2 === o3) return utcGuess;
  return wallMs - Math.min(o2, o3) * MINUTE;
}

/**
 * An ISO 8601 instant as milliseconds. With an offset it is that instant; without one (only where the
 * caller allows it) it is that wall time in `timeZone`, as luxon's `fromISO(s, { zone })` reads it.
 * Returns NaN when the text is not such an instant or names no real date and time.
 */
export function parseIsoInstant(text: string, timeZone: string): number {
  const m = ISO_INSTANT.exec(text);
  if (!m) return Number.NaN;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const millisecond = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const wall = utcMs(year, month, day, hour, minute, second, millisecond);
  if (m[8]) return wall;
  if (m[9]) {
    const offset = (Number(m[10]) * 60 + Number(m[11] ?? 0)) * (m[9] === '-' ? -1 : 1);
    return wall - offset * MINUTE;
  }
  if (!isValidZone(timeZone)) return Number.NaN;
  return resolveWallTime(wall, zoneOffset(wall, timeZone), timeZone);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether year, month and day name a real calendar date (2023-02-31 does not). */
export function isRealDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** 'yyyy-MM-dd' of a wall time (or any year, month and day). */
export function isoDay(t: { year: number; month: number; day: number }): string {
  const year = t.year < 0 ? `-${pad(-t.year, 6)}` : t.year > 9999 ? `+${pad(t.year, 6)}` : pad(t.year, 4);
  return `${year}-${pad(t.month)}-${pad(t.day)}`;
}

/** A 'yyyy-MM-dd' date as UTC midnight milliseconds; NaN if it is not one, or not a real date. */
export function dayMs(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) return Number.NaN;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isRealDate(year, month, day) ? utcMs(year, month, day) : Number.NaN;
}

/** UTC midnight milliseconds back to 'yyyy-MM-dd'. */
export function dayOf(ms: number): string {
  const d = new Date(ms);
  return isoDay({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** The same wall time `days` calendar days later in `timeZone` (luxon's `plus({ days })`). */
export function plusWallDays(t: WallTime, days: number, timeZone: string): number {
  const wall = utcMs(t.year, t.month, t.day + days, t.hour, t.minute, t.second, t.millisecond);
  return resolveWallTime(wall, t.offset, timeZone);
}

/**
 * Whole days from `from` to `to` as the wall clock in `timeZone` counts them (luxon's
 * `diff(…, 'days')`, truncated): the largest n for which `from` plus n local days is not after `to`.
 */
export function wholeWallDays(fromMs: number, toMs: number, timeZone: string): number {
  if (toMs < fromMs) return -wholeWallDays(toMs, fromMs, timeZone);
  const from = wallTimeAt(fromMs, timeZone);
  const to = wallTimeAt(toMs, timeZone);
  let days = Math.floor((utcMs(to.year, to.month, to.day) - utcMs(from.year, from.month, from.day)) / DAY_MS);
  while (days > 0 && plusWallDays(from, days, timeZone) > toMs) days--;
  return days;
}
