/** `appointmentTypes`: what a trust books, in plain words, with its reminder tiers and age window. */
import * as z from '#core/zod.ts';
import { languageSchema } from './primitives.ts';
import { type ReminderTierConfig, reminderTierSchema } from './reminders.ts';
import { partialTemplateSetSchema } from './templates.ts';

export const appointmentTypeSchema = z.object({
  /** Plain words used in texts, per language. Never clinical detail. */
  names: z.record(languageSchema, z.string().check(z.minLength(1), z.maxLength(40))).check(
    z.refine((n) => 'en' in n, {
      message: 'an English ("en") name is required',
    }),
  ),
  durationMinutes: z._default(z.number().check(z.int(), z.gte(5), z.lte(480)), 30),
  tiers: z.array(reminderTierSchema).check(z.maxLength(6)),
  /** Per-language overrides of the trust-wide templates for this type. */
  templates: z._default(z.record(languageSchema, partialTemplateSetSchema), {}),
  /**
   * The Healthy Child Programme window for this contact, as the child's age (negative for weeks of
   * pregnancy before the due date is expressed from the expected date of delivery).
   */
  ageWindowDays: z.optional(z.object({ from: z.number().check(z.int()), to: z.number().check(z.int()) })),
});
export type AppointmentTypeConfig = z.infer<typeof appointmentTypeSchema>;

export const appointmentTypesSection = z
  .record(z.string().check(z.regex(/^[a-z0-9-]{2,40}$/)), appointmentTypeSchema)
  .check(
    z.refine((t) => Object.keys(t).length > 0, { message: 'at least one appointment type is required' }),
  );

/** A tier id names one text of one type, so it must be unique within the type. */
export function checkTierIds(
  cfg: {
    readonly appointmentTypes: Readonly<Record<string, { readonly tiers: readonly ReminderTierConfig[] }>>;
  },
  ctx: z.RefinementCtx,
): void {
  for (const [typeId, type] of Object.entries(cfg.appointmentTypes)) {
    const seen = new Set<string>();
    type.tiers.forEach((tier, i) => {
      if (seen.has(tier.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['appointmentTypes', typeId, 'tiers', i, 'id'],
          message: `duplicate tier id "${tier.id}"`,
        });
      }
      seen.add(tier.id);
    });
  }
}
