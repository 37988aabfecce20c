/** Starts the local runtime (the same one `npm start` runs) on a free port, against the shared DynamoDB Local. */
import { randomUUID } from 'node:crypto';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { dynamoEndpoint, exampleConfig } from './dynamo.ts';

export async function startTestRuntime(
  startAt: string,
  options: { seed?: boolean } = {},
): Promise<LocalRuntime> {
  return startLocal({
    config: exampleConfig,
    port: 0,
    dynamoEndpoint: dynamoEndpoint(),
    tableName: `attend-e2e-${randomUUID().slice(0, 8)}`,
    seed: options.seed ?? false,
    frozenClock: true,
    startAt: new Date(startAt),
  });
}

export interface Api {
  get<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  post<T = unknown>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export function api(baseUrl: string): Api {
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return { get: (p) => call('GET', p), post: (p, b) => call('POST', p, b) };
}
