/**
 * Quiet hours: the local times of day when no text may go out. Everything is worked out on the local
 * wall clock, so a quiet period that spans a clock change is 11 or 13 hours long in UTC but still runs
 * from the configured start to the configured end.
 */
import type { DateTime } from 'luxon';
import { type Instant, inZone, localToUtcLenient, minutesOfDay, parseHhmm } from '#core/local-time.ts';

/** Local 'HH:MM'. start > end crosses midnight; start === end means no quiet hours. */
export interface QuietHours {
  start: string;
  end: string;
}

interface Window {
  start: number;
  end: number;
}

function quietWindow(quiet: QuietHours): Window {
  return { start: parseHhmm(quiet.start), end: parseHhmm(quiet.end) };
}

function quietAt(local: DateTime, w: Window): boolean {
  if (w.start === w.end) return false;
  const t = minutesOfDay(local);
  return w.start < w.end ? t >= w.start && t < w.end : t >= w.start || t < w.end;
}

function atLocal(local: DateTime, dayShift: number, time: string, timeZone: string): DateTime {
  const day = local.plus({ days: dayShift }).toFormat('yyyy-MM-dd');
  return inZone(localToUtcLenient(day, time, timeZone), timeZone);
}

/** Start inclusive, end exclusive. */
export function isQuiet(instant: Instant, quiet: QuietHours, timeZone: string): boolean {
  return quietAt(inZone(instant, timeZone), quietWindow(quiet));
}

/**
 * For an instant in quiet hours: the start of that quiet period, less `marginMinutes`, so a sweep that
 * runs every `marginMinutes` still picks the text up before quiet hours begin. Outside quiet hours the
 * instant itself.
 */
export function lastAllowedBefore(
  instant: Instant,
  quiet: QuietHours,
  timeZone: string,
  marginMinutes: number,
): Date {
  const local = inZone(instant, timeZone);
  const w = quietWindow(quiet);
  if (!quietAt(local, w)) return local.toJSDate();
  // Past midnight in a window that crosses it, the period began the evening before.
  const startedYesterday = w.start > w.end && minutesOfDay(local) < w.end;
  return atLocal(local, startedYesterday ? -1 : 0, quiet.start, timeZone)
    .minus({ minutes: marginMinutes })
    .toJSDate();
}

/** For an instant in quiet hours: the end of that quiet period. Outside quiet hours the instant itself. */
export function nextAllowedAfter(instant: Instant, quiet: QuietHours, timeZone: string): Date {
  const local = inZone(instant, timeZone);
  const w = quietWindow(quiet);
  if (!quietAt(local, w)) return local.toJSDate();
  // Before midnight in a window that crosses it, the period ends the next morning.
  const endsTomorrow = w.start > w.end && minutesOfDay(local) >= w.start;
  return atLocal(local, endsTomorrow ? 1 : 0, quiet.end, timeZone).toJSDate();
}
