/**
 * Which letters a clinic's batch for one day holds: a pure decision over the day's facts, so the rules
 * can be read (and tested) in one place. The service (services/letters.ts) gathers the facts: the
 * clinic's live bookings ahead, each family's contact route, and the letters already recorded.
 *
 * - A **booking letter** when the appointment is at least `minLeadDays` after the batch day: a letter
 *   that lands after the day helps nobody.
 * - A **reminder letter** when the appointment is `reminderLatestDaysBefore` to `reminderDaysBefore`
 *   days after the batch day, so a family who became letter-only late (a number that stopped working)
 *   still gets one in the next batch; unless the booking letter went inside that window already (it says
 *   the same, days before).
 * - Only families whose route is `letter` (core/contact-channels.ts), and only BOOKED bookings, read at
 *   the moment the batch is made: a booking cancelled or moved before then gets no stale letter.
 */
import type { LettersConfig } from '#core/config/letters.ts';
import { daysBetween } from '#core/dates.ts';
import type { LETTER_KINDS } from './text-types.ts';

export type LetterKind = (typeof LETTER_KINDS)[number];

/** A letter already recorded for a booking: the day of the batch it went in, and which batch. */
export interface RecordedLetter {
  readonly day: string;
  readonly batchId: string;
}

export interface LetterCandidate {
  readonly bookingId: string;
  /** The appointment's local day, yyyy-mm-dd. */
  readonly appointmentDay: string;
  readonly status: string;
  /** The family's route, from decideContactRoute. */
  readonly route: 'sms' | 'letter' | 'call';
  readonly recorded: Partial<Record<LetterKind, RecordedLetter>>;
}

export interface DueLetter {
  readonly bookingId: string;
  readonly kind: LetterKind;
}

type Rules = Pick<LettersConfig, 'minLeadDays' | 'reminderDaysBefore' | 'reminderLatestDaysBefore'>;

/**
 * The letters of one batch (`batchId`, made on local day `day`). A letter already recorded in this same
 * batch (a run that stopped part-way and is run again) is due again, so the batch is made whole; one
 * recorded in any other batch is not.
 */
export function lettersDue(
  rules: Rules,
  day: string,
  batchId: string,
  candidates: readonly LetterCandidate[],
): DueLetter[] {
  const due: DueLetter[] = [];
  const open = (recorded: RecordedLetter | undefined) =>
    recorded === undefined || recorded.batchId === batchId;
  for (const c of candidates) {
    if (c.status !== 'BOOKED' || c.route !== 'letter') continue;
    const lead = daysBetween(day, c.appointmentDay);
    const booking = lead >= rules.minLeadDays && open(c.recorded.booking);
    if (booking) due.push({ bookingId: c.bookingId, kind: 'booking' });
    const inWindow = lead >= rules.reminderLatestDaysBefore && lead <= rules.reminderDaysBefore;
    const bookingLetterInWindow =
      booking ||
      (c.recorded.booking !== undefined &&
        daysBetween(c.recorded.booking.day, c.appointmentDay) <= rules.reminderDaysBefore);
    if (inWindow && open(c.recorded.reminder) && !bookingLetterInWindow) {
      due.push({ bookingId: c.bookingId, kind: 'reminder' });
    }
  }
  return due;
}
