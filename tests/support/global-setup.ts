import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '#local/dynamodb-local.ts';

let ddb: DynamoDbLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
  ddb = await startDynamoDbLocal();
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
