/**
 * The per-trust configuration: one JSON file per trust in config/trusts/<id>.json, one section per file
 * in this folder. A new section is a new file here plus its line in `eventPathSections`
 * (event-path-config.ts), or in `sections` below if only the web and admin functions read it (and in
 * the checks, if it is checked against other sections).
 *
 * This is pure zod, with no file access and no CDK, because the Lambda handlers and the local runtime
 * parse the same document at start-up: CDK inlines it into each bundle at synth time, so a deployed
 * function can never run with a config that `cdk synth` did not validate. lib/trust-config.ts reads
 * the files. `cdk synth`, the web and the admin functions parse the whole document here; the event-path
 * functions parse it without the sections below (event-path-config.ts), so these schemas stay out of
 * their bundles.
 */
import * as z from '#core/zod.ts';
import { eventPathChecks, eventPathSections, parseConfigWith } from './event-path-config.ts';
import { checkFrontDoor, frontDoorSection } from './front-door.ts';
import { staffAccessSection } from './staff-access.ts';
import { trustSettings } from './trust.ts';

export { describeIssues, type EventPathConfig, TrustConfigError } from './event-path-config.ts';

/** The sections only the web and admin functions (and `cdk synth`) read. */
const sections = {
  frontDoor: frontDoorSection,
  /** Who may use Attend: IAM roles and OpenID Connect sign-in, mapped to Attend roles. */
  staffAccess: staffAccessSection,
};

const shape = z.object({ ...trustSettings, ...eventPathSections, ...sections });

/** Checks that need more than one section, run in this order once every section parses. */
const checks: readonly ((cfg: z.infer<typeof shape>, ctx: z.RefinementCtx) => void)[] = [
  ...eventPathChecks,
  checkFrontDoor,
];

export const trustConfigSchema = shape.check(
  z.superRefine((cfg, ctx) => {
    for (const check of checks) check(cfg, ctx);
  }),
);

export type TrustConfig = z.infer<typeof trustConfigSchema>;

/** The whole config, every section and check: for `cdk synth`, the web and the admin functions. */
export function parseTrustConfig(raw: unknown, source = 'trust config'): TrustConfig {
  return parseConfigWith(trustConfigSchema, raw, source);
}
