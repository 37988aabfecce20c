/** Starts the local runtime (the same one `npm start` runs) on a free port, against the shared DynamoDB Local. */
import { randomUUID } from 'node:crypto';
import {
  PARENT_LINK_OFFER_WORDING_DEFAULTS,
  PARENT_LINK_WORDING_DEFAULTS,
} from '#core/config/parent-links.ts';
import { freePort } from '#local/dynamodb-local.ts';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { dynamoEndpoint, exampleConfig } from './dynamo.ts';

/** `parentLinks`: texts carry parent links to this runtime's own pages (without the demo's seed). */
export async function startTestRuntime(
  startAt: string,
  options: { seed?: boolean; parentLinks?: boolean } = {},
): Promise<LocalRuntime> {
  const port = options.parentLinks ? await freePort() : 0;
  const config = options.parentLinks
    ? {
        ...exampleConfig,
        parentLinks: {
          baseUrl: `http://localhost:${port}`,
          wording: { ...PARENT_LINK_WORDING_DEFAULTS },
          offerWording: { ...PARENT_LINK_OFFER_WORDING_DEFAULTS },
        },
      }
    : exampleConfig;
  return startLocal({
    config,
    port,
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
