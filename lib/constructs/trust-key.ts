import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface TrustKeyProps {
  readonly trustId: string;
}

/**
 * The trust's one customer-managed key. It encrypts the table, the idempotency table, the log groups,
 * the SNS topics and the SQS queues, so the trust can audit (CloudTrail) and, if it must, revoke every
 * use of its data in one place. Roles get use of the key through CDK grants; the AWS services that act
 * on their own behalf (not through one of our roles) are allowed here, each narrowed to this account.
 */
export class TrustKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: TrustKeyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      alias: `alias/attend-${props.trustId}`,
      description: `Attend (${props.trustId}): patient-identifiable data at rest`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      // Deleting the key would make every backup and retained table unreadable.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // CloudWatch Logs encrypts each function's log group with the key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
          },
        },
      }),
    );

    // Services that publish into our encrypted topics and queues: CloudWatch alarms (ops topic), End
    // User Messaging (inbound SMS topic) and SNS itself (subscription redrive into the SQS DLQ).
    for (const [sid, service] of [
      ['AllowCloudWatchAlarmsToPublish', 'cloudwatch.amazonaws.com'],
      ['AllowEndUserMessagingToPublishInboundSms', 'sms-voice.amazonaws.com'],
      ['AllowSnsToRedriveToDeadLetterQueues', 'sns.amazonaws.com'],
    ] as const) {
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid,
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
        }),
      );
    }
  }
}
