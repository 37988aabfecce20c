/** `booking`: how far ahead staff may book, and when missed appointments escalate. */
import * as z from '#core/zod.ts';

export const bookingSection = z._default(
  z.object({
    horizonDays: z._default(z.number().check(z.int(), z.gte(1), z.lte(365)), 42),
    wnbEscalationThreshold: z._default(z.number().check(z.int(), z.gte(1)), 2),
  }),
  { horizonDays: 42, wnbEscalationThreshold: 2 },
);
