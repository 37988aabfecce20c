import * as z from 'zod';
import { TEMPLATE_KEYS, TEMPLATE_PLACEHOLDERS } from '#core/config/templates.ts';
import { ValidationError } from '#core/errors.ts';
import { renderText } from '#core/templates.ts';
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

const SAMPLE = {
  name: 'Amelia',
  day: 'Tue 3 Dec',
  time: '10:30',
  venue: "Riverside Children's Centre",
  ref: '4821',
  choices: 'Reply CANCEL 4821 for Tue 3 Dec 10:30, CANCEL 7730 for Thu 5 Dec 14:00',
  holdMinutes: '60',
};

const templatePreviewSchema = z.object({
  text: z.string(),
  language: z.string(),
  encoding: z.enum(['GSM-7', 'UCS-2']),
  segments: z.number().int(),
  characters: z.number().int(),
  costGbp: z.number(),
});

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
      const text = renderText(deps.config, {
        key: body.key,
        language: body.language ?? deps.config.defaultLanguage,
        typeId: type,
        // Sanitised by renderText as every real text is, so the preview shows what a family would get.
        vars: { ...SAMPLE, ...body.vars },
      });
      return {
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
