/**
 * cdk-nag 3 (AWS Solutions + HIPAA Security) over every checked-in trust, side by side in one app.
 * Bundling is skipped here: the packs read the template, not the code (trust-stack.test.ts bundles).
 */
import { readFileSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyCompliancePacks, compliancePacks } from '#lib/nag.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import { createTrustStack, type TrustStack } from '#lib/trust-stack.ts';

const TRUSTS = ['example', 'example-north'] as const;

const { context } = JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> };
const newApp = () => new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });

/** Every unacknowledged finding (errors and warnings) of both packs, as "rule at construct path". */
function findings(app: App): string[] {
  return compliancePacks().flatMap((pack) =>
    pack
      .validateScope(app)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`)),
  );
}

let app: App;
let stacks: TrustStack[];

beforeAll(() => {
  app = newApp();
  stacks = TRUSTS.map((id) => createTrustStack(app, loadTrustConfig(id)));
  applyCompliancePacks(app);
  app.synth();
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in any trust stack', () => {
    expect(findings(app)).toEqual([]);
  });

  it('fails synth on a finding nobody acknowledged, so the check above can fail', () => {
    const bad = newApp();
    const stack = new Stack(bad, 'Unacknowledged');
    new sqs.Queue(stack, 'PlainQueue');
    expect(findings(bad)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AwsSolutions-SQS4 at Unacknowledged\/PlainQueue/)]),
    );
    applyCompliancePacks(bad);
    expect(() => bad.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it('clears a finding only where it was acknowledged', () => {
    const partial = newApp();
    const stack = new Stack(partial, 'Partial');
    const excused = new sqs.Queue(stack, 'Excused', { enforceSSL: true });
    new sqs.Queue(stack, 'NotExcused', { enforceSSL: true });
    Validations.of(excused).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'test' });
    const sqs3 = findings(partial).filter((f) => f.startsWith('AwsSolutions-SQS3 '));
    expect(sqs3).toEqual(['AwsSolutions-SQS3 at Partial/NotExcused/Resource']);
  });
});

describe('two trusts side by side', () => {
  it('get their own stack names and resource names', () => {
    expect(stacks.map((s) => s.stackName)).toEqual(['Attend-example', 'Attend-example-north']);
    const tableNames = stacks.map((s) => s.resolve(s.table.tableName));
    expect(new Set(tableNames).size).toBe(2);
    const busNames = stacks.map((s) => s.resolve(s.bus.eventBusName));
    expect(new Set(busNames).size).toBe(2);
  });

  it('deploy to the configured account and region', () => {
    const north = stacks[1]!;
    expect(north.region).toBe('eu-west-2');
    expect(north.account).toBe('111122223333');
  });

  it('import the inbound topic when the trust already has one', () => {
    const north = stacks[1]!;
    expect(north.inboundTopic.topicArn).toBe(loadTrustConfig('example-north').infrastructure.inboundTopicArn);
  });
});
