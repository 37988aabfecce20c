/**
 * The store alone, for handlers that only read and write the table (the metrics stream consumer): it
 * neither texts nor publishes events, so it is given no SNS client, no event bus and no grants for them.
 */

import { createDocClient } from '#store/client.ts';
import type { StoreContext } from '#store/context.ts';
import type { Env } from './env.ts';
import { tracer } from './powertools.ts';

export function storeFromEnv(env: Env): StoreContext {
  const db = createDocClient(
    env.DYNAMODB_ENDPOINT
      ? {
          endpoint: env.DYNAMODB_ENDPOINT,
          region: process.env.AWS_REGION ?? 'eu-west-2',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {},
  );
  tracer.captureAWSv3Client(db);
  return { db, table: env.TABLE_NAME };
}
