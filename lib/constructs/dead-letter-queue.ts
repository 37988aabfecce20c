import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

/** What dead-letters into the queue. */
export type DeadLetterSource =
  /** A Lambda function's DeadLetterConfig (failed asynchronous invocations). */
  | 'lambda-async'
  /** An EventBridge Scheduler target's DeadLetterConfig (runs it could not deliver). */
  | 'scheduler'
  /** An SNS subscription's RedrivePolicy (messages it could not deliver). */
  | 'sns-subscription'
  /** A Lambda event source mapping's on-failure destination (batches that kept failing). */
  | 'stream-mapping';

export interface DeadLetterQueueProps {
  /** The customer-managed key that encrypts the messages (they can carry booking and phone data). */
  readonly encryptionKey: kms.IKey;
  readonly feeds: DeadLetterSource;
  /** What lands here, in words: for the alarm text and for whoever redrives it. */
  readonly holds: string;
  /**
   * How long a failed message is kept for investigation and redrive.
   * @default Duration.days(14), the SQS maximum
   */
  readonly retentionPeriod?: Duration;
}

/**
 * An SQS queue that only ever receives failures: KMS-encrypted with the trust's key, TLS-only, and kept
 * for the SQS maximum so a failure found after a long weekend can still be redriven. Every one of these
 * has a depth alarm (see OpsAlarms.alarmOnDeadLetters).
 */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly holds: string;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.holds = props.holds;
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      // Reuses the data key for 5 minutes instead of calling KMS per message; failures are rare and bursty.
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
    });
    // cdk-nag recognises a queue as a DLQ only from another queue's RedrivePolicy or a function's
    // DeadLetterConfig; the other sources are invisible to it.
    if (props.feeds !== 'lambda-async') {
      acknowledge(
        this.queue.node.defaultChild!,
        'AwsSolutions-SQS3',
        `This queue is itself a dead-letter queue (${props.feeds}: ${props.holds}); its depth is alarmed, and a queue of failures has nowhere further to fail to.`,
      );
    }
  }
}
