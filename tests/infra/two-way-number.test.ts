/**
 * The two-way number (sender.phoneNumber): requested by the stack with self-managed opt-outs and two-way
 * to the inbound topic, brought by the trust as an ARN, or left out. Bundling is skipped: these
 * assertions read the template, not the code (trust-stack.test.ts bundles).
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrustConfig, type TrustConfig, TrustConfigError } from '#core/config/trust-config.ts';
import { compliancePacks } from '#lib/nag.ts';
import { createTrustStack, type TrustStack } from '#lib/trust-stack.ts';

/** The parts of a raw trust config these tests change. */
type Raw = Record<string, unknown> & {
  sender: Record<string, unknown>;
  templates: { en: Record<string, string> };
  infrastructure: Record<string, unknown>;
};

const NUMBER_ARN = 'arn:aws:sms-voice:eu-west-2:111122223333:phone-number/phone-0123456789abcdef';
const TOPIC_ARN = 'arn:aws:sns:eu-west-2:111122223333:example-inbound-sms';

const { context } = JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> };

/** config/trusts/example.json set to have the stack create its number, then changed by `edit`. */
function exampleWith(edit: (raw: Raw) => void = () => {}): Raw {
  const raw = JSON.parse(readFileSync('config/trusts/example.json', 'utf8')) as Raw;
  (raw.sender as Record<string, unknown>).phoneNumber = {
    create: { isoCountryCode: 'GB', numberType: 'LONG_CODE' },
  };
  edit(raw);
  return raw;
}

interface Synthesised {
  app: App;
  stack: TrustStack;
  template: Template;
  config: TrustConfig;
}

function synth(raw: Raw): Synthesised {
  const config = parseTrustConfig(raw);
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = createTrustStack(app, config);
  return { app, stack, template: Template.fromStack(stack), config };
}

const ref = (stack: TrustStack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.resolve((construct.node.defaultChild as { logicalId: string }).logicalId) as string;

/** Every Allow statement in the stack's IAM policies that sends SMS (End User Messaging SendTextMessage). */
function snsPublishStatements(template: Template): unknown[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as { Effect: string; Action: string | string[] }[])
    .filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes('sms-voice:SendTextMessage'));
}

describe('sender.phoneNumber.create', () => {
  let stack: TrustStack;
  let template: Template;
  let config: TrustConfig;
  beforeAll(() => {
    ({ stack, template, config } = synth(exampleWith()));
  });
  const numbers = () => template.findResources('AWS::SMSVOICE::PhoneNumber');

  it('requests an SMS number whose replies, STOP and HELP included, all go to the inbound topic', () => {
    template.hasResourceProperties('AWS::SMSVOICE::PhoneNumber', {
      IsoCountryCode: 'GB',
      NumberType: 'LONG_CODE',
      NumberCapabilities: ['SMS'],
      TwoWay: { Enabled: true, ChannelArn: { Ref: ref(stack, stack.inboundTopic) } },
      SelfManagedOptOutsEnabled: true,
    });
  });

  it('is turned on only after the topic policy lets End User Messaging publish', () => {
    const [number] = Object.values(numbers());
    const topicPolicy = Object.keys(template.findResources('AWS::SNS::TopicPolicy')).find((id) =>
      id.startsWith('InboundSmsTopicPolicy'),
    );
    expect(topicPolicy).toBeDefined();
    expect(number?.DependsOn).toContain(topicPolicy);
  });

  it("keeps the trust's HELP and STOP wording on the number, in case self-managed opt-outs are ever switched off", () => {
    const fill = (text: string) =>
      text.replaceAll('{trust}', config.shortName).replaceAll('{servicePhone}', config.servicePhone);
    template.hasResourceProperties('AWS::SMSVOICE::PhoneNumber', {
      MandatoryKeywords: {
        HELP: { Message: fill(config.templates.en?.help ?? '') },
        STOP: { Message: fill(config.templates.en?.stopConfirmed ?? '') },
      },
    });
  });

  it('is never released by a stack deletion or a replacement', () => {
    template.hasResource('AWS::SMSVOICE::PhoneNumber', {
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('outputs the number and its ARN', () => {
    const [id] = Object.keys(numbers());
    template.hasOutput('OriginationNumber', { Value: { 'Fn::GetAtt': [id, 'PhoneNumber'] } });
    template.hasOutput('OriginationNumberArn', { Value: { 'Fn::GetAtt': [id, 'Arn'] } });
  });

  it('fails a deploy whose sender.originationNumber is not the number the stack holds', () => {
    const [id] = Object.keys(numbers());
    const params = Object.values(
      template.findResources('AWS::SSM::Parameter', {
        Properties: { Value: { 'Fn::GetAtt': [id, 'PhoneNumber'] } },
      }),
    );
    expect(params.length).toBe(1);
    const pattern = new RegExp(params[0]?.Properties.AllowedPattern as string);
    expect(pattern.test('+447700900000')).toBe(true);
    for (const other of ['+447700900001', '447700900000', '+4477009000001', '+4477009000000']) {
      expect(pattern.test(other), other).toBe(false);
    }
  });

  it('lets every function send SMS, since the config names the number to send from', () => {
    // The web function, deployed with the front door, may text too (replies from the staff inbox).
    expect(snsPublishStatements(template).length).toBe(
      Object.keys(stack.functions).length + (stack.web ? 1 : 0),
    );
  });
});

describe('sender.phoneNumber.create on the first deploy, before sender.originationNumber is known', () => {
  let stack: TrustStack;
  let template: Template;
  beforeAll(() => {
    ({ stack, template } = synth(exampleWith((raw) => delete raw.sender.originationNumber)));
  });

  it('still requests the number', () => {
    template.hasResourceProperties('AWS::SMSVOICE::PhoneNumber', { SelfManagedOptOutsEnabled: true });
    template.hasOutput('OriginationNumber', { Value: Match.anyValue() });
  });

  it('lets no function send SMS, rather than send from a number SNS picks whose replies go elsewhere', () => {
    expect(snsPublishStatements(template)).toEqual([]);
  });

  it('says so at synth, with what to do next', () => {
    Annotations.fromStack(stack).hasWarning(
      '/Attend-example',
      Match.stringLikeRegexp('OriginationNumber output into sender.originationNumber'),
    );
  });

  it('has no number to check the created one against', () => {
    expect(template.findResources('AWS::SSM::Parameter')).toEqual({});
  });
});

describe.each([
  [
    'sender.phoneNumber.arn',
    (raw: Raw) => {
      raw.sender.phoneNumber = { arn: NUMBER_ARN };
    },
  ],
  [
    'no sender.phoneNumber',
    (raw: Raw) => {
      delete raw.sender.phoneNumber;
    },
  ],
])('with %s', (_, edit) => {
  let stack: TrustStack;
  let template: Template;
  beforeAll(() => {
    ({ stack, template } = synth(exampleWith(edit)));
  });

  it('creates no number, and no check on one', () => {
    expect(template.findResources('AWS::SMSVOICE::PhoneNumber')).toEqual({});
    expect(template.findResources('AWS::SSM::Parameter')).toEqual({});
    expect(Object.keys(template.findOutputs('*'))).not.toContain('OriginationNumber');
  });

  it('outputs the inbound topic for the trust to set as the two-way destination', () => {
    template.hasOutput('InboundSmsTopicArn', {
      Value: { Ref: ref(stack, stack.inboundTopic) },
      Description: Match.stringLikeRegexp('two-way SMS destination'),
    });
  });

  it('lets every function send SMS from sender.originationNumber', () => {
    // The web function, deployed with the front door, may text too (replies from the staff inbox).
    expect(snsPublishStatements(template).length).toBe(
      Object.keys(stack.functions).length + (stack.web ? 1 : 0),
    );
  });
});

describe('cdk-nag', () => {
  it.each([
    ['create', exampleWith()],
    ['create, first deploy', exampleWith((raw) => delete raw.sender.originationNumber)],
    [
      'create, imported inbound topic',
      exampleWith((raw) => (raw.infrastructure.inboundTopicArn = TOPIC_ARN)),
    ],
  ])('finds nothing unacknowledged with %s', (_, raw) => {
    const { app } = synth(raw);
    const findings = compliancePacks().flatMap((pack) =>
      pack
        .validateScope(app)
        .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`)),
    );
    expect(findings).toEqual([]);
  });
});

describe('sender.phoneNumber validation', () => {
  const errorOf = (raw: Raw): string => {
    try {
      parseTrustConfig(raw, 'config/trusts/example.json');
    } catch (err) {
      expect(err).toBeInstanceOf(TrustConfigError);
      return (err as Error).message;
    }
    throw new Error('expected the config to be rejected');
  };

  it('reads {"create": {}} as a GB long code', () => {
    const config = parseTrustConfig(exampleWith((raw) => (raw.sender.phoneNumber = { create: {} })));
    expect(config.sender.phoneNumber).toEqual({ create: { isoCountryCode: 'GB', numberType: 'LONG_CODE' } });
  });

  it.each<[string, (raw: Raw) => void, RegExp]>([
    [
      'both create and arn',
      (raw) => (raw.sender.phoneNumber = { create: {}, arn: NUMBER_ARN }),
      /sender\.phoneNumber: set exactly one of "create" .* or "arn"/,
    ],
    [
      'neither create nor arn',
      (raw) => (raw.sender.phoneNumber = {}),
      /sender\.phoneNumber: set exactly one/,
    ],
    [
      'a misspelt key',
      (raw) => (raw.sender.phoneNumber = { craete: {} }),
      /sender\.phoneNumber: Unrecognized key: "craete"/,
    ],
    [
      'an ARN that is not a number or pool',
      (raw) => (raw.sender.phoneNumber = { arn: 'arn:aws:sns:eu-west-2:111122223333:topic' }),
      /sender\.phoneNumber\.arn: expected the ARN of an End User Messaging phone number or pool/,
    ],
    [
      'a number in another region',
      (raw) => (raw.sender.phoneNumber = { arn: NUMBER_ARN.replace('eu-west-2', 'us-east-1') }),
      /sender\.phoneNumber\.arn: is in us-east-1, but the stack deploys to eu-west-2/,
    ],
    [
      'an ARN without the number to send from',
      (raw) => {
        raw.sender.phoneNumber = { arn: NUMBER_ARN };
        delete raw.sender.originationNumber;
      },
      /sender\.originationNumber: required with sender\.phoneNumber\.arn/,
    ],
    [
      'a number type CloudFormation cannot request',
      (raw) => (raw.sender.phoneNumber = { create: { numberType: 'SHORT_CODE' } }),
      /sender\.phoneNumber\.create\.numberType: /,
    ],
    [
      'a country code that is not one',
      (raw) => (raw.sender.phoneNumber = { create: { isoCountryCode: 'UK1' } }),
      /sender\.phoneNumber\.create\.isoCountryCode: expected an ISO 3166 alpha-2 country code/,
    ],
    [
      'a country the trust does not text',
      (raw) => (raw.sender.phoneNumber = { create: { isoCountryCode: 'IE' } }),
      /sender\.phoneNumber\.create\.isoCountryCode: "IE" is not in allowedCountries \(GB\)/,
    ],
    [
      'a HELP reply that needs a family',
      (raw) => (raw.templates.en.help = '{trust}: hello {name}, call {servicePhone}.'),
      /templates\.en\.help: \{name\} cannot be used here: .* HELP keyword reply/,
    ],
    [
      'a STOP reply that needs a booking',
      (raw) => (raw.templates.en.stopConfirmed = '{trust}: no more texts about {ref}.'),
      /templates\.en\.stopConfirmed: \{ref\} cannot be used here: .* STOP keyword reply/,
    ],
  ])('rejects %s, naming the field', (_, edit, expected) => {
    const message = errorOf(exampleWith(edit));
    expect(message).toContain('config/trusts/example.json');
    expect(message).toMatch(expected);
  });

  it('lets HELP and STOP use any placeholder when the number is not created by the stack', () => {
    const config = parseTrustConfig(
      exampleWith((raw) => {
        raw.sender.phoneNumber = { arn: NUMBER_ARN };
        raw.templates.en.help = '{trust}: hello {name}, call {servicePhone}.';
      }),
    );
    expect(config.templates.en?.help).toContain('{name}');
  });
});
