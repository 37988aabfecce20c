import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as smsvoice from 'aws-cdk-lib/aws-smsvoice';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.ts';

export interface SmsDeliveryStatusProps {
  readonly trustId: string;
  /** The trust's key: the status topic and the subscription's dead-letter queue are encrypted with it. */
  readonly encryptionKey: kms.IKey;
  /** The function that applies each status (functions/delivery-status.ts). */
  readonly handler: lambda.IFunction;
}

/**
 * Where each text's delivery status comes from: an End User Messaging configuration set (named on every
 * SendTextMessage) whose event destination is an SNS topic, subscribed by the delivery-status function.
 *
 * Why this and not SNS's SMS delivery-status logs: End User Messaging reports each text's status by name
 * (DELIVERED, INVALID, CARRIER_UNREACHABLE, TTL_EXPIRED, …), so a permanent failure is told from a
 * temporary one without reading carrier prose; SNS's logs say only SUCCESS or FAILURE. SNS's logs are
 * switched on account-wide (SetSMSAttributes, one setting per account and region, shared with any other
 * workload) and write every destination number into CloudWatch Logs, where Attend keeps no phone numbers;
 * here the numbers travel only inside the encrypted topic to the function, which never logs them.
 * SendTextMessage also takes a time-to-live, so a reminder that cannot arrive before its appointment
 * expires (TTL_EXPIRED) instead of arriving late, and sends from a pool as well as from one number.
 */
export class SmsDeliveryStatus extends Construct {
  readonly topic: sns.Topic;
  readonly configurationSet: smsvoice.CfnConfigurationSet;
  readonly configurationSetName: string;
  readonly configurationSetArn: string;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: SmsDeliveryStatusProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `attend-${props.trustId}-sms-status`,
      displayName: `Attend ${props.trustId} SMS delivery status`,
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEndUserMessagingOfThisAccount',
        principals: [new iam.ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.configurationSetName = `attend-${props.trustId}`;
    this.configurationSet = new smsvoice.CfnConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: this.configurationSetName,
      eventDestinations: [
        {
          eventDestinationName: 'attend-delivery-status',
          enabled: true,
          // Every SMS event: the intermediate ones (PENDING, SUCCESSFUL) too, as "sent".
          matchingEventTypes: ['TEXT_ALL'],
          snsDestination: { topicArn: this.topic.topicArn },
        },
      ],
    });
    // The event destination is checked when it is made: the topic's policy must already let it publish.
    this.configurationSet.node.addDependency(this.topic);
    this.configurationSetArn = stack.formatArn({
      service: 'sms-voice',
      resource: 'configuration-set',
      resourceName: this.configurationSetName,
    });
    this.deadLetterQueue = new DeadLetterQueue(this, 'SubscriptionDlq', {
      encryptionKey: props.encryptionKey,
      feeds: 'sns-subscription',
      holds: 'delivery-status events SNS could not deliver to the delivery-status function',
    });
    this.topic.addSubscription(
      new subscriptions.LambdaSubscription(props.handler, { deadLetterQueue: this.deadLetterQueue.queue }),
    );
  }
}
