/**
 * A function fed by the table stream as the stack maps it: filtered to its own records, partial batch
 * failures reported, a failing batch bisected, bounded retries, and a dead-letter queue for what still
 * fails. Made in the stack's own scope (the queue's id is the stack's), so logical ids do not move.
 */
import type { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type { AttendFunction } from './attend-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';

export interface StreamConsumerProps {
  /** The dead-letter queue's construct id. */
  readonly id: string;
  readonly consumer: AttendFunction;
  readonly table: dynamodb.ITable;
  readonly encryptionKey: kms.IKey;
  /** What the dead-letter queue holds, for its description. */
  readonly holds: string;
  readonly batchSize: number;
  readonly retryAttempts: number;
  /** Older records go to the dead-letter queue; none: any age within the stream's 24 hours. */
  readonly maxRecordAge?: Duration;
  /** Lambda filter criteria patterns, the same the local stream poller applies. */
  readonly filters: readonly Record<string, unknown>[];
}

/** Maps the table stream to `props.consumer`; returns the dead-letter queue (for the alarms). */
export function addStreamConsumer(stack: Stack, props: StreamConsumerProps): DeadLetterQueue {
  const dlq = new DeadLetterQueue(stack, props.id, {
    encryptionKey: props.encryptionKey,
    feeds: 'stream-mapping',
    holds: props.holds,
  });
  props.consumer.fn.addEventSource(
    new sources.DynamoEventSource(props.table, {
      startingPosition: lambda.StartingPosition.LATEST,
      batchSize: props.batchSize,
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts,
      ...(props.maxRecordAge && { maxRecordAge: props.maxRecordAge }),
      onFailure: new sources.SqsDlq(dlq.queue),
      filters: props.filters.map((pattern) => lambda.FilterCriteria.filter(pattern)),
    }),
  );
  return dlq;
}
