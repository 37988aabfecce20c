/** Which letters a batch holds (core/letters/due.ts): the rules in one pure function. */
import { describe, expect, it } from 'vitest';
import { type LetterCandidate, lettersDue } from '#core/letters/due.ts';

const RULES = { minLeadDays: 7, reminderDaysBefore: 10, reminderLatestDaysBefore: 3 };
const DAY = '2026-11-23';
const BATCH = '2026-11-23-riverside';

const aCandidate = (appointmentDay: string, overrides: Partial<LetterCandidate> = {}): LetterCandidate => ({
  bookingId: 'b1',
  appointmentDay,
  status: 'BOOKED',
  route: 'letter',
  recorded: {},
  ...overrides,
});

describe('lettersDue', () => {
  it.each([
    ['2026-11-25', []],
    ['2026-11-26', ['reminder']],
    ['2026-11-29', ['reminder']],
    ['2026-11-30', ['booking']],
    ['2026-12-03', ['booking']],
    ['2027-01-04', ['booking']],
  ])('an appointment on %s gets %j', (day, kinds) => {
    expect(lettersDue(RULES, DAY, BATCH, [aCandidate(day)]).map((d) => d.kind)).toEqual(kinds);
  });

  it('writes only to letter-route families with a live booking', () => {
    const due = lettersDue(RULES, DAY, BATCH, [
      aCandidate('2026-12-03', { bookingId: 'sms', route: 'sms' }),
      aCandidate('2026-12-03', { bookingId: 'call', route: 'call' }),
      aCandidate('2026-12-03', { bookingId: 'cancelled', status: 'CANCELLED' }),
      aCandidate('2026-12-03', { bookingId: 'post' }),
    ]);
    expect(due).toEqual([{ bookingId: 'post', kind: 'booking' }]);
  });

  it('sends each kind once: recorded in another batch is done, in this batch is made again whole', () => {
    const elsewhere = { day: '2026-11-20', batchId: '2026-11-20-riverside' };
    expect(
      // 17 days ahead: a booking letter only, never a reminder yet
      lettersDue(RULES, DAY, BATCH, [aCandidate('2026-12-10', { recorded: { booking: elsewhere } })]),
    ).toEqual([]);
    expect(
      lettersDue(RULES, DAY, BATCH, [
        aCandidate('2026-12-10', { recorded: { booking: { day: DAY, batchId: BATCH } } }),
      ]),
    ).toEqual([{ bookingId: 'b1', kind: 'booking' }]);
  });

  it('sends no reminder after a booking letter inside the reminder window, but one after an early booking letter', () => {
    const lateBookingLetter = { booking: { day: '2026-11-22', batchId: 'x' } }; // 8 days before the 30th
    const earlyBookingLetter = { booking: { day: '2026-11-01', batchId: 'y' } }; // 29 days before the 30th
    expect(
      lettersDue(RULES, DAY, BATCH, [aCandidate('2026-11-28', { recorded: lateBookingLetter })]),
    ).toEqual([]);
    expect(
      lettersDue(RULES, DAY, BATCH, [aCandidate('2026-11-28', { recorded: earlyBookingLetter })]),
    ).toEqual([{ bookingId: 'b1', kind: 'reminder' }]);
  });
});
