import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type DocClient = DynamoDBDocumentClient;

export function createDocClient(config: DynamoDBClientConfig = {}): DocClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** True for a failed condition in a single write, or a transaction cancelled by a failed condition. */
export function isConditionFailure(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
}

/** For a cancelled transaction: the reason code of each item, in the order they were written. */
export function cancellationReasons(err: unknown): (string | undefined)[] {
  const reasons = (err as { CancellationReasons?: { Code?: string }[] } | undefined)?.CancellationReasons;
  return (reasons ?? []).map((r) => r.Code);
}
