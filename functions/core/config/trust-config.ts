/**
 * The per-trust configuration: one JSON file per trust in config/trusts/<id>.json, one section per file
 * in this folder. A new section is a new file here plus its line in `sections` (and in `checks`, if it
 * is checked against other sections).
 *
 * This is pure zod, with no file access and no CDK, because the Lambda handlers and the local runtime
 * parse the same document at start-up: CDK inlines it into each bundle at synth time, so a deployed
 * function can never run with a config that `cdk synth` did not validate. lib/trust-config.ts reads
 * the files.
 */
import * as z from '#core/zod.ts';
import { appointmentTypesSection, checkTierIds } from './appointment-types.ts';
import { bookingSection } from './booking.ts';
import { costsSection } from './costs.ts';
import { dnaFollowUpSection } from './dna-follow-up.ts';
import { checkFrontDoor, frontDoorSection } from './front-door.ts';
import { infrastructureSection } from './infrastructure.ts';
import { LETTERS_DEFAULTS, lettersConfigSchema } from './letters.ts';
import { messagesSection } from './messages.ts';
import { metricsSection } from './metrics.ts';
import { checkParentLinkLengths, parentLinksSection } from './parent-links.ts';
import { remindersSection } from './reminders.ts';
import { repliesSection } from './replies.ts';
import { checkPhoneNumber, senderSection } from './sender.ts';
import { shortNoticeSection } from './short-notice.ts';
import { staffAccessSection } from './staff-access.ts';
import { staffRepliesSection } from './staff-replies.ts';
import { checkEnglishTemplates, templatesSection } from './templates.ts';
import { checkTextLengths } from './text-lengths.ts';
import { trustSettings } from './trust.ts';

const sections = {
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
  frontDoor: frontDoorSection,
  /** Who may use Attend: IAM roles and OpenID Connect sign-in, mapped to Attend roles. */
  staffAccess: staffAccessSection,
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

const shape = z.object({ ...trustSettings, ...sections });

/** Checks that need more than one section, run in this order once every section parses. */
const checks: readonly ((cfg: z.infer<typeof shape>, ctx: z.RefinementCtx) => void)[] = [
  checkTierIds,
  checkEnglishTemplates,
  checkPhoneNumber,
  checkTextLengths,
  checkFrontDoor,
  checkParentLinkLengths,
];

export const trustConfigSchema = shape.check(
  z.superRefine((cfg, ctx) => {
    for (const check of checks) check(cfg, ctx);
  }),
);

export type TrustConfig = z.infer<typeof trustConfigSchema>;

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

export function parseTrustConfig(raw: unknown, source = 'trust config'): TrustConfig {
  const result = trustConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new TrustConfigError(`Invalid ${source}:\n${describeIssues(result.error)}`);
  }
  return result.data;
}
