/** `replies`: how parents' texts are handled. */
import * as z from '#core/zod.ts';
import { languageSchema } from './primitives.ts';

export const repliesSection = z._default(
  z.object({
    lateCancellationMinutes: z._default(z.number().check(z.int(), z.gte(0)), 24 * 60),
    maxInboundPerHour: z._default(z.number().check(z.int(), z.gte(1)), 10),
    /** Extra keywords per language, merged over the built-in table. */
    keywords: z._default(
      z.record(
        languageSchema,
        // partialRecord: a trust may add words for some intents only.
        z.partialRecord(
          z.enum(['CANCEL', 'REBOOK', 'YES', 'NO', 'STOP', 'START', 'HELP']),
          z.array(z.string().check(z.minLength(1))),
        ),
      ),
      {},
    ),
  }),
  { lateCancellationMinutes: 1440, maxInboundPerHour: 10, keywords: {} },
);
