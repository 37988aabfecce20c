/**
 * Compliance checks for the trust stack: cdk-nag 3's AWS Solutions and HIPAA Security packs.
 *
 * cdk-nag 3 runs as a CDK policy-validation plugin (`Validations.of(app).addPlugins(...)`), not as an
 * aspect: every finding not acknowledged on the construct it names fails `cdk synth`. Acknowledgements
 * are `Validations.of(construct).acknowledge(...)`; a pack treats one as covering the construct it is
 * recorded on and everything below it, so each call here names the single resource (or the single L2
 * construct and its own children) it excuses, and the finding id is as specific as the pack reports it.
 */
import { type App, Validations } from 'aws-cdk-lib';
import type { NagPack } from 'cdk-nag';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** The rule packs every trust stack must pass. A new pack is one line here. */
export function compliancePacks(scope?: IConstruct): NagPack[] {
  return [new AwsSolutionsChecks(scope), new HIPAASecurityChecks(scope)];
}

/** Registers the packs so that `cdk synth` / `cdk deploy` fail on any unacknowledged finding. */
export function applyCompliancePacks(app: App): void {
  Validations.of(app).addPlugins(...compliancePacks(app));
}

/**
 * Acknowledges one finding on one construct with the reason it is acceptable. `id` is the full rule id
 * as the pack reports it, including any `[finding]` suffix, e.g. `AwsSolutions-IAM5[Resource::*]`.
 */
export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}
