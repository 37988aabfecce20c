/**
 * The store alone, for handlers that only read and write the table (the metrics stream consumer): it
 * neither texts nor publishes events, so it is given no SNS client, no event bus and no grants for them.
 */
import type { StoreContext } from '#store/context.ts';
import { docClientFromEnv } from './dynamodb.ts';
import type { Env } from './env.ts';

export function storeFromEnv(env: Env): StoreContext {
  return { db: docClientFromEnv(env), table: env.TABLE_NAME, metricsTable: env.METRICS_TABLE_NAME };
}
