import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { AttendFunction } from './attend-function.ts';
import type { DeadLetterQueue } from './dead-letter-queue.ts';

export interface OpsAlarmsProps {
  readonly trustId: string;
  /** Encrypts the ops topic; its key policy must let CloudWatch use it (see TrustKey). */
  readonly encryptionKey: kms.IKey;
  /**
   * Subscribed to the ops topic by email (the recipient must confirm the subscription).
   * @default - no subscription; subscribe the trust's on-call tooling to the topic instead
   */
  readonly alarmEmail?: string;
}

/** Thresholds in one place, so a trust's cloud team can see what pages them and why. */
export const ALARM_THRESHOLDS = {
  /** A freed slot offered more than this late loses most of its short-notice value. */
  backfillIteratorAge: Duration.minutes(5),
  /** SMS failure rate (percent) over an hour, once at least `smsFailuresMinimum` texts have failed. */
  smsFailureRatePercent: 10,
  smsFailuresMinimum: 5,
} as const;

/**
 * The ops topic and the alarms that publish to it. Every alarm says which trust and what broke, and
 * treats missing data as fine: functions that did not run did not fail.
 */
export class OpsAlarms extends Construct {
  readonly topic: sns.Topic;
  private readonly action: actions.SnsAction;
  private readonly trustId: string;

  constructor(scope: Construct, id: string, props: OpsAlarmsProps) {
    super(scope, id);
    this.trustId = props.trustId;
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `attend-${props.trustId}-ops`,
      displayName: `Attend ${props.trustId} alarms`,
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a resource policy, which replaces the default one; CloudWatch alarms
    // in this account must be allowed to publish explicitly.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
          },
        },
      }),
    );
    if (props.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    this.action = new actions.SnsAction(this.topic);
  }

  /** Errors and throttles of one function. */
  alarmOnFunction(target: AttendFunction): void {
    this.alarm(`${target.entry}-errors`, {
      metric: target.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      description: `${target.entry} failed at least once in 5 minutes; see its log group ${target.logGroup.logGroupName}.`,
    });
    this.alarm(`${target.entry}-throttles`, {
      metric: target.fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      description: `${target.entry} was throttled by its reserved concurrency; for a sweep this means a run overran its interval.`,
    });
  }

  /** Any message in a dead-letter queue is a failure someone must look at. */
  alarmOnDeadLetters(id: string, dlq: DeadLetterQueue): void {
    this.alarm(`${id}-dlq-not-empty`, {
      metric: dlq.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      description: `Messages are waiting in ${dlq.queue.queueName}: ${dlq.holds}. Investigate, then redrive or delete them.`,
    });
  }

  /** The stream mapping is falling behind: freed slots are being offered late. */
  alarmOnIteratorAge(target: AttendFunction): void {
    const limit = ALARM_THRESHOLDS.backfillIteratorAge;
    this.alarm(`${target.entry}-iterator-age`, {
      metric: target.fn.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: limit.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `${target.entry} is more than ${limit.toMinutes()} minutes behind the table stream; freed slots are offered late.`,
    });
  }

  /**
   * SMS that SNS could not deliver. SNS publishes per-account SMS metrics in AWS/SNS with the dimension
   * PhoneNumber=PhoneNumberDirect for texts published straight to a phone number (as Attend does), so
   * this covers every direct SMS the account sends in this region. A few failures are normal (numbers
   * that no longer exist, phones off for days); the alarm fires on the failure *rate* once enough have
   * failed to mean something, e.g. a blocked origination number or a carrier outage.
   */
  alarmOnSmsFailures(): void {
    const direct = { PhoneNumber: 'PhoneNumberDirect' };
    const period = Duration.hours(1);
    const failed = new cloudwatch.Metric({
      namespace: 'AWS/SNS',
      metricName: 'NumberOfNotificationsFailed',
      dimensionsMap: direct,
      statistic: 'Sum',
      period,
    });
    const delivered = new cloudwatch.Metric({
      namespace: 'AWS/SNS',
      metricName: 'NumberOfNotificationsDelivered',
      dimensionsMap: direct,
      statistic: 'Sum',
      period,
    });
    const { smsFailuresMinimum, smsFailureRatePercent } = ALARM_THRESHOLDS;
    this.alarm('sms-delivery-failures', {
      metric: new cloudwatch.MathExpression({
        expression: `IF(failed >= ${smsFailuresMinimum}, 100 * failed / (failed + delivered), 0)`,
        usingMetrics: { failed, delivered },
        label: 'SMS failure rate (%)',
        period,
      }),
      threshold: smsFailureRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `More than ${smsFailureRatePercent}% of direct SMS failed in the last hour (at least ${smsFailuresMinimum} failures). Check SNS delivery status logs and the origination number.`,
    });
  }

  private alarm(
    name: string,
    options: {
      metric: cloudwatch.IMetric;
      threshold: number;
      description: string;
      comparisonOperator?: cloudwatch.ComparisonOperator;
    },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, name, {
      alarmName: `attend-${this.trustId}-${name}`,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator:
        options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }
}
