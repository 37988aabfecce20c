/** `reminders` (the sweep) and the reminder tiers each appointment type lists. */
import * as z from '#core/zod.ts';
import { hhmm } from './primitives.ts';

/**
 * A reminder tier. `daysBefore` tiers go out at a local time of day N days before the appointment;
 * `hoursBefore` tiers go out a fixed time before it. `onlyIfStartsAtOrAfter` restricts a tier to
 * appointments starting at or after a local time (the morning-of text for afternoon appointments).
 */
export const reminderTierSchema = z.discriminatedUnion('kind', [
  z.object({
    id: z
      .string()
      .check(z.regex(/^[a-z0-9-]{1,24}$/, 'expected a short id of lower-case letters, digits and dashes')),
    kind: z.literal('daysBefore'),
    days: z.number().check(z.int(), z.gte(0), z.lte(28)),
    at: hhmm,
    onlyIfStartsAtOrAfter: z.optional(hhmm),
  }),
  z.object({
    id: z
      .string()
      .check(z.regex(/^[a-z0-9-]{1,24}$/, 'expected a short id of lower-case letters, digits and dashes')),
    kind: z.literal('hoursBefore'),
    hours: z.number().check(z.positive(), z.lte(24 * 28)),
    onlyIfStartsAtOrAfter: z.optional(hhmm),
  }),
]);
export type ReminderTierConfig = z.infer<typeof reminderTierSchema>;

export const remindersSection = z._default(
  z.object({
    sweepIntervalMinutes: z._default(z.number().check(z.int(), z.gte(1), z.lte(60)), 5),
    /** Texts in flight at once during a sweep. */
    sendConcurrency: z._default(z.number().check(z.int(), z.gte(1), z.lte(50)), 8),
    /** Text a confirmation when a booking is made; off where the trust confirms bookings another way. */
    confirmation: z._default(z.boolean(), true),
  }),
  { sweepIntervalMinutes: 5, sendConcurrency: 8, confirmation: true },
);
