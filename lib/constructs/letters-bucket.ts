import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import type { AttendFunction } from './attend-function.ts';

/** Where batches go in the bucket (functions/messaging/s3-letter-sink.ts writes under it). */
export const LETTER_BATCH_PREFIX = 'batches/';

export interface LettersBucketProps {
  readonly trustId: string;
  /** The trust's customer-managed key: every batch is encrypted with it (SSE-KMS). */
  readonly encryptionKey: kms.IKey;
  /** `letters.retentionDays`: batches are deleted this many days after they were made. */
  readonly retentionDays: number;
  /**
   * How long the server access logs (who read or wrote which batch) are kept.
   * @default 365
   */
  readonly accessLogRetentionDays?: number;
}

/**
 * The day's letter batches, for staff to download and print: SSE-KMS with the trust's key, TLS only,
 * never public, versioned, deleted after `letters.retentionDays`, with every access logged. Functions
 * get access through `bindWriter` and `bindReader`, which set the environment variables with the grant.
 */
export class LettersBucket extends Construct {
  readonly bucket: s3.Bucket;
  /** Server access logs of `bucket`. */
  readonly accessLogs: s3.Bucket;
  private readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: LettersBucketProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    // Log delivery through a bucket policy (for S3's logging service) rather than the legacy ACL, so the
    // log bucket can keep ACLs disabled; set here so it holds for these buckets whatever the app's flags.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logs can only be delivered to a bucket encrypted with S3-managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        {
          id: 'ExpireAccessLogs',
          expiration: Duration.days(props.accessLogRetentionDays ?? 365),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      // One data key per bucket rather than per object: far fewer KMS calls, the same key.
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: `letters-${props.trustId}/`,
      lifecycleRules: [
        {
          id: 'DeleteLetterBatches',
          expiration: Duration.days(props.retentionDays),
          // Versioning keeps a deleted batch as a noncurrent version; it goes a day later.
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { id: 'RemoveExpiredDeleteMarkers', expiredObjectDeleteMarker: true },
      ],
      // A batch holds names and addresses: never deleted with the stack by accident, only by the rule.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    acknowledge(
      this.bucket.node.defaultChild!,
      'HIPAA.Security-S3BucketReplicationEnabled',
      'A batch is a print file made from the table (which has point-in-time recovery) and deleted after letters.retentionDays; it can be made again, and a replica in another region would only add a second place holding names and addresses.',
    );
    const logs = this.accessLogs.node.defaultChild!;
    acknowledge(
      logs,
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'S3 delivers server access logs only to buckets encrypted with S3-managed keys (SSE-S3); the logs hold object keys (day, clinic and batch ids), no names or addresses.',
    );
    acknowledge(
      logs,
      'HIPAA.Security-S3BucketReplicationEnabled',
      'Access logs of a bucket whose own contents are deleted within days; a cross-region copy adds nothing the trust needs.',
    );
  }

  /** Sets LETTERS_BUCKET_NAME and LETTERS_KEY_ARN and allows putting batches (only under batches/) with the key. */
  bindWriter(fn: AttendFunction): this {
    this.setEnvironment(fn);
    fn.fn.addEnvironment('LETTERS_KEY_ARN', this.encryptionKey.keyArn);
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PutLetterBatches',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${LETTER_BATCH_PREFIX}*`)],
      }),
    );
    // SSE-KMS upload: S3 asks KMS for a data key on the caller's behalf.
    this.encryptionKey.grant(fn.role, 'kms:GenerateDataKey');
    this.acknowledgeObjectWildcard(fn, 'stores each day’s batches as new objects');
    return this;
  }

  /** Sets LETTERS_BUCKET_NAME and allows reading batches (only under batches/) with the key, for staff downloads. */
  bindReader(fn: AttendFunction): this {
    this.setEnvironment(fn);
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'GetLetterBatches',
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${LETTER_BATCH_PREFIX}*`)],
      }),
    );
    this.encryptionKey.grant(fn.role, 'kms:Decrypt');
    this.acknowledgeObjectWildcard(fn, 'reads the batch a member of staff asks to download');
    return this;
  }

  private setEnvironment(fn: AttendFunction): void {
    fn.fn.addEnvironment('LETTERS_BUCKET_NAME', this.bucket.bucketName);
  }

  private readonly acknowledgedRoles = new Set<string>();

  private acknowledgeObjectWildcard(fn: AttendFunction, why: string): void {
    if (this.acknowledgedRoles.has(fn.role.node.path)) return;
    this.acknowledgedRoles.add(fn.role.node.path);
    const bucketRef = Stack.of(this).resolve(
      (this.bucket.node.defaultChild as s3.CfnBucket).logicalId,
    ) as string;
    acknowledge(
      fn.role,
      `AwsSolutions-IAM5[Resource::<${bucketRef}.Arn>/${LETTER_BATCH_PREFIX}*]`,
      `${fn.entry} ${why}; a batch's key (day, clinic, batch id) is only known when it is made, so the grant names the letters bucket's batches/ prefix, nothing wider.`,
    );
  }
}
