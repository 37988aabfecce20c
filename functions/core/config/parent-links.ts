/**
 * `parentLinks`: the personal link in the confirmation, reminders and short-notice offers, to the parent
 * pages at `<baseUrl>/p/<token>` (core/parent-links.ts). Left out, texts carry no link (the one-segment
 * defaults stay). `wording` is the sentence added to a text, per language, with `{link}` where the
 * address goes; a language without its own falls back to English.
 */
import { z } from 'zod';
import { languageSchema } from './primitives.ts';

export const PARENT_LINK_WORDING_DEFAULTS = {
  en: 'Confirm, change or cancel: {link}',
  cy: 'Cadarnhau, newid neu ganslo: {link}',
  pl: 'Potwierdź, zmień lub odwołaj: {link}',
  ro: 'Confirmați, schimbați sau anulați: {link}',
  ne: 'Confirm, change or cancel: {link}',
} as const;

const wordingText = z
  .string()
  .min(1)
  .max(200)
  .refine((text) => text.includes('{link}') && !/\{(?!link\})[^}]*\}/.test(text), {
    message: 'the wording needs {link} and no other placeholder',
  });

export const parentLinksSection = z
  .strictObject({
    /** The trust's own HTTPS origin for the parent pages (locally http://localhost:<port>). */
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .refine((u) => !/[?#]/.test(u), { message: 'a plain origin or path, no query or fragment' }),
    wording: z.record(languageSchema, wordingText).default(PARENT_LINK_WORDING_DEFAULTS),
  })
  .optional();
export type ParentLinksConfig = NonNullable<z.infer<typeof parentLinksSection>>;
