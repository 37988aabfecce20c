/** Replies from families: the SNS topic End User Messaging publishes them to, and the two-way number. */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { KEYWORD_REPLY_TEMPLATES } from '#core/config/sender.ts';
import type { TemplateKey } from '#core/config/templates.ts';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { renderText } from '#core/templates.ts';
import { TwoWayNumber } from './two-way-number.ts';

/** Requests the trust's two-way number when the config asks for one (sender.phoneNumber.create). */
export function createTwoWayNumber(
  scope: Construct,
  config: TrustConfig,
  inboundTopic: sns.ITopic,
): TwoWayNumber | undefined {
  const { sender } = config;
  const create = sender.phoneNumber?.create;
  if (!create) return undefined;
  // The schema allows only {trust} and {servicePhone} in these two templates when a number is created.
  const reply = (key: TemplateKey) => renderText(config, { key, language: 'en', vars: {} }).body;
  return new TwoWayNumber(scope, 'TwoWayNumber', {
    trustId: config.trustId,
    isoCountryCode: create.isoCountryCode,
    numberType: create.numberType,
    inboundTopic,
    keywordReplies: {
      help: reply(KEYWORD_REPLY_TEMPLATES.HELP),
      stop: reply(KEYWORD_REPLY_TEMPLATES.STOP),
    },
    ...(sender.originationNumber && { expectedE164: sender.originationNumber }),
  });
}

/** The topic End User Messaging publishes replies to: made here, or the trust's own (infrastructure.inboundTopicArn). */
export function createOrImportInboundTopic(scope: Construct, config: TrustConfig, key: kms.IKey): sns.ITopic {
  const { inboundTopicArn } = config.infrastructure;
  if (inboundTopicArn !== 'create') {
    // The topic End User Messaging already publishes to; it must be in this stack's region.
    return sns.Topic.fromTopicArn(scope, 'InboundSmsTopic', inboundTopicArn);
  }
  const topic = new sns.Topic(scope, 'InboundSmsTopic', {
    topicName: `attend-${config.trustId}-inbound-sms`,
    displayName: `Attend ${config.trustId} inbound SMS`,
    masterKey: key,
    enforceSSL: true,
  });
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowEndUserMessagingOfThisAccount',
      principals: [new iam.ServicePrincipal('sms-voice.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
  return topic;
}
