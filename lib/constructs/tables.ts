/**
 * The trust's three DynamoDB tables, made in the stack's own scope (shapes from functions/store/table.ts,
 * which the local runtime reads too): the one table of every entity, with its indexes and the stream the
 * backfill and metrics functions read; the metrics counters' table (per-day cells and their applied
 * markers, store/metrics.ts), kept apart so that their several writes per booking stay off the main
 * table's stream and indexes, with no index or stream of its own; and Powertools Idempotency's table.
 * All on the trust's key, point-in-time recovery on, deletion protection, retained.
 */
import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { IDEMPOTENCY_TABLE, type IndexDefinition, type KeyType, METRICS_TABLE, TABLE } from '#store/table.ts';
import { acknowledge } from '../nag.ts';

const attributeType = (type: KeyType): dynamodb.AttributeType =>
  type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER;

const key = (k: { readonly name: string; readonly type: KeyType }): dynamodb.Attribute => ({
  name: k.name,
  type: attributeType(k.type),
});

/** A CDK context value (`-c name=value`) that cannot be used; synth stops with its message. */
export class DeployContextError extends Error {
  override name = 'DeployContextError';
}

/**
 * The table's global secondary indexes for this deploy: all of them, less those named in the CDK context
 * `withoutIndexes` (comma-separated index names, e.g. `-c withoutIndexes=lookup`). CloudFormation adds
 * one global secondary index per update of an existing table, so a stack that lacks two indexes takes
 * them in two deploys: the first leaving one out, the second with none left out. A name that is not an
 * index stops synth (DeployContextError) with the names that are.
 */
export function indexesToDeploy(withoutIndexes: unknown): readonly IndexDefinition[] {
  if (withoutIndexes === undefined || withoutIndexes === '') return TABLE.indexes;
  const left = String(withoutIndexes)
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const known = new Set(TABLE.indexes.map((i) => i.name));
  const unknown = left.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new DeployContextError(
      `withoutIndexes names ${unknown.join(', ')}, which is not an index of the table; the indexes are ${[...known].join(', ')}`,
    );
  }
  return TABLE.indexes.filter((i) => !left.includes(i.name));
}

export function createTables(
  stack: Stack,
  trustId: string,
  encryptionKey: kms.IKey,
): { table: dynamodb.Table; metricsTable: dynamodb.Table; idempotencyTable: dynamodb.Table } {
  const table = new dynamodb.Table(stack, 'Table', {
    tableName: `attend-${trustId}`,
    partitionKey: key(TABLE.keys.partitionKey),
    sortKey: key(TABLE.keys.sortKey),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    stream: dynamodb.StreamViewType[TABLE.stream],
    timeToLiveAttribute: TABLE.ttlAttribute,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const index of indexesToDeploy(stack.node.tryGetContext('withoutIndexes'))) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: key(index.partitionKey),
      sortKey: key(index.sortKey),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }

  // The counters: no index (read by key only) and no stream (nothing reacts to a count).
  const metricsTable = new dynamodb.Table(stack, 'MetricsTable', {
    tableName: `attend-${trustId}-metrics`,
    partitionKey: key(METRICS_TABLE.keys.partitionKey),
    sortKey: key(METRICS_TABLE.keys.sortKey),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    timeToLiveAttribute: METRICS_TABLE.ttlAttribute,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const idempotencyTable = new dynamodb.Table(stack, 'IdempotencyTable', {
    tableName: `attend-${trustId}-idempotency`,
    partitionKey: key(IDEMPOTENCY_TABLE.partitionKey),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const made of [table, metricsTable, idempotencyTable]) {
    acknowledge(
      made.node.defaultChild!,
      'HIPAA.Security-DynamoDBInBackupPlan',
      'Point-in-time recovery (35 days, continuous) is on and the table is retained with deletion protection; an AWS Backup plan is the trust cloud team’s account-level choice (e.g. an organisation backup policy by tag attend:trust).',
    );
  }
  return { table, metricsTable, idempotencyTable };
}
