/** `messages`: how long texts in and out are kept. */
import * as z from '#core/zod.ts';

export const messagesSection = z._default(
  z.object({
    retentionDays: z._default(z.number().check(z.int(), z.gte(1), z.lte(3650)), 90),
  }),
  { retentionDays: 90 },
);
