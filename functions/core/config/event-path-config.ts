/**
 * The trust config as the event-path functions read it: every section except the two that only the web
 * and admin functions use (`staffAccess`, `frontDoor`; see trust-config.ts). Those two, and their
 * checks, stay out of the event-path bundles (README "Small, quick Lambdas"): `cdk synth` has already
 * validated the whole document with trustConfigSchema before inlining it, and the object schema here
 * drops the two keys it does not know. Every section it does read is checked as strictly as before,
 * with the same "field.path: message" lines.
 *
 * A new section is a new file in this folder plus its line in `eventPathSections` below, unless only
 * the web and admin functions read it (then its line goes in trust-config.ts).
 */
import * as z from '#core/zod.ts';
import { appointmentTypesSection, checkTierIds } from './appointment-types.ts';
import { bookingSection } from './booking.ts';
import { costsSection } from './costs.ts';
import { dnaFollowUpSection } from './dna-follow-up.ts';
import { infrastructureSection } from './infrastructure.ts';
import { LETTERS_DEFAULTS, lettersConfigSchema } from './letters.ts';
import { messagesSection } from './messages.ts';
import { metricsSection } from './metrics.ts';
import { checkParentLinkLengths, parentLinksSection } from './parent-links.ts';
import { remindersSection } from './reminders.ts';
import { repliesSection } from './replies.ts';
import { checkPhoneNumber, senderSection } from './sender.ts';
import { shortNoticeSection } from './short-notice.ts';
import { staffRepliesSection } from './staff-replies.ts';
import { checkEnglishTemplates, templatesSection } from './templates.ts';
import { checkTextLengths } from './text-lengths.ts';
import { trustSettings } from './trust.ts';

export const eventPathSections = {
  sender: senderSection,
  reminders: remindersSection,
  appointmentTypes: appointmentTypesSection,
  templates: templatesSection,
  messages: messagesSection,
  replies: repliesSection,
  shortNotice: shortNoticeSection,
  booking: bookingSection,
  costs: costsSection,
  infrastructure: infrastructureSection,
  /** Letters for families who cannot get texts. */
  letters: z._default(lettersConfigSchema, LETTERS_DEFAULTS),
  /** The personal link to the parent pages in texts; off when left out. */
  parentLinks: parentLinksSection,
  /** What the metrics page compares the service with (the DNA+WNB baseline). */
  metrics: metricsSection,
  /** The fixed replies staff pick from in the inbox (per language; the three defaults when left out). */
  staffReplies: staffRepliesSection,
  /** The optional one-question text after a DNA ("Reply 1 work, 2 childcare, …"); off by default. */
  dnaFollowUp: dnaFollowUpSection,
};

const shape = z.object({ ...trustSettings, ...eventPathSections });

/** Checks that need more than one of these sections, run in this order once every section parses. */
export const eventPathChecks: readonly ((cfg: z.infer<typeof shape>, ctx: z.RefinementCtx) => void)[] = [
  checkTierIds,
  checkEnglishTemplates,
  checkPhoneNumber,
  checkTextLengths,
  checkParentLinkLengths,
];

export const eventPathConfigSchema = shape.check(
  z.superRefine((cfg, ctx) => {
    for (const check of eventPathChecks) check(cfg, ctx);
  }),
);

/** The trust config without `staffAccess` and `frontDoor`: what the services and event functions read. */
export type EventPathConfig = z.infer<typeof eventPathConfigSchema>;

export class TrustConfigError extends Error {
  override readonly name = 'TrustConfigError';
}

/** Formats zod issues as "field.path: message" lines, so a bad config names the field at fault. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path
        .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
        .join('');
      return `  ${path || '(root)'}: ${issue.message}`;
    })
    .join('\n');
}

/** Parses with `schema`, or throws a TrustConfigError whose lines name each field at fault. */
export function parseConfigWith<T>(schema: z.ZodType<T>, raw: unknown, source: string): T {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new TrustConfigError(`Invalid ${source}:\n${describeIssues(result.error)}`);
  }
  return result.data;
}

/**
 * The event-path functions' parse of the inlined config: the sections they read, as strictly as the
 * whole config is parsed; `staffAccess` and `frontDoor` are left out unread.
 */
export function parseEventPathConfig(raw: unknown, source = 'trust config'): EventPathConfig {
  return parseConfigWith(eventPathConfigSchema, raw, source);
}
