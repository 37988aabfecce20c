/**
 * The table-stream consumers' edge: every record of a batch is accounted for, one of three ways.
 *
 * - **Not ours** (another table's record, or an item of a kind this consumer does not handle, which the
 *   mapping's filter should have kept away): skipped, and counted in one log line per batch. Retrying
 *   it could never succeed, so it must not fail the batch (Powertools would throw FullBatchFailureError
 *   for a batch of them, and the mapping would retry the whole batch until it reached the DLQ).
 * - **Ours but unreadable** (the image is the consumer's kind but fails its schema): reported in
 *   `batchItemFailures`, so the mapping retries it, bisects, and dead-letters it where someone looks.
 * - **Ours**: handed to the consumer, parsed.
 *
 * Records are parsed by Powertools Batch's parser option, with Powertools Parser's DynamoDB stream record
 * schema (./event-schemas.ts, which unmarshalls the images as Parser's does) refined by the consumer's own. Logs carry counts, event ids and
 * schema paths only, never an image: images hold names and phone numbers.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from '#core/zod.ts';
import type { Log } from '#services/deps.ts';
import { dynamoDbStreamRecord as DynamoDBStreamRecord } from './event-schemas.ts';

/** A stream record as Powertools Parser reads it: images and keys unmarshalled. */
export type TableRecord = z.output<typeof DynamoDBStreamRecord>;

/** What a consumer is handed for each record. */
export type Classified<T> = { ours: false } | { ours: true; record: T };

export interface StreamConsumer<T> {
  /** Whether the record is of the kind this consumer handles (decides skipped vs. unreadable). */
  isOurs(record: TableRecord): boolean;
  /** How one of ours must read; a record that fails it is unreadable. */
  schema: z.ZodType<T>;
  handle(record: T): Promise<unknown>;
  /**
   * Optional: called once per batch, before any record is handled, with every record of the batch that
   * is ours and readable, in order: for work that is cheaper done for the batch at once (one write for
   * many records). `handle` is still called for each record, and stays the only place a record fails.
   * A throw here is logged and ignored: each record is then handled on its own.
   */
  prepare?(records: readonly T[]): Promise<void>;
  log: Pick<Log, 'info' | 'warn'>;
  /** Counts are handled one after another when the consumer's writes would conflict. @default true */
  processInParallel?: boolean;
}

/** The record schema the Batch parser applies: ours and readable, not ours, or a parse failure. */
function recordSchema<T>(consumer: Pick<StreamConsumer<T>, 'isOurs' | 'schema'>) {
  return z.pipe(
    DynamoDBStreamRecord,
    z.transform((record, ctx): Classified<T> => {
      if (!consumer.isOurs(record)) return { ours: false };
      const read = consumer.schema.safeParse(record);
      if (read.success) return { ours: true, record: read.data };
      for (const issue of read.error.issues) {
        z.addIssue(ctx, { message: issue.message, path: issue.path });
      }
      return z.NEVER;
    }),
  );
}

/** A record that is ours but does not read; the message names schema paths only, never a value. */
class ParsingError extends Error {
  override readonly name = 'ParsingError';
}

/** A consumer's Lambda handler body: one batch in, a partial batch response out, never a throw for a bad record. */
export function streamBatchHandler<T>(consumer: StreamConsumer<T>) {
  // Each record is parsed here rather than by Batch's parser option, which loads Powertools Parser and,
  // with it, every zod locale (README, "Small, quick Lambdas"); a record that fails is reported alike.
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const schema = recordSchema(consumer);
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    let skipped = 0;
    const handler = async (record: DynamoDBRecord): Promise<unknown> => {
      const read = schema.safeParse(record);
      if (!read.success) {
        throw new ParsingError(read.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      }
      const classified = read.data;
      if (!classified.ours) {
        skipped++;
        return 'skipped';
      }
      return consumer.handle(classified.record);
    };
    if (consumer.prepare) {
      const readable: T[] = [];
      for (const record of event.Records) {
        const read = schema.safeParse(record);
        if (read.success && read.data.ours) readable.push(read.data.record);
      }
      try {
        if (readable.length > 0) await consumer.prepare(readable);
      } catch (err) {
        consumer.log.warn('stream batch preparation failed; each record is handled on its own', {
          error: (err as Error).name,
          records: readable.length,
        });
      }
    }
    const response = (await processPartialResponse(event, handler as never, processor, {
      context,
      processInParallel: consumer.processInParallel ?? true,
      // A batch whose every record failed is answered like any other: each record is named, and the
      // mapping retries and bisects them. Throwing would say no more and hide which ones failed.
      throwOnFullBatchFailure: false,
    })) as DynamoDBBatchResponse;
    const records = event.Records.length;
    if (skipped > 0) consumer.log.info('stream records skipped: not ours', { skipped, records });
    const failed = processor.failureMessages as DynamoDBRecord[];
    if (failed.length > 0) {
      consumer.log.warn('stream records failed; the mapping retries them, then dead-letters them', {
        failed: failed.length,
        records,
        eventIDs: failed.map((r) => r.eventID),
        // Schema paths and error names only: a parse message names the field, never its value.
        reasons: processor.errors.map((e) => (e.name === 'ParsingError' ? e.message : e.name)),
      });
    }
    return { batchItemFailures: response.batchItemFailures ?? [] };
  };
}
