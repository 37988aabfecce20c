/** `booking`: how far ahead staff may book, and when missed appointments escalate. */
import * as z from 'zod';

export const bookingSection = z
  .object({
    horizonDays: z.number().int().min(1).max(365).default(42),
    wnbEscalationThreshold: z.number().int().min(1).default(2),
  })
  .default({ horizonDays: 42, wnbEscalationThreshold: 2 });
