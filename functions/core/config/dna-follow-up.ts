/**
 * `dnaFollowUp`: the optional one-question text after a missed appointment ("Sorry we missed you. Reply
 * 1 work, 2 childcare, …"). Off unless a trust turns it on. The answers are numbered in the order of
 * DNA_ANSWERS (functions/core/dna-follow-up.ts), so a trust's own wording must keep that order.
 * Placeholders: {trust} and {servicePhone}.
 */
import * as z from '#core/zod.ts';
import { languageSchema } from './primitives.ts';

/**
 * The question per language. English is one GSM-7 segment with a short name of up to 12 characters
 * (a test holds it to that). The Welsh, Polish and Romanian need a native speaker's review, as every
 * translation here does; a language left out falls back to English.
 */
export const DNA_FOLLOW_UP_TEXTS = {
  en: '{trust}: sorry we missed you. If you can, tell us why. Reply 1 work, 2 childcare, 3 transport, 4 unwell, 5 forgot, 6 other',
  cy: "{trust}: mae'n ddrwg gennym na welsom chi. Dywedwch pam os gallwch. Atebwch 1 gwaith, 2 gofal plant, 3 trafnidiaeth, 4 salwch, 5 anghofio, 6 arall",
  pl: '{trust}: przykro nam, że nie było Państwa na wizycie. Prosimy napisać dlaczego: 1 praca, 2 opieka nad dziećmi, 3 dojazd, 4 choroba, 5 zapomniałem, 6 inne',
  ro: '{trust}: ne pare rău că nu v-am văzut. Spuneți-ne de ce: 1 serviciu, 2 îngrijirea copiilor, 3 transport, 4 boală, 5 am uitat, 6 altceva',
} as const;

export const DNA_FOLLOW_UP_DEFAULTS = {
  enabled: false,
  afterWnb: false,
  replyWindowHours: 72,
  texts: DNA_FOLLOW_UP_TEXTS,
} as const;

const questionText = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(918),
  z.superRefine((text, ctx) => {
    for (const match of text.matchAll(/\{([^}]*)\}/g)) {
      if (match[1] !== 'trust' && match[1] !== 'servicePhone') {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder {${match[1]}}; allowed: {trust} {servicePhone}`,
        });
      }
    }
  }),
);

export const dnaFollowUpSection = z._default(
  z.object({
    /** Send the question after a DNA is recorded. */
    enabled: z._default(z.boolean(), false),
    /**
     * Also after a was-not-brought. Off by default: a WNB is a safeguarding signal about a child not
     * being brought, followed up by the named health visitor in person, not by a multiple-choice text.
     */
    afterWnb: z._default(z.boolean(), false),
    /** How long after the question a reply is read as its answer. */
    replyWindowHours: z._default(z.number().check(z.int(), z.gte(1), z.lte(336)), 72),
    /** The question per language; English is required. */
    texts: z._default(
      z
        .record(languageSchema, questionText)
        .check(z.refine((t) => 'en' in t, { message: 'an English ("en") text is required' })),
      DNA_FOLLOW_UP_TEXTS,
    ),
  }),
  DNA_FOLLOW_UP_DEFAULTS,
);
