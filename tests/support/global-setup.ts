import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { buildWebAssets } from '#web/asset-build.ts';

let ddb: DynamoDbLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
  // Built once here, so test files running in parallel find the web assets ready.
  const [started] = await Promise.all([startDynamoDbLocal(), buildWebAssets()]);
  ddb = started;
  project.provide('dynamoEndpoint', ddb.endpoint);
}

export async function teardown(): Promise<void> {
  await ddb?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
