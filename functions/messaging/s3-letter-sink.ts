import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  allStored,
  batchFileName,
  checkBatch,
  type LetterBatch,
  type LetterSink,
  LetterSinkError,
  type StoredBatch,
} from './letter-sink.ts';

export interface S3LetterSinkSettings {
  /** The letters bucket (lib/constructs/letters-bucket.ts), from LETTERS_BUCKET_NAME. */
  readonly bucket: string;
  /** The trust's KMS key, from LETTERS_KEY_ARN: each batch is encrypted with it, whatever the bucket default. */
  readonly kmsKeyArn: string;
}

/** The S3 key of a batch: by day, so a lifecycle rule or a person can find a day's batches. */
export function batchKey(batch: Pick<LetterBatch, 'day' | 'clinicId' | 'batchId'>): string {
  return `batches/${batch.day}/${batchFileName(batch)}`;
}

/**
 * Stores each batch as one object, SSE-KMS with the trust's key. `If-None-Match: *` makes the write
 * create-only: a retry of a stored batch finds it there (412) and counts as stored, and no batch is ever
 * overwritten. The bucket's lifecycle rule deletes batches after `letters.retentionDays`.
 */
export class S3LetterSink implements LetterSink {
  readonly needsLetterPdfs = false;

  constructor(
    private readonly s3: S3Client,
    private readonly settings: S3LetterSinkSettings,
  ) {}

  async storeBatch(batch: LetterBatch): Promise<StoredBatch> {
    checkBatch(batch);
    const key = batchKey(batch);
    const location = `s3://${this.settings.bucket}/${key}`;
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.settings.bucket,
          Key: key,
          Body: batch.pdf,
          ContentType: 'application/pdf',
          ContentDisposition: `attachment; filename="${batchFileName(batch)}"`,
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: this.settings.kmsKeyArn,
          BucketKeyEnabled: true,
          IfNoneMatch: '*',
          ChecksumAlgorithm: 'SHA256',
          Metadata: { 'batch-id': batch.batchId, letters: String(batch.letters.length) },
        }),
      );
    } catch (err) {
      const { name, $metadata } = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if ($metadata?.httpStatusCode === 412 || name === 'PreconditionFailed') {
        return { location, letters: allStored(batch) };
      }
      throw new LetterSinkError(`S3 PutObject of a letter batch failed: ${name ?? 'Error'}`, { cause: err });
    }
    return { location, letters: allStored(batch) };
  }
}
