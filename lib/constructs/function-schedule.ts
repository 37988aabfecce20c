/**
 * A function run on the clock by EventBridge Scheduler, in the trust's time zone: its own role, a
 * dead-letter queue for runs that could not be delivered, retries, and Scheduler's context attributes as
 * the input. Made in the stack's own scope, so the logical ids are the stack's (`<Entry>Schedule`, …).
 */
import { type CfnElement, Duration, type Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { acknowledge } from '../nag.ts';
import type { AttendFunction } from './attend-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';

export interface FunctionScheduleProps {
  readonly target: AttendFunction;
  /** Minutes between runs; the runs land on the clock (:00, :05, …). */
  readonly minutes: number;
  /**
   * Run once a day at this local time (HH:mm) instead of every `minutes`.
   * @default - every `minutes`
   */
  readonly dailyAt?: string;
  readonly trustId: string;
  /** IANA zone, e.g. Europe/London. */
  readonly timeZone: string;
  /** The trust's key, for the dead-letter queue. */
  readonly encryptionKey: kms.IKey;
}

/** Schedules `props.target`; returns the dead-letter queue of its undeliverable runs (for the alarms). */
export function addFunctionSchedule(stack: Stack, props: FunctionScheduleProps): DeadLetterQueue {
  const { target, minutes } = props;
  const id = pascal(target.entry);
  const dlq = new DeadLetterQueue(stack, `${id}ScheduleDlq`, {
    encryptionKey: props.encryptionKey,
    feeds: 'scheduler',
    holds: `scheduled runs of ${target.entry} that EventBridge Scheduler could not deliver`,
  });
  // Our own role rather than the target's shared default, so its acknowledgements name this schedule.
  const role = new iam.Role(stack, `${id}SchedulerRole`, {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    description: `EventBridge Scheduler invokes ${target.entry}`,
  });
  // The target grants sqs:SendMessage on the DLQ but nothing on its key; SQS needs both to accept a
  // message into a KMS-encrypted queue.
  props.encryptionKey.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
  const fnRef = stack.resolve((target.fn.node.defaultChild as CfnElement).logicalId) as string;
  acknowledge(
    role,
    `AwsSolutions-IAM5[Resource::<${fnRef}.Arn>:*]`,
    `CDK's grantInvoke covers ${target.entry} and its versions/aliases (<arn>:*); it names that one function only.`,
  );
  acknowledge(
    role,
    'HIPAA.Security-IAMNoInlinePolicy',
    `The only statements are lambda:InvokeFunction on ${target.entry}, sqs:SendMessage to its schedule DLQ and use of that queue's key, attached to this one role by CDK grants.`,
  );
  new scheduler.Schedule(stack, `${id}Schedule`, {
    scheduleName: `attend-${props.trustId}-${target.entry}`,
    description: props.dailyAt
      ? `Runs ${target.entry} daily at ${props.dailyAt} ${props.timeZone}`
      : `Runs ${target.entry} every ${minutes} minute(s)`,
    // cron rather than rate() so the runs land on the clock (:00, :05, …) in the trust's time zone.
    // An interval that does not divide 60 just makes the last gap of each hour shorter.
    schedule: props.dailyAt
      ? scheduler.ScheduleExpression.cron({
          hour: String(Number(props.dailyAt.slice(0, 2))),
          minute: String(Number(props.dailyAt.slice(3, 5))),
          timeZone: TimeZone.of(props.timeZone),
        })
      : scheduler.ScheduleExpression.cron({
          minute: minutes === 1 ? '*' : `0/${minutes}`,
          timeZone: TimeZone.of(props.timeZone),
        }),
    target: new targets.LambdaInvoke(target.fn, {
      role,
      deadLetterQueue: dlq.queue,
      retryAttempts: 2,
      // A run that could not be delivered within one interval is superseded by the next one.
      maxEventAge: Duration.minutes(Math.max(1, minutes)),
      // Scheduler's context attributes, so each run's logs say which run it was and which attempt
      // (tests/fixtures/aws/scheduler-lambda-invoke.json is this shape, with AWS's example values).
      input: scheduler.ScheduleTargetInput.fromObject({
        scheduleArn: scheduler.ContextAttribute.scheduleArn,
        scheduledTime: scheduler.ContextAttribute.scheduledTime,
        executionId: scheduler.ContextAttribute.executionId,
        attemptNumber: scheduler.ContextAttribute.attemptNumber,
      }),
    }),
  });
  return dlq;
}

export function pascal(kebab: string): string {
  return kebab.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}
