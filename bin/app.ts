/**
 * The CDK app: `cdk deploy -c trust=<id>` deploys the trust described by config/trusts/<id>.json.
 *
 * A missing or invalid config stops synth with the file and field at fault and a non-zero exit, before
 * any construct is built. cdk-nag's AWS Solutions and HIPAA Security packs then check the stack; any
 * finding not acknowledged (lib/nag.ts, next to the resource it excuses) fails synth.
 */
import { App } from 'aws-cdk-lib';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { DeployContextError } from '#lib/constructs/tables.ts';
import { applyCompliancePacks } from '#lib/nag.ts';
import { loadTrustConfig, TrustConfigError } from '#lib/trust-config.ts';
import { createTrustStack } from '#lib/trust-stack.ts';

const app = new App();
const trustId = String(app.node.tryGetContext('trust') ?? 'example');
// Tests point this at a scratch directory; deployments use the checked-in configs.
const configDir = String(app.node.tryGetContext('trustConfigDir') ?? 'config/trusts');

let config: TrustConfig;
try {
  config = loadTrustConfig(trustId, configDir);
} catch (err) {
  if (!(err instanceof TrustConfigError)) throw err;
  process.stderr.write(`\n${err.message}\n\n`);
  process.exit(1);
}

try {
  createTrustStack(app, config);
} catch (err) {
  if (!(err instanceof DeployContextError)) throw err;
  process.stderr.write(`\n${err.message}\n\n`);
  process.exit(1);
}
applyCompliancePacks(app);
app.synth();
