/**
 * Which words a reminder uses, so that each of a family's reminders reads differently: the day-of text
 * says "today at 14:30", the day before "tomorrow at 14:30", and any earlier one names the day. The
 * difference is counted in the trust's calendar days at the moment the text goes, which may be later
 * than the tier was due (a sweep catching up), so a 2-day reminder sent the day before says "tomorrow".
 */
import type { TemplateKey } from './config/templates.ts';
import { type Instant, localDay } from './local-time.ts';

export type ReminderTemplateKey = Extract<TemplateKey, 'reminder' | 'reminderToday' | 'reminderTomorrow'>;

/** Whole calendar days from `from`'s local day to `to`'s, in `timeZone` (a clock change does not count). */
export function calendarDaysBetween(from: Instant, to: Instant, timeZone: string): number {
  const day = (instant: Instant) => Date.parse(`${localDay(instant, timeZone)}T00:00:00Z`);
  return Math.round((day(to) - day(from)) / 86_400_000);
}

export function reminderTemplateKey(
  startsAt: Instant,
  sentAt: Instant,
  timeZone: string,
): ReminderTemplateKey {
  const days = calendarDaysBetween(sentAt, startsAt, timeZone);
  if (days <= 0) return 'reminderToday';
  if (days === 1) return 'reminderTomorrow';
  return 'reminder';
}
