import { DateTime } from 'luxon';
import * as z from 'zod';
import { TEMPLATE_KEYS, TEMPLATE_PLACEHOLDERS } from '#core/config/templates.ts';
import { ValidationError } from '#core/errors.ts';
import { formatDay, localToUtc } from '#core/local-time.ts';
import { carriesLink, parentLinkUrl, withLink } from '#core/parent-links.ts';
import { renderText, templateFor } from '#core/templates.ts';
import { forStaff } from './access.ts';
import { appointmentTypeId, defineRoute } from './route.ts';

export const previewBody = z.object({
  key: z.enum(TEMPLATE_KEYS),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/)
    .optional(),
  type: appointmentTypeId.optional(),
  /** Sample values; sensible examples are used for any left out. Sanitised as every text's values are. */
  vars: z.partialRecord(z.enum(TEMPLATE_PLACEHOLDERS), z.string().max(918)).default({}),
});

/**
 * Sample values for a preview. The days are real: three and five days from now, 10:30 and 14:00
 * Europe/London (the trust's zone), written in the template's own language as a real text writes them.
 */
function sampleValues(now: Date, timeZone: string, language: string): Record<string, string> {
  const day = (days: number, time: string) =>
    localToUtc(DateTime.fromJSDate(now).setZone(timeZone).plus({ days }).toISODate()!, time, timeZone);
  const first = day(3, '10:30');
  const second = day(5, '14:00');
  const [d1, d2] = [formatDay(first, timeZone, language), formatDay(second, timeZone, language)];
  return {
    name: 'Amelia',
    day: d1,
    time: '10:30',
    venue: "Riverside Children's Centre",
    ref: '4821',
    choices: `Reply CANCEL 4821 for ${d1} 10:30, CANCEL 7730 for ${d2} 14:00`,
    holdMinutes: '60',
  };
}

const templatePreviewSchema = z.object({
  text: z.string(),
  language: z.string(),
  encoding: z.enum(['GSM-7', 'UCS-2']),
  segments: z.number().int(),
  characters: z.number().int(),
  costGbp: z.number(),
  /** The same text with the parent link added (confirmation, reminders, offer): what links on costs. */
  withLink: z
    .object({
      text: z.string(),
      encoding: z.enum(['GSM-7', 'UCS-2']),
      segments: z.number().int(),
      characters: z.number().int(),
      costGbp: z.number(),
      /** Whether this trust's texts carry it now (parentLinks set). */
      linksOn: z.boolean(),
    })
    .optional(),
});

const SAMPLE_BASE_URL = 'https://attend.example-trust.nhs.uk';
/** 22 characters, as every token is. */
const SAMPLE_TOKEN = 'Xq3vR8kT1mN6pL0aZ4bC7d';

export const templateRoutes = [
  defineRoute({
    id: 'previewTemplate',
    method: 'POST',
    path: '/templates/preview',
    tag: 'templates',
    summary: 'Render a text with sample values: encoding, segments and cost',
    roles: forStaff('scheduler'),
    body: { name: 'PreviewTemplateRequest', schema: previewBody },
    response: {
      status: 200,
      name: 'TemplatePreview',
      schema: templatePreviewSchema,
      description: 'The rendered text',
    },
    errors: [400, 413],
    handler: async ({ deps, body }) => {
      const type = body.type ?? Object.keys(deps.config.appointmentTypes)[0];
      if (type && !deps.config.appointmentTypes[type]) {
        throw new ValidationError('Request body is invalid', [
          { field: 'type', message: 'unknown appointment type' },
        ]);
      }
      const language = body.language ?? deps.config.defaultLanguage;
      const written = templateFor(deps.config, body.key, language, type).language;
      const text = renderText(deps.config, {
        key: body.key,
        language,
        typeId: type,
        // Sanitised by renderText as every real text is, so the preview shows what a family would get.
        vars: { ...sampleValues(deps.now(), deps.config.timeZone, written), ...body.vars },
      });
      const cost = (segments: number) =>
        Math.round(segments * deps.config.costs.pricePerSegmentGbp * 10_000) / 10_000;
      // The texts that carry the parent link show their cost with it too (a sample token on the trust's
      // own address, or the example domain while links are off), so a trust sees what links on cost.
      const linked = carriesLink(body.key)
        ? withLink(
            deps.config,
            text,
            parentLinkUrl(deps.config.parentLinks?.baseUrl ?? SAMPLE_BASE_URL, SAMPLE_TOKEN),
            body.key,
          )
        : undefined;
      return {
        ...(linked && {
          withLink: {
            text: linked.body,
            encoding: linked.encoding,
            segments: linked.segments,
            characters: linked.characters,
            costGbp: cost(linked.segments),
            linksOn: deps.config.parentLinks !== undefined,
          },
        }),
        text: text.body,
        language: text.language,
        encoding: text.encoding,
        segments: text.segments,
        characters: text.characters,
        costGbp: Math.round(text.segments * deps.config.costs.pricePerSegmentGbp * 10_000) / 10_000,
      };
    },
  }),
] as const;
