/**
 * `parentLinks`: the personal link in the confirmation, reminders and short-notice offers, to the parent
 * pages at `<baseUrl>/p/<token>` (core/parent-links.ts). Left out, texts carry no link (the one-segment
 * defaults stay). `wording` is the sentence added to a text, per language, with `{link}` where the
 * address goes; a language without its own falls back to English.
 */
import * as z from '#core/zod.ts';
import { analyseSms, MAX_SEGMENTS } from '../sms-segments.ts';
import { renderText, type TextConfig } from '../templates.ts';
import { languageSchema } from './primitives.ts';
import { longSampleValues } from './text-lengths.ts';

export const PARENT_LINK_WORDING_DEFAULTS = {
  en: 'Confirm, change or cancel: {link}',
  cy: 'Cadarnhau, newid neu ganslo: {link}',
  pl: 'Potwierdź, zmień lub odwołaj: {link}',
  ro: 'Confirmați, schimbați sau anulați: {link}',
  ne: 'Confirm, change or cancel: {link}',
} as const;

/** The sentence on a short-notice offer, whose link takes the time. */
export const PARENT_LINK_OFFER_WORDING_DEFAULTS = {
  en: 'Or take it online: {link}',
  cy: 'Neu ei gymryd ar-lein: {link}',
  pl: 'Lub przyjmij online: {link}',
  ro: 'Sau acceptați online: {link}',
  ne: 'Wa online lina: {link}',
} as const;

const wordingText = z.string().check(
  z.minLength(1),
  z.maxLength(200),
  z.refine((text) => text.includes('{link}') && !/\{(?!link\})[^}]*\}/.test(text), {
    message: 'the wording needs {link} and no other placeholder',
  }),
);

export const parentLinksSection = z.optional(
  z.strictObject({
    /** The trust's own HTTPS origin for the parent pages (locally http://localhost:<port>). */
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .check(z.refine((u) => !/[?#]/.test(u), { message: 'a plain origin or path, no query or fragment' })),
    wording: z._default(z.record(languageSchema, wordingText), PARENT_LINK_WORDING_DEFAULTS),
    /** The same for the short-notice offer, whose link takes the time. */
    offerWording: z._default(z.record(languageSchema, wordingText), PARENT_LINK_OFFER_WORDING_DEFAULTS),
  }),
);
export type ParentLinksConfig = NonNullable<z.infer<typeof parentLinksSection>>;

/** The texts that carry the link (core/parent-links.ts LINKED_TEMPLATES, repeated to avoid a cycle). */
const LINKED = ['confirmation', 'moved', 'reminder', 'reminderToday', 'reminderTomorrow', 'offer'] as const;

/**
 * With links on, every text that carries the link must still fit 6 segments with it, rendered with the
 * same long sample values as checkTextLengths and the link at its longest (the base URL and a token).
 */
export function checkParentLinkLengths(
  cfg: TextConfig & { readonly parentLinks?: ParentLinksConfig | undefined },
  ctx: z.RefinementCtx,
): void {
  const links = cfg.parentLinks;
  if (!links || !LINKED.every((key) => cfg.templates.en?.[key])) return;
  const url = `${links.baseUrl.replace(/\/+$/, '')}/p/${'x'.repeat(22)}`;
  const languages = new Set(['en', ...Object.keys(cfg.templates)]);
  for (const language of languages) {
    for (const key of LINKED) {
      for (const typeId of Object.keys(cfg.appointmentTypes)) {
        let text: { body: string; language: string };
        try {
          text = renderText(cfg, { key, language, typeId, vars: longSampleValues() });
        } catch {
          continue; // checkTextLengths reports a text too long without the link.
        }
        const set = key === 'offer' ? links.offerWording : links.wording;
        const wording = set[text.language as keyof typeof set] ?? set.en;
        const sentence = (wording ?? PARENT_LINK_WORDING_DEFAULTS.en).replace('{link}', () => url);
        const analysis = analyseSms(`${text.body} ${sentence}`);
        if (analysis.segments > MAX_SEGMENTS) {
          ctx.addIssue({
            code: 'custom',
            path: ['parentLinks', key === 'offer' ? 'offerWording' : 'wording', text.language],
            message: `the "${key}" text (${typeId}, ${text.language}) with the link is ${analysis.segments} segments: Attend sends at most ${MAX_SEGMENTS}`,
          });
          return;
        }
      }
    }
  }
}
