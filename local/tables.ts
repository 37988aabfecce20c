/**
 * Creates the Attend table, the metrics counters' table (and the idempotency table) in DynamoDB Local
 * from the shared definitions, as CDK does (lib/constructs/tables.ts).
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { attributeDefinitions, IDEMPOTENCY_TABLE, METRICS_TABLE, TABLE } from '#store/table.ts';
import { markMetricsMoved } from './metrics-move.ts';

/**
 * The metrics table's name beside a table named `table`: `<table>-metrics`, the pattern CDK uses too
 * (`attend-<trust>` and `attend-<trust>-metrics`). For the local runtime, the simulator, benches and tests.
 */
export const metricsTableOf = (table: string): string => `${table}-metrics`;

export async function ensureTables(
  client: DynamoDBClient,
  names: { table: string; metricsTable: string; idempotencyTable?: string },
): Promise<void> {
  const newTable = await createIfMissing(
    client,
    {
      TableName: names.table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributeDefinitions(),
      KeySchema: [
        { AttributeName: TABLE.keys.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: TABLE.keys.sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.stream },
    },
    TABLE.ttlAttribute,
  );
  const newMetricsTable = await createIfMissing(
    client,
    metricsTableInput(names.metricsTable),
    METRICS_TABLE.ttlAttribute,
  );
  if (newTable && !newMetricsTable) {
    // The Attend table was gone (deleted, or lost with its database) but its counters were not: they
    // count items that no longer exist, and their markers would turn away a re-seed's counts as already
    // counted. They start again with the table, as they did when they lived in it.
    await client.send(new DeleteTableCommand({ TableName: names.metricsTable }));
    await createIfMissing(client, metricsTableInput(names.metricsTable), METRICS_TABLE.ttlAttribute);
  }
  // A new Attend table holds no counter an earlier Attend left: nothing to move (local/metrics-move.ts).
  if (newTable) await markMetricsMoved(client, names.metricsTable);
  if (names.idempotencyTable) {
    await createIfMissing(
      client,
      {
        TableName: names.idempotencyTable,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey.name, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey.name, KeyType: 'HASH' }],
      },
      IDEMPOTENCY_TABLE.ttlAttribute,
    );
  }
}

/** Creates the table unless it exists; true if this call created it. */
async function createIfMissing(
  client: DynamoDBClient,
  input: ConstructorParameters<typeof CreateTableCommand>[0],
  ttlAttribute: string,
): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    return false;
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  try {
    await client.send(new CreateTableCommand(input));
  } catch (err) {
    if (err instanceof ResourceInUseException) return false;
    throw err;
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: input.TableName,
      TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
    }),
  );
  return true;
}

/** The metrics table: no index and no stream (see METRICS_TABLE). */
function metricsTableInput(name: string): ConstructorParameters<typeof CreateTableCommand>[0] {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      {
        AttributeName: METRICS_TABLE.keys.partitionKey.name,
        AttributeType: METRICS_TABLE.keys.partitionKey.type,
      },
      { AttributeName: METRICS_TABLE.keys.sortKey.name, AttributeType: METRICS_TABLE.keys.sortKey.type },
    ],
    KeySchema: [
      { AttributeName: METRICS_TABLE.keys.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: METRICS_TABLE.keys.sortKey.name, KeyType: 'RANGE' },
    ],
  };
}
