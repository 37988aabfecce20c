/**
 * The replies fixture (tests/fixtures/replies.json), read through its schema. `language` is the
 * language a reply is written in (absent: English, or none, as for emoji); for every intent but
 * FREE_TEXT it is also the language the parser must report. `reason` is the reason it must find.
 */
import { z } from 'zod';
import { CANCEL_REASONS, INTENTS } from '#core/intent.ts';
import rawReplies from '#tests/fixtures/replies.json' with { type: 'json' };

export const replyRowSchema = z
  .object({
    body: z.string(),
    intent: z.enum(INTENTS),
    ref: z
      .string()
      .regex(/^\d{4}$/)
      .optional(),
    language: z.string().optional(),
    reason: z.enum(CANCEL_REASONS).optional(),
    note: z.string().optional(),
  })
  .strict();
export type ReplyRow = z.infer<typeof replyRowSchema>;

export const replies: ReplyRow[] = z.array(replyRowSchema).parse(rawReplies);
