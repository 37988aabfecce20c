/**
 * The import samples (`tests/fixtures/import/sample.csv` and `bundle.json`) moved to dates a new user
 * can import today: `GET /dev/samples/import.csv` and `GET /dev/samples/bundle.json` on the local runtime.
 *
 * The files themselves keep their fixed dates (the tests run them on a frozen clock). Here every
 * `yyyy-mm-dd` in them (appointment dates, slot and appointment starts, dates of birth, due dates) moves
 * by the same whole number of days, so the first appointment falls `leadDays` after the virtual clock's
 * local day (Europe/London). Moving every date together keeps each child's age at each appointment, so
 * each booking stays inside its Healthy Child Programme window. Times of day and offsets are untouched.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';

const ZONE = 'Europe/London';
const ISO_DAY = /\b(\d{4}-\d{2}-\d{2})(?=\b|T)/g;

const fixture = (name: string): string =>
  readFileSync(new URL(`../tests/fixtures/import/${name}`, import.meta.url), 'utf8');

/** Moves every `yyyy-mm-dd` in `text` by `days` (calendar days; negative moves back). */
export function shiftIsoDays(text: string, days: number): string {
  if (days === 0) return text;
  return text.replace(ISO_DAY, (day: string) => {
    const moved = DateTime.fromISO(day, { zone: 'UTC' }).plus({ days });
    return moved.isValid ? moved.toISODate()! : day;
  });
}

/** The earliest appointment day in a sample CSV: the smallest `date` column value. */
export function firstCsvAppointmentDay(csv: string): string {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const days = rows.map((r) => r.date ?? '').filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  if (days.length === 0) throw new Error('the sample CSV has no appointment dates');
  return days.sort()[0]!;
}

/** The earliest Slot or Appointment `start` day in a sample FHIR Bundle. */
export function firstBundleAppointmentDay(bundle: string): string {
  const parsed = JSON.parse(bundle) as { entry?: { resource?: { resourceType?: string; start?: string } }[] };
  const days = (parsed.entry ?? [])
    .map((e) => e.resource)
    .filter((r) => r?.resourceType === 'Appointment' || r?.resourceType === 'Slot')
    .map((r) => r?.start?.slice(0, 10) ?? '')
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  if (days.length === 0) throw new Error('the sample Bundle has no appointment starts');
  return days.sort()[0]!;
}

/** Whole days from `fromDay` to `toDay` (both `yyyy-mm-dd`). */
function daysBetween(fromDay: string, toDay: string): number {
  return Math.round(
    DateTime.fromISO(toDay, { zone: 'UTC' }).diff(DateTime.fromISO(fromDay, { zone: 'UTC' }), 'days').days,
  );
}

/** The local day (Europe/London) `leadDays` after `now`. */
function targetDay(now: Date, leadDays: number): string {
  return DateTime.fromJSDate(now, { zone: ZONE }).plus({ days: leadDays }).toISODate()!;
}

/**
 * The sample CSV with its first appointment `leadDays` (default 3) local days after `now`.
 * Errors: throws if the fixture is missing or has no appointment dates.
 */
export function importSampleCsv(now: Date, leadDays = 3): string {
  const csv = fixture('sample.csv');
  return shiftIsoDays(csv, daysBetween(firstCsvAppointmentDay(csv), targetDay(now, leadDays)));
}

/** The sample FHIR R4 Bundle with its first appointment `leadDays` (default 3) local days after `now`. */
export function importSampleBundle(now: Date, leadDays = 3): string {
  const bundle = fixture('bundle.json');
  return shiftIsoDays(bundle, daysBetween(firstBundleAppointmentDay(bundle), targetDay(now, leadDays)));
}
