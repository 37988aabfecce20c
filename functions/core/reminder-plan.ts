/**
 * A booking's reminder plan: when the confirmation and each configured reminder tier fall due, and why
 * any tier will not be sent. Worked out once, at booking time, and stored on the booking so the sweep
 * only has to read what is due.
 */

import type { EventPathConfig } from '#core/config/event-path-config.ts';
import type { ReminderTierConfig } from '#core/config/reminders.ts';
import { addDays } from '#core/dates.ts';
import { localDay, localToUtcLenient, minutesOfDay, parseHhmm, wallClock } from '#core/local-time.ts';
import { isQuiet, lastAllowedBefore, nextAllowedAfter, type QuietHours } from '#core/quiet-hours.ts';

export const CONFIRMATION_TIER_ID = 'confirmation';

export interface PlannedTier {
  id: string;
  kind: 'confirmation' | 'reminder';
  /** UTC ISO. */
  dueAt: string;
}

export type SkipReason = 'past-at-booking' | 'not-applicable' | 'superseded' | 'after-start';

export interface SkippedTier {
  id: string;
  reason: SkipReason;
}

export interface ReminderPlanInput {
  startsAt: string;
  bookedAt: string;
  tiers: readonly ReminderTierConfig[];
  quietHours: QuietHours;
  timeZone: string;
  sweepIntervalMinutes: number;
  /** Plan the booking confirmation (`reminders.confirmation`); omitted means yes. */
  confirmation?: boolean;
}

/** A booking's own facts, with the trust's quiet hours, time zone and sweep interval around them. */
export function reminderPlanInput(
  config: Pick<EventPathConfig, 'quietHours' | 'timeZone' | 'reminders'>,
  booking: { startsAt: string; bookedAt: string; tiers: readonly ReminderTierConfig[] },
): ReminderPlanInput {
  return {
    startsAt: booking.startsAt,
    bookedAt: booking.bookedAt,
    tiers: booking.tiers,
    quietHours: config.quietHours,
    timeZone: config.timeZone,
    sweepIntervalMinutes: config.reminders.sweepIntervalMinutes,
    confirmation: config.reminders.confirmation,
  };
}

export interface ReminderPlan {
  planned: PlannedTier[];
  skipped: SkippedTier[];
}

interface Candidate {
  id: string;
  /** Before any quiet-hours move: the tie-breaker for "closest to the appointment". */
  nominal: number;
  due: number;
}

function nominalDue(tier: ReminderTierConfig, startsAt: number, timeZone: string): number {
  if (tier.kind === 'hoursBefore') return startsAt - tier.hours * 3_600_000;
  // Calendar days on the local wall clock, so "2 days before at 10:00" is 10:00 local on either side
  // of a clock change rather than 48 hours back.
  const day = addDays(localDay(new Date(startsAt), timeZone), -tier.days);
  return Date.parse(localToUtcLenient(day, tier.at, timeZone));
}

/**
 * Moves a due time out of quiet hours to just before they start. A time in the last `margin` minutes
 * before quiet hours counts too: the sweep runs every `margin` minutes, so its next run would already
 * be in quiet hours and the text would be held back.
 */
function outOfQuietHours(due: number, quiet: QuietHours, timeZone: string, margin: number): number {
  const at = new Date(due);
  const probe = new Date(due + margin * 60_000);
  const inQuiet = isQuiet(at, quiet, timeZone) ? at : isQuiet(probe, quiet, timeZone) ? probe : undefined;
  if (!inQuiet) return due;
  return Math.min(due, lastAllowedBefore(inQuiet, quiet, timeZone, margin).getTime());
}

function parseInstant(value: string, field: string): number {
  const ms = Date.parse(value);
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(value) || Number.isNaN(ms)) {
    throw new Error(
      `${field} "${value}" is not an ISO instant with an offset, e.g. "2026-12-03T10:30:00.000Z"`,
    );
  }
  return ms;
}

export function planReminders(input: ReminderPlanInput): ReminderPlan {
  const { quietHours, timeZone, sweepIntervalMinutes: margin } = input;
  const startsAt = parseInstant(input.startsAt, 'startsAt');
  const bookedAt = parseInstant(input.bookedAt, 'bookedAt');
  const planned: PlannedTier[] = [];
  const skipped: SkippedTier[] = [];

  const confirming = input.confirmation ?? true;
  const confirmationDue = nextAllowedAfter(new Date(bookedAt), quietHours, timeZone).getTime();
  if (!confirming) {
    skipped.push({ id: CONFIRMATION_TIER_ID, reason: 'not-applicable' });
  } else if (confirmationDue >= startsAt) {
    skipped.push({ id: CONFIRMATION_TIER_ID, reason: 'after-start' });
  } else {
    planned.push({
      id: CONFIRMATION_TIER_ID,
      kind: 'confirmation',
      dueAt: new Date(confirmationDue).toISOString(),
    });
  }

  const startMinutes = minutesOfDay(wallClock(new Date(startsAt), timeZone));
  const candidates: Candidate[] = [];
  for (const tier of input.tiers) {
    if (tier.id === CONFIRMATION_TIER_ID) {
      throw new Error(`Reminder tier id "${CONFIRMATION_TIER_ID}" is reserved for the booking confirmation`);
    }
    if (tier.onlyIfStartsAtOrAfter !== undefined && startMinutes < parseHhmm(tier.onlyIfStartsAtOrAfter)) {
      skipped.push({ id: tier.id, reason: 'not-applicable' });
      continue;
    }
    const nominal = nominalDue(tier, startsAt, timeZone);
    const due = outOfQuietHours(nominal, quietHours, timeZone, margin);
    if (due <= bookedAt) skipped.push({ id: tier.id, reason: 'past-at-booking' });
    else if (due >= startsAt) skipped.push({ id: tier.id, reason: 'after-start' });
    // The confirmation already told the family the day and time; a reminder at or before it adds nothing.
    else if (confirming && due <= confirmationDue) skipped.push({ id: tier.id, reason: 'superseded' });
    else candidates.push({ id: tier.id, nominal, due });
  }

  // Two tiers moved onto the same instant (typically both pulled back before quiet hours) would send
  // the same text twice; the one meant for nearer the appointment is the one worth keeping.
  const keptAt = new Map<number, Candidate>();
  for (const c of candidates) {
    const kept = keptAt.get(c.due);
    if (!kept) {
      keptAt.set(c.due, c);
    } else if (c.nominal > kept.nominal) {
      skipped.push({ id: kept.id, reason: 'superseded' });
      keptAt.set(c.due, c);
    } else {
      skipped.push({ id: c.id, reason: 'superseded' });
    }
  }
  for (const c of keptAt.values()) {
    planned.push({ id: c.id, kind: 'reminder', dueAt: new Date(c.due).toISOString() });
  }

  planned.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  return { planned, skipped };
}
