import { availableParallelism } from 'node:os';
import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { buildWebAssets } from '#web/asset-build.ts';

let instances: DynamoDbLocal[] = [];

/** As many test files run at once as Vitest has workers (its own default: one fewer than the cores). */
function workerCount(project: TestProject): number {
  const configured = project.config.maxWorkers ?? project.vitest.config.maxWorkers;
  return Math.max(1, Number(configured) || availableParallelism() - 1);
}

export async function setup(project: TestProject): Promise<void> {
  // One DynamoDB Local per worker (a JVM with one in-memory database each), so two files running at
  // once never queue behind each other's writes; each file still makes its own tables. Built once
  // here, so test files running in parallel find the web assets ready.
  const [started] = await Promise.all([
    Promise.all(Array.from({ length: workerCount(project) }, () => startDynamoDbLocal())),
    buildWebAssets(),
  ]);
  instances = started;
  project.provide(
    'dynamoEndpoints',
    instances.map((i) => i.endpoint),
  );
  project.provide('dynamoEndpoint', instances[0]!.endpoint);
}

export async function teardown(): Promise<void> {
  await Promise.all(instances.map((i) => i.stop()));
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The first DynamoDB Local; a file should ask `dynamoEndpoint()` (tests/support/dynamo.ts) for its worker's. */
    dynamoEndpoint: string;
    /** One DynamoDB Local per Vitest worker, in worker order (VITEST_POOL_ID 1, 2, …). */
    dynamoEndpoints: string[];
  }
}
