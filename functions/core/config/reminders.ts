/** `reminders` (the sweep) and the reminder tiers each appointment type lists. */
import * as z from 'zod';
import { hhmm } from './primitives.ts';

/**
 * A reminder tier. `daysBefore` tiers go out at a local time of day N days before the appointment;
 * `hoursBefore` tiers go out a fixed time before it. `onlyIfStartsAtOrAfter` restricts a tier to
 * appointments starting at or after a local time (the morning-of text for afternoon appointments).
 */
export const reminderTierSchema = z.discriminatedUnion('kind', [
  z.object({
    id: z.string().regex(/^[a-z0-9-]{1,24}$/, 'expected a short id of lower-case letters, digits and dashes'),
    kind: z.literal('daysBefore'),
    days: z.number().int().min(0).max(28),
    at: hhmm,
    onlyIfStartsAtOrAfter: hhmm.optional(),
  }),
  z.object({
    id: z.string().regex(/^[a-z0-9-]{1,24}$/, 'expected a short id of lower-case letters, digits and dashes'),
    kind: z.literal('hoursBefore'),
    hours: z
      .number()
      .positive()
      .max(24 * 28),
    onlyIfStartsAtOrAfter: hhmm.optional(),
  }),
]);
export type ReminderTierConfig = z.infer<typeof reminderTierSchema>;

export const remindersSection = z
  .object({
    sweepIntervalMinutes: z.number().int().min(1).max(60).default(5),
    /** Texts in flight at once during a sweep. */
    sendConcurrency: z.number().int().min(1).max(50).default(8),
    /** Text a confirmation when a booking is made; off where the trust confirms bookings another way. */
    confirmation: z.boolean().default(true),
  })
  .default({ sweepIntervalMinutes: 5, sendConcurrency: 8, confirmation: true });
