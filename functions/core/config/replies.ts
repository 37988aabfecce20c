/** `replies`: how parents' texts are handled. */
import * as z from 'zod';
import { languageSchema } from './primitives.ts';

export const repliesSection = z
  .object({
    lateCancellationMinutes: z
      .number()
      .int()
      .min(0)
      .default(24 * 60),
    maxInboundPerHour: z.number().int().min(1).default(10),
    /** Extra keywords per language, merged over the built-in table. */
    keywords: z
      .record(
        languageSchema,
        // partialRecord: a trust may add words for some intents only.
        z.partialRecord(
          z.enum(['CANCEL', 'REBOOK', 'YES', 'NO', 'STOP', 'START', 'HELP']),
          z.array(z.string().min(1)),
        ),
      )
      .default({}),
  })
  .default({ lateCancellationMinutes: 1440, maxInboundPerHour: 10, keywords: {} });
