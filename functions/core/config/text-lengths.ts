/**
 * A config whose templates can render a text longer than Attend sends (6 segments: 918 GSM-7
 * characters, 402 UCS-2) fails to load, naming the template. Every template is rendered for every
 * appointment type in every language the config writes, with the longest values a text can carry:
 * a 40-character name and venue (the most staff can enter), a day longer than any language writes,
 * a {choices} listing three bookings.
 */
import type * as z from '#core/zod.ts';
import { TextTooLongError } from '../errors.ts';
import {
  appointmentTypeName,
  renderText,
  type TemplateVars,
  type TextConfig,
  templateFor,
} from '../templates.ts';
import { TEMPLATE_KEYS } from './templates.ts';

const LONG_NAME = 'Anastasia-Rose Wilhelmina-Fitzgeraldson'.padEnd(40, 'x');
const LONG_VENUE = "St Mary's Church Hall, Upper Maidstone Rd".slice(0, 40);

/**
 * A day at least as long as any formatDay writes in any language (the longest, Nepali 'शुक्र ११
 * सेप्टेम्बर', is 19 characters; Welsh and Romanian reach 13; tests/unit/core/text-lengths.test.ts
 * checks a year of days in every language). A fixed value keeps the check free of locale data, so
 * loading the config at a cold start stays fast.
 */
export const LONG_DAY = 'Wednesday, 30 September';

export function longSampleValues(): TemplateVars {
  const day = LONG_DAY;
  const choice = (ref: string) => `CANCEL ${ref} for ${LONG_NAME} on ${day} 14:30`;
  return {
    name: LONG_NAME,
    venue: LONG_VENUE,
    day,
    time: '14:30',
    ref: '4821',
    holdMinutes: '120',
    choices: `Reply ${[choice('4821'), choice('4822'), choice('4823')].join(', or ')}.`,
  };
}

/**
 * For each distinct template a key resolves to in a language, the type with the longest name: the
 * longest text that template can make (the name is the only part a type changes), so one render each.
 */
function longestNamedTypePerTemplate(cfg: TextConfig, key: (typeof TEMPLATE_KEYS)[number], language: string) {
  const best = new Map<string, { typeId: string; length: number }>();
  for (const typeId of Object.keys(cfg.appointmentTypes)) {
    const template = templateFor(cfg, key, language, typeId);
    const length = appointmentTypeName(cfg, typeId, template.language).length;
    const seen = best.get(`${template.language} ${template.text}`);
    if (!seen || length > seen.length) best.set(`${template.language} ${template.text}`, { typeId, length });
  }
  return [...best.values()].map((b) => b.typeId);
}

export function checkTextLengths(
  cfg: TextConfig & { readonly timeZone: string },
  ctx: z.RefinementCtx,
): void {
  // Without every English template (checkEnglishTemplates says which) a text may have nothing to fall back to.
  if (!TEMPLATE_KEYS.every((key) => cfg.templates.en?.[key])) return;
  const languages = new Set(['en', ...Object.keys(cfg.templates)]);
  for (const type of Object.values(cfg.appointmentTypes)) {
    for (const language of Object.keys(type.templates ?? {})) languages.add(language);
  }
  const reported = new Set<string>();
  for (const language of languages) {
    const vars = longSampleValues();
    for (const key of TEMPLATE_KEYS) {
      for (const typeId of longestNamedTypePerTemplate(cfg, key, language)) {
        try {
          renderText(cfg, { key, language, typeId, vars });
        } catch (err) {
          // Anything else (an unknown placeholder, say) is reported by the template's own schema.
          if (!(err instanceof TextTooLongError)) continue;
          const used = templateFor(cfg, key, language, typeId).language;
          const own = cfg.appointmentTypes[typeId]?.templates?.[used]?.[key] !== undefined;
          const path = own ? ['appointmentTypes', typeId, 'templates', used, key] : ['templates', used, key];
          if (reported.has(path.join('.'))) continue;
          reported.add(path.join('.'));
          ctx.addIssue({ code: 'custom', path, message: `${err.message} (with long sample values)` });
        }
      }
    }
  }
}
