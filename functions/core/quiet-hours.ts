/**
 * Quiet hours: the local times of day when no text may go out. Everything is worked out on the local
 * wall clock, so a quiet period that spans a clock change is 11 or 13 hours long in UTC but still runs
 * from the configured start to the configured end.
 */
import { addDays } from '#core/dates.ts';
import {
  type Instant,
  localToUtcLenient,
  minutesOfDay,
  parseHhmm,
  type WallTime,
  wallClock,
} from '#core/local-time.ts';
import { isoDay } from '#core/wall-clock.ts';

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

function quietAt(local: WallTime, w: Window): boolean {
  if (w.start === w.end) return false;
  const t = minutesOfDay(local);
  return w.start < w.end ? t >= w.start && t < w.end : t >= w.start || t < w.end;
}

/** The instant (ms) of `time` on the local day `dayShift` days from `local`'s. */
function atLocal(local: WallTime, dayShift: number, time: string, timeZone: string): number {
  const day = addDays(isoDay(local), dayShift);
  return Date.parse(localToUtcLenient(day, time, timeZone));
}

/** Start inclusive, end exclusive. */
export function isQuiet(instant: Instant, quiet: QuietHours, timeZone: string): boolean {
  return quietAt(wallClock(instant, timeZone), quietWindow(quiet));
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
  const local = wallClock(instant, timeZone);
  const w = quietWindow(quiet);
  if (!quietAt(local, w)) return new Date(local.ms);
  // Past midnight in a window that crosses it, the period began the evening before.
  const startedYesterday = w.start > w.end && minutesOfDay(local) < w.end;
  return new Date(atLocal(local, startedYesterday ? -1 : 0, quiet.start, timeZone) - marginMinutes * 60_000);
}

/** For an instant in quiet hours: the end of that quiet period. Outside quiet hours the instant itself. */
export function nextAllowedAfter(instant: Instant, quiet: QuietHours, timeZone: string): Date {
  const local = wallClock(instant, timeZone);
  const w = quietWindow(quiet);
  if (!quietAt(local, w)) return new Date(local.ms);
  // Before midnight in a window that crosses it, the period ends the next morning.
  const endsTomorrow = w.start > w.end && minutesOfDay(local) >= w.start;
  return new Date(atLocal(local, endsTomorrow ? 1 : 0, quiet.end, timeZone));
}
