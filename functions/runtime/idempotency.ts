import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Env } from './env.ts';
import { tracer } from './powertools.ts';

/** The Powertools Idempotency store on the idempotency table (DynamoDB Local when running locally). */
export function idempotencyStore(env: Env): DynamoDBPersistenceLayer {
  if (!env.IDEMPOTENCY_TABLE_NAME)
    throw new Error('Invalid environment:\n  IDEMPOTENCY_TABLE_NAME: required');
  return new DynamoDBPersistenceLayer({
    tableName: env.IDEMPOTENCY_TABLE_NAME,
    awsSdkV3Client: tracer.captureAWSv3Client(
      new DynamoDBClient(
        env.DYNAMODB_ENDPOINT
          ? {
              endpoint: env.DYNAMODB_ENDPOINT,
              region: process.env.AWS_REGION ?? 'eu-west-2',
              credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
            }
          : {},
      ),
    ),
  });
}
