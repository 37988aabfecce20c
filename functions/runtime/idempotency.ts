import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamoDbClientFromEnv } from './dynamodb.ts';
import type { Env } from './env.ts';

/** The Powertools Idempotency store on the idempotency table (DynamoDB Local when running locally). */
export function idempotencyStore(env: Env): DynamoDBPersistenceLayer {
  if (!env.IDEMPOTENCY_TABLE_NAME)
    throw new Error('Invalid environment:\n  IDEMPOTENCY_TABLE_NAME: required');
  return new DynamoDBPersistenceLayer({
    tableName: env.IDEMPOTENCY_TABLE_NAME,
    awsSdkV3Client: dynamoDbClientFromEnv(env),
  });
}
