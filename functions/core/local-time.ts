/**
 * Local calendar and clock arithmetic for a trust's time zone. Instants are stored as UTC ISO strings,
 * but families and staff think in local days and times, so every conversion goes through here.
 */
import { DateTime, IANAZone } from 'luxon';

export type Instant = Date | string;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
// An offset-less string would silently be read in the zone (or the host's zone), hiding bugs.
const HAS_OFFSET = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

/** The instant as a luxon DateTime in `timeZone`; throws on an invalid instant or zone. */
export function inZone(instant: Instant, timeZone: string): DateTime {
  let dt: DateTime;
  if (typeof instant === 'string') {
    if (!HAS_OFFSET.test(instant)) {
      throw new Error(`Instant "${instant}" has no UTC offset; expected e.g. "2026-12-03T10:30:00.000Z"`);
    }
    dt = DateTime.fromISO(instant, { zone: timeZone });
  } else {
    dt = DateTime.fromJSDate(instant, { zone: timeZone });
  }
  if (!dt.isValid) {
    throw new Error(
      `Invalid instant ${String(instant)} in time zone "${timeZone}": ${dt.invalidExplanation}`,
    );
  }
  return dt;
}

export function toDate(instant: Instant): Date {
  return inZone(instant, 'UTC').toJSDate();
}

export function toIso(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new Error('Cannot format an invalid Date as an ISO instant');
  }
  return date.toISOString();
}

/** The local calendar day, 'yyyy-MM-dd'. */
export function localDay(instant: Instant, timeZone: string): string {
  return inZone(instant, timeZone).toFormat('yyyy-MM-dd');
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

/** Short weekday, day number and short month in the family's language, e.g. 'Tue 3 Dec'. */
export function formatDay(instant: Instant, timeZone: string, language: string): string {
  return inZone(instant, timeZone).setLocale(localeFor(language)).toFormat('EEE d MMM');
}

/** 24-hour local time, 'HH:mm'. */
export function formatTime(instant: Instant, timeZone: string): string {
  return inZone(instant, timeZone).toFormat('HH:mm');
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
export function localCandidates(day: string, time: string, timeZone: string): DateTime[] {
  const { year, month, dayOfMonth, hour, minute } = parseDayTime(day, time);
  const wallAsUtc = DateTime.fromObject({ year, month, day: dayOfMonth, hour, minute }, { zone: 'UTC' });
  if (!wallAsUtc.isValid) throw new Error(`Invalid local day "${day}"`);
  if (!IANAZone.isValidZone(timeZone)) throw new Error(`Invalid time zone "${timeZone}"`);
  // The offsets in force within a day either side cover every transition that can touch this wall time.
  const offsets = new Set(
    [-36, -12, 0, 12, 36].map((h) => wallAsUtc.plus({ hours: h }).setZone(timeZone).offset),
  );
  const found = new Map<number, DateTime>();
  for (const offset of offsets) {
    const candidate = wallAsUtc.minus({ minutes: offset }).setZone(timeZone);
    if (
      candidate.year === year &&
      candidate.month === month &&
      candidate.day === dayOfMonth &&
      candidate.hour === hour &&
      candidate.minute === minute
    ) {
      found.set(candidate.toMillis(), candidate);
    }
  }
  return [...found.values()].sort((a, b) => a.toMillis() - b.toMillis());
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
  return first.toUTC().toISO() as string;
}

/**
 * Like localToUtc, but a skipped wall time moves forward by the gap (01:30 on spring-forward day
 * becomes 02:30), as a clock on the wall would. For times derived from config, such as a reminder
 * tier's "at", where refusing would lose the reminder.
 */
export function localToUtcLenient(day: string, time: string, timeZone: string): string {
  const [first] = localCandidates(day, time, timeZone);
  if (first) return first.toUTC().toISO() as string;
  const { year, month, dayOfMonth, hour, minute } = parseDayTime(day, time);
  // luxon resolves a skipped wall time by keeping the earlier offset, i.e. moving forward by the gap.
  return DateTime.fromObject({ year, month, day: dayOfMonth, hour, minute }, { zone: timeZone })
    .toUTC()
    .toISO() as string;
}

/** Minutes since local midnight on the wall clock, for comparing against 'HH:MM' settings. */
export function minutesOfDay(dt: DateTime): number {
  return dt.hour * 60 + dt.minute + dt.second / 60 + dt.millisecond / 60_000;
}

export function parseHhmm(time: string): number {
  if (!TIME.test(time)) throw new Error(`Invalid local time "${time}"; expected HH:MM (24-hour)`);
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return hour * 60 + minute;
}
