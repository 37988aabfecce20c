/**
 * Local calendar and clock arithmetic for a trust's time zone. Instants are stored as UTC ISO strings,
 * but families and staff think in local days and times, so every conversion goes through here.
 *
 * It works on the platform's Intl (core/wall-clock.ts), so the event-path bundles carry no date library;
 * the web pages and letters that want a luxon DateTime get it from core/zoned-date-time.ts.
 */
import {
  type Instant,
  isoDay,
  isRealDate,
  isValidZone,
  parseIsoInstant,
  resolveWallTime,
  utcMs,
  type WallTime,
  wallTimeAt,
  zoneOffset,
} from './wall-clock.ts';

export type { Instant, WallTime } from './wall-clock.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
// An offset-less string would silently be read in the zone (or the host's zone), hiding bugs.
export const HAS_OFFSET = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

/** The instant's fields on `timeZone`'s wall clock; throws on an invalid instant or zone. */
export function wallClock(instant: Instant, timeZone: string): WallTime {
  let ms: number;
  if (typeof instant === 'string') {
    if (!HAS_OFFSET.test(instant)) {
      throw new Error(`Instant "${instant}" has no UTC offset; expected e.g. "2026-12-03T10:30:00.000Z"`);
    }
    ms = parseIsoInstant(instant, timeZone);
  } else {
    ms = instant.getTime();
  }
  if (!isValidZone(timeZone)) {
    throw new Error(`Invalid instant ${String(instant)} in time zone "${timeZone}": unsupported zone`);
  }
  if (Number.isNaN(ms)) {
    throw new Error(`Invalid instant ${String(instant)} in time zone "${timeZone}": not an ISO 8601 instant`);
  }
  return wallTimeAt(ms, timeZone);
}

export function toDate(instant: Instant): Date {
  return new Date(wallClock(instant, 'UTC').ms);
}

export function toIso(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new Error('Cannot format an invalid Date as an ISO instant');
  }
  return date.toISOString();
}

/** The local calendar day, 'yyyy-MM-dd'. */
export function localDay(instant: Instant, timeZone: string): string {
  return isoDay(wallClock(instant, timeZone));
}

// `en` rather than `en-GB`: ICU 72+ abbreviates September to "Sept" for en-GB, one character more in
// every text, and families read "Sep" just as well.
function localeFor(language: string): string {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([language]).length > 0 ? language : 'en';
  } catch {
    // supportedLocalesOf throws RangeError on a malformed tag; a text must still go out.
    return 'en';
  }
}

const dayFormats = new Map<
  string,
  { weekday: Intl.DateTimeFormat; month: Intl.DateTimeFormat; number: Intl.NumberFormat }
>();

/** One set of formats per locale and zone; parts are taken as luxon's 'EEE d MMM' takes them. */
function dayFormat(locale: string, timeZone: string) {
  const key = `${locale} ${timeZone}`;
  let formats = dayFormats.get(key);
  if (!formats) {
    formats = {
      weekday: new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', month: 'long', day: 'numeric' }),
      month: new Intl.DateTimeFormat(locale, { timeZone, month: 'short', day: 'numeric' }),
      number: new Intl.NumberFormat(locale, { useGrouping: false }),
    };
    dayFormats.set(key, formats);
  }
  return formats;
}

const part = (format: Intl.DateTimeFormat, ms: number, type: Intl.DateTimeFormatPartTypes): string =>
  format.formatToParts(ms).find((p) => p.type === type)?.value ?? '';

/** Short weekday, day number and short month in the family's language, e.g. 'Tue 3 Dec'. */
export function formatDay(instant: Instant, timeZone: string, language: string): string {
  const wall = wallClock(instant, timeZone);
  const formats = dayFormat(localeFor(language), timeZone);
  return `${part(formats.weekday, wall.ms, 'weekday')} ${formats.number.format(wall.day)} ${part(formats.month, wall.ms, 'month')}`;
}

/** 24-hour local time, 'HH:mm'. */
export function formatTime(instant: Instant, timeZone: string): string {
  const wall = wallClock(instant, timeZone);
  return `${String(wall.hour).padStart(2, '0')}:${String(wall.minute).padStart(2, '0')}`;
}

function parseDayTime(
  day: string,
  time: string,
): { year: number; month: number; dayOfMonth: number; hour: number; minute: number } {
  if (!DAY.test(day)) throw new Error(`Invalid local day "${day}"; expected yyyy-MM-dd`);
  if (!TIME.test(time)) throw new Error(`Invalid local time "${time}"; expected HH:MM (24-hour)`);
  const [year, month, dayOfMonth] = day.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return { year, month, dayOfMonth, hour, minute };
}

/**
 * Every instant whose wall clock in `timeZone` reads `day time`, earliest first: none in a
 * spring-forward gap, two in an autumn fall-back overlap, otherwise one.
 */
export function localCandidates(day: string, time: string, timeZone: string): Date[] {
  const { year, month, dayOfMonth, hour, minute } = parseDayTime(day, time);
  if (!isRealDate(year, month, dayOfMonth)) throw new Error(`Invalid local day "${day}"`);
  if (!isValidZone(timeZone)) throw new Error(`Invalid time zone "${timeZone}"`);
  const wallAsUtc = utcMs(year, month, dayOfMonth, hour, minute);
  // The offsets in force within a day either side cover every transition that can touch this wall time.
  const offsets = new Set([-36, -12, 0, 12, 36].map((h) => zoneOffset(wallAsUtc + h * 3_600_000, timeZone)));
  const found = new Set<number>();
  for (const offset of offsets) {
    const candidate = wallAsUtc - offset * 60_000;
    const wall = wallTimeAt(candidate, timeZone);
    if (
      wall.year === year &&
      wall.month === month &&
      wall.day === dayOfMonth &&
      wall.hour === hour &&
      wall.minute === minute
    ) {
      found.add(candidate);
    }
  }
  return [...found].sort((a, b) => a - b).map((ms) => new Date(ms));
}

/**
 * The UTC instant of a local day and time. A wall time the clocks skip is refused, because no
 * appointment can start then and guessing would put it an hour out; an ambiguous one (clocks going
 * back) is its first occurrence, the one a person would mean.
 */
export function localToUtc(day: string, time: string, timeZone: string): string {
  const [first] = localCandidates(day, time, timeZone);
  if (!first) {
    throw new Error(`Local time ${day} ${time} does not exist in ${timeZone}: the clocks go forward over it`);
  }
  return first.toISOString();
}

/**
 * Like localToUtc, but a skipped wall time moves forward by the gap (01:30 on spring-forward day
 * becomes 02:30), as a clock on the wall would. For times derived from config, such as a reminder
 * tier's "at", where refusing would lose the reminder.
 */
export function localToUtcLenient(day: string, time: string, timeZone: string): string {
  const [first] = localCandidates(day, time, timeZone);
  if (first) return first.toISOString();
  const { year, month, dayOfMonth, hour, minute } = parseDayTime(day, time);
  // A skipped wall time keeps the earlier offset, i.e. moves forward by the gap (luxon's rule).
  const wall = utcMs(year, month, dayOfMonth, hour, minute);
  return new Date(resolveWallTime(wall, zoneOffset(wall, timeZone), timeZone)).toISOString();
}

/** Minutes since local midnight on the wall clock, for comparing against 'HH:MM' settings. */
export function minutesOfDay(dt: {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}): number {
  return dt.hour * 60 + dt.minute + dt.second / 60 + dt.millisecond / 60_000;
}

export function parseHhmm(time: string): number {
  if (!TIME.test(time)) throw new Error(`Invalid local time "${time}"; expected HH:MM (24-hour)`);
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return hour * 60 + minute;
}
