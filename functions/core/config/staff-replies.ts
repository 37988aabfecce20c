/**
 * `staffReplies`: the fixed replies staff pick from in the inbox (functions/core/staff-replies.ts renders
 * them). Each has a short label for the reply form and its text per language; the family's language is
 * used when there is a text in it, English otherwise. Placeholders: {trust} and {servicePhone}. Left out,
 * the three replies below apply; a trust that sets the section replaces them all.
 */
import * as z from '#core/zod.ts';
import { languageSchema } from './primitives.ts';

export const STAFF_REPLY_PLACEHOLDERS = ['trust', 'servicePhone'] as const;

export const STAFF_REPLIES_DEFAULTS = {
  'will-call': {
    label: 'We will call you today',
    texts: { en: 'Thank you for your message. Someone from the {trust} team will call you today.' },
  },
  'call-us': {
    label: 'Please call us',
    texts: { en: 'Thank you for your message. Please call us on {servicePhone} and we will help. {trust}' },
  },
  noted: {
    label: 'We have noted your message',
    texts: { en: 'Thank you, we have noted your message. {trust}' },
  },
} as const;

const replyText = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(918),
  z.superRefine((text, ctx) => {
    for (const match of text.matchAll(/\{([^}]*)\}/g)) {
      if (!(STAFF_REPLY_PLACEHOLDERS as readonly string[]).includes(match[1] ?? '')) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder {${match[1]}}; allowed: {trust} {servicePhone}`,
        });
      }
    }
  }),
);

export const staffReplySchema = z.object({
  /** What the reply form calls it ("Please call us"). */
  label: z.string().check(z.trim(), z.minLength(1), z.maxLength(60)),
  /** The text per language; English is required (other languages fall back to it). */
  texts: z.record(languageSchema, replyText).check(
    z.refine((t) => 'en' in t, {
      message: 'an English ("en") text is required',
    }),
  ),
});

export const staffRepliesSection = z._default(
  z
    .record(
      z
        .string()
        .check(z.regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected a key of lower-case letters, digits and dashes')),
      staffReplySchema,
    )
    .check(
      z.refine((r) => Object.keys(r).length > 0 && Object.keys(r).length <= 12, {
        message: 'give between 1 and 12 replies',
      }),
    ),
  STAFF_REPLIES_DEFAULTS,
);
