/** `messages`: how long texts in and out are kept. */
import * as z from 'zod';

export const messagesSection = z
  .object({
    retentionDays: z.number().int().min(1).max(3650).default(90),
  })
  .default({ retentionDays: 90 });
