/**
 * `booking`: how far ahead staff may book, when missed appointments escalate, and the least notice a
 * parent needs to move to a time on the parent page (staff moves have none: staff may book a walk-in).
 */
import * as z from '#core/zod.ts';

export const bookingSection = z._default(
  z.object({
    horizonDays: z._default(z.number().check(z.int(), z.gte(1), z.lte(365)), 42),
    wnbEscalationThreshold: z._default(z.number().check(z.int(), z.gte(1)), 2),
    /**
     * The parent page's rebook offers (and books) only times starting at least this many minutes after
     * now: a duration before the slot's start, whatever the local clock says.
     */
    parentRebookNoticeMinutes: z._default(
      z
        .number()
        .check(
          z.int({ message: 'a whole number of minutes' }),
          z.gte(0, { message: 'at least 0 minutes (0 lets a parent take any time not yet started)' }),
          z.lte(10080, { message: 'at most 10080 minutes (7 days)' }),
        ),
      120,
    ),
  }),
  { horizonDays: 42, wnbEscalationThreshold: 2, parentRebookNoticeMinutes: 120 },
);
