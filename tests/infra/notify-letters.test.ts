/**
 * GOV.UK Notify letters in the stack: with `letters.notify`, the letter-batch function (and no other)
 * may read the Notify API key's secret and is told its ARN; without it, no function may read it or is
 * told of it. cdk-nag stays clean either way. Bundling is skipped: these read the template only.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrustConfig } from '#core/config/trust-config.ts';
import { compliancePacks } from '#lib/nag.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import { createTrustStack, type TrustStack } from '#lib/trust-stack.ts';

const SECRET = 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/notify-AbCdEf';
const { context } = JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> };

function synth(notify: boolean): { app: App; stack: TrustStack; template: Template } {
  const example = loadTrustConfig('example');
  const config = parseTrustConfig({
    ...example,
    letters: { ...example.letters, ...(notify && { notify: { apiKeySecretArn: SECRET, postage: 'first' } }) },
  });
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = createTrustStack(app, config);
  return { app, stack, template: Template.fromStack(stack) };
}

/** Every policy statement in the template that names the Notify secret, with the roles it is on. */
function secretGrants(template: Template): { roles: unknown; actions: unknown }[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) => {
    const props = policy.Properties as {
      Roles: unknown;
      PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] };
    };
    return props.PolicyDocument.Statement.filter((s) => JSON.stringify(s.Resource).includes(SECRET)).map(
      (s) => ({ roles: props.Roles, actions: s.Action }),
    );
  });
}

const nagFindings = (app: App) =>
  compliancePacks().flatMap((pack) =>
    pack
      .validateScope(app)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`)),
  );

describe('with letters.notify', () => {
  let built: ReturnType<typeof synth>;
  beforeAll(() => {
    built = synth(true);
  });

  it('lets the letter-batch function alone read the Notify API key, and tells it the secret', () => {
    const { stack, template } = built;
    const role = stack.resolve(
      (stack.letterBatch!.fn.role!.node.defaultChild as unknown as { logicalId: string }).logicalId,
    ) as string;
    expect(secretGrants(template)).toEqual([
      {
        roles: [{ Ref: role }],
        actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      },
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'attend-example-letter-batch',
      Environment: { Variables: Match.objectLike({ NOTIFY_API_KEY_SECRET_ARN: SECRET }) },
    });
    const others = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) =>
      JSON.stringify(f.Properties.Environment ?? {}).includes('NOTIFY_API_KEY_SECRET_ARN'),
    );
    expect(others).toHaveLength(1);
  });

  it('leaves cdk-nag with nothing unacknowledged', () => {
    expect(nagFindings(built.app)).toEqual([]);
  });
});

describe('without letters.notify', () => {
  it('grants no function the secret and sets no Notify variable', () => {
    const { template } = synth(false);
    expect(secretGrants(template)).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('NOTIFY_API_KEY_SECRET_ARN');
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'attend-example-letter-batch',
      Environment: { Variables: Match.objectLike({ LETTERS_BUCKET_NAME: Match.anyValue() }) },
    });
  });
});
