/**
 * Calendar dates and calendar-day arithmetic, in one place.
 *
 * - A date that comes in from outside (an API body or query, a CSV cell, FHIR `Patient.birthDate`) is
 *   checked by `calendarDate` / `parseDate` here and nowhere else, so `2023-02-31` is refused on every
 *   path alike.
 * - A rule that talks about days ("42 days ahead", "within 7 days of birth", "from 1 to 31 March")
 *   counts calendar days, in the trust's time zone when it starts from an instant. Adding 24 hours is
 *   not a day: across a clock change it is an hour out.
 */
import * as z from '#core/zod.ts';
import {
  dayMs,
  dayOf,
  type Instant,
  isRealDate,
  isValidZone,
  parseIsoInstant,
  plusWallDays,
  wallTimeAt,
  wholeWallDays,
} from './wall-clock.ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UK_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

export type DateResult =
  | { ok: true; date: string }
  | { ok: false; reason: 'format' | 'not-a-date'; message: string };

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function realDate(y: number, m: number, d: number): DateResult {
  if (!isRealDate(y, m, d)) {
    return { ok: false, reason: 'not-a-date', message: 'is not a real calendar date' };
  }
  return { ok: true, date: `${pad(y, 4)}-${pad(m)}-${pad(d)}` };
}

/**
 * A real calendar date written yyyy-mm-dd. With `{ uk: true }` (spreadsheet cells), dd/mm/yyyy as UK
 * spreadsheets save dates is read too; the result is always yyyy-mm-dd.
 */
export function parseDate(value: string, options: { uk?: boolean } = {}): DateResult {
  const text = value.trim();
  const iso = ISO_DATE.exec(text);
  if (iso) return realDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const uk = options.uk ? UK_DATE.exec(text) : null;
  if (uk) return realDate(Number(uk[3]), Number(uk[2]), Number(uk[1]));
  return {
    ok: false,
    reason: 'format',
    message: options.uk ? 'expected a date as yyyy-mm-dd (or dd/mm/yyyy)' : 'expected a date as yyyy-mm-dd',
  };
}

/** The zod form of parseDate, for API bodies, query strings and stored records: yyyy-mm-dd, a real date. */
export const calendarDate = z
  .string()
  .check(
    z.superRefine((value, ctx) => {
      const result = parseDate(value);
      // Only the exact form is accepted here (no surrounding spaces): what is stored is what was sent.
      if (!result.ok) ctx.addIssue({ code: 'custom', message: result.message });
      else if (result.date !== value)
        ctx.addIssue({ code: 'custom', message: 'expected a date as yyyy-mm-dd' });
    }),
  )
  .register(z.globalRegistry, { format: 'date' });

/** A yyyy-mm-dd date as its UTC midnight in milliseconds; throws if it is not a real date. */
const dateMs = (date: string): number => {
  const ms = dayMs(date);
  if (Number.isNaN(ms)) throw new RangeError(`not a yyyy-mm-dd date: ${date}`);
  return ms;
};

/** `date` moved by `days` calendar days (negative goes back). */
export function addDays(date: string, days: number): string {
  // UTC has no clock changes, so a calendar day there is always 24 hours.
  return dayOf(dateMs(date) + days * 86_400_000);
}

/** Calendar days from `from` to `to`: 0 for the same date, negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  // Both are midnights in UTC, which has no clock changes, so the difference is whole days.
  return Math.round((dateMs(to) - dateMs(from)) / 86_400_000);
}

/** The instant in milliseconds, an offset-less string read in `timeZone` (as luxon's fromISO). */
function zonedMs(instant: Instant, timeZone: string): number {
  if (!isValidZone(timeZone)) return Number.NaN;
  return typeof instant === 'string' ? parseIsoInstant(instant, timeZone) : instant.getTime();
}

/**
 * The instant `days` calendar days after `instant` at the same wall-clock time in `timeZone`: 42 days
 * after 10:00 on 1 March is 10:00 on 12 April, although the clocks went forward in between. A wall time
 * the clocks skip moves forward by the gap.
 */
export function plusLocalDays(instant: Instant, days: number, timeZone: string): Date {
  const start = zonedMs(instant, timeZone);
  if (Number.isNaN(start)) throw new RangeError(`not an instant: ${String(instant)}`);
  return new Date(plusWallDays(wallTimeAt(start, timeZone), days, timeZone));
}

/**
 * Whole days from `from` to `to` as the wall clock in `timeZone` counts them: from 10:00 one day to
 * 09:59 seven days later is 6 days, whether or not the clocks changed in between.
 */
export function wholeLocalDaysBetween(from: Instant, to: Instant, timeZone: string): number {
  const [a, b] = [zonedMs(from, timeZone), zonedMs(to, timeZone)];
  if (Number.isNaN(a) || Number.isNaN(b)) throw new RangeError('not an instant');
  return wholeWallDays(a, b, timeZone);
}
