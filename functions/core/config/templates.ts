/** `templates`: every text Attend sends, per language. Placeholders are written {name}. */
import * as z from '#core/zod.ts';
import { languageSchema } from './primitives.ts';

/** Every text Attend sends. Placeholders are written {name}; unknown placeholders fail validation. */
export const TEMPLATE_KEYS = [
  'confirmation',
  /** A reminder two or more days ahead: it names the day. */
  'reminder',
  /** A reminder sent on the day of the appointment: "today at {time}". */
  'reminderToday',
  /** A reminder sent the day before: "tomorrow at {time}". */
  'reminderTomorrow',
  'cancelledByStaff',
  /** Staff cancelled because it is no longer needed: no promise to rebook. */
  'cancelledNotNeeded',
  /** The confirmation of a booking staff (or the parent page) moved: it says the appointment has moved. */
  'moved',
  'cancelConfirmed',
  'cancelConfirmedLate',
  'alreadyCancelled',
  'rebookRequested',
  'chooseBooking',
  'stopConfirmed',
  'startConfirmed',
  'help',
  'notUnderstood',
  'nothingToAct',
  'offer',
  'offerAccepted',
  'offerTaken',
  'offerDeclined',
  'offerExpired',
  'offerWithdrawn',
] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

export const TEMPLATE_PLACEHOLDERS = [
  'name',
  'type',
  'day',
  'time',
  'venue',
  'ref',
  'servicePhone',
  'trust',
  'choices',
  'holdMinutes',
] as const;

const templateText = z.string().check(
  z.minLength(1),
  z.maxLength(1600),
  z.superRefine((text, ctx) => {
    for (const match of text.matchAll(/\{([^}]*)\}/g)) {
      const key = match[1] ?? '';
      if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(key)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder {${key}}; allowed: ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
        });
      }
    }
  }),
);

const templateSetSchema = z.object(
  Object.fromEntries(TEMPLATE_KEYS.map((k) => [k, templateText])) as Record<TemplateKey, typeof templateText>,
);
export const partialTemplateSetSchema = z.partial(templateSetSchema);
export type TemplateSet = z.infer<typeof templateSetSchema>;

export const templatesSection = z.record(languageSchema, partialTemplateSetSchema).check(
  z.refine((t) => 'en' in t, {
    message: 'English ("en") templates are required',
  }),
);

/** Other languages fall back to English, so every English template must be there. */
export function checkEnglishTemplates(
  cfg: { readonly templates: Readonly<Record<string, Partial<Record<TemplateKey, string>>>> },
  ctx: z.RefinementCtx,
): void {
  const en = cfg.templates.en ?? {};
  for (const key of TEMPLATE_KEYS) {
    if (!en[key]) {
      ctx.addIssue({
        code: 'custom',
        path: ['templates', 'en', key],
        message: 'every English template is required (other languages fall back to English)',
      });
    }
  }
}
