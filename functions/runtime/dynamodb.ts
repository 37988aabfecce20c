/**
 * The DynamoDB clients of a cold start. In AWS they use the SDK's default chain; when DYNAMODB_ENDPOINT
 * is set (the local runtime and tests) they point at DynamoDB Local with dummy credentials.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { createDocClient, type DocClient } from '#store/client.ts';
import { traced } from './aws-clients.ts';
import type { Env } from './env.ts';

/**
 * Against DynamoDB Local a request that gets no answer (the process stopped or hung) fails within these
 * limits, so the caller gets an error rather than waiting for ever; the SDK's retries still apply.
 */
export const LOCAL_REQUEST_TIMEOUTS = { connectionTimeout: 2_000, requestTimeout: 10_000 } as const;

export function dynamoDbConfig(env: Pick<Env, 'DYNAMODB_ENDPOINT'>): DynamoDBClientConfig {
  return env.DYNAMODB_ENDPOINT
    ? {
        endpoint: env.DYNAMODB_ENDPOINT,
        region: process.env.AWS_REGION ?? 'eu-west-2',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        requestHandler: LOCAL_REQUEST_TIMEOUTS,
      }
    : {};
}

/** The document client the store uses (traced where Tracer is loaded). */
export function docClientFromEnv(env: Pick<Env, 'DYNAMODB_ENDPOINT'>): DocClient {
  const db = createDocClient(dynamoDbConfig(env));
  return traced(db);
}

/** The plain client Powertools Idempotency takes (traced where Tracer is loaded). */
export function dynamoDbClientFromEnv(env: Pick<Env, 'DYNAMODB_ENDPOINT'>): DynamoDBClient {
  return traced(new DynamoDBClient(dynamoDbConfig(env)));
}
