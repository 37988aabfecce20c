/**
 * Integration-test support: a fresh table in the shared DynamoDB Local (started by global-setup) for
 * each test file or test, and service dependencies wired to it with the local adapters.
 */
import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expect, inject, vi } from 'vitest';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { phoneHasher } from '#core/consent.ts';
import { linkTokenMaker } from '#core/parent-links.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';
import { ensureTables, metricsTableOf } from '#local/tables.ts';
import { LocalEventBus } from '#messaging/event-publisher.ts';
import { LocalOutbox } from '#messaging/outbox-sms-sender.ts';
import { guardSms } from '#services/consent.ts';
import type { Deps } from '#services/deps.ts';
import { createDocClient } from '#store/client.ts';
import type { StoreContext } from '#store/context.ts';

export const exampleConfig: TrustConfig = loadTrustConfig('example');

/**
 * This worker's DynamoDB Local: global-setup starts one per Vitest worker, so files running at once
 * do not share one database process. VITEST_POOL_ID is the worker's number, 1 to maxWorkers.
 */
export function dynamoEndpoint(): string {
  const endpoints = inject('dynamoEndpoints');
  const worker = Number(process.env.VITEST_POOL_ID ?? '1');
  return endpoints[(Math.max(worker, 1) - 1) % endpoints.length] ?? inject('dynamoEndpoint');
}

export async function freshTable(): Promise<StoreContext & { idempotencyTable: string; endpoint: string }> {
  const endpoint = dynamoEndpoint();
  const table = `attend-test-${randomUUID().slice(0, 8)}`;
  const idempotencyTable = `${table}-idem`;
  const raw = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  const metricsTable = metricsTableOf(table);
  await ensureTables(raw, { table, metricsTable, idempotencyTable });
  raw.destroy();
  return { db: createDocClient({ ...LOCAL_AWS, endpoint }), table, metricsTable, idempotencyTable, endpoint };
}

/** A clock tests move by hand; nothing in a test waits on real time. */
export class TestClock {
  constructor(private current: Date) {}
  now = (): Date => new Date(this.current);
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

export const silentLog = { info() {}, warn() {}, error() {} } as unknown as Deps['log'];

export interface TestDeps extends Deps<TrustConfig> {
  outbox: LocalOutbox;
  bus: LocalEventBus;
  clock: TestClock;
}

/** The consent key of every test (the local runtime's is in local/runtime.ts); not a secret. */
export const TEST_CONSENT_KEY = 'attend-test-consent-key-not-a-secret';

export function testDeps(store: StoreContext, start: string, config: TrustConfig = exampleConfig): TestDeps {
  const clock = new TestClock(new Date(start));
  const outbox = new LocalOutbox(clock.now);
  const bus = new LocalEventBus(clock.now);
  const phoneHash = phoneHasher(TEST_CONSENT_KEY);
  return {
    store,
    config,
    // As depsFromEnv does: every text goes through the consent guard to the outbox.
    sms: guardSms(outbox, { store, phoneHash }),
    phoneHash,
    linkToken: linkTokenMaker(TEST_CONSENT_KEY),
    events: bus,
    now: clock.now,
    log: silentLog,
    outbox,
    bus,
    clock,
  };
}

/**
 * What `pick` makes of each command the store's client sends while `act` runs, in order (undefined:
 * left out): seen in the SDK's middleware at its `initialize` step, so once per call however often the
 * SDK retries it. `commandName` is e.g. `QueryCommand`; `input` is the command's input as sent.
 */
export async function commandsDuring<T>(
  store: StoreContext,
  act: () => Promise<unknown>,
  pick: (commandName: string, input: Record<string, unknown>) => T | undefined,
): Promise<T[]> {
  const picked: T[] = [];
  const name = `commandsDuring-${randomUUID()}`;
  store.db.middlewareStack.add(
    (next, context) => async (args) => {
      const value = pick(String(context.commandName), args.input as Record<string, unknown>);
      if (value !== undefined) picked.push(value);
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await act();
  } finally {
    store.db.middlewareStack.remove(name);
  }
  return picked;
}

/**
 * Query requests this process sends (to any DynamoDB endpoint, seen on Node's
 * `http.client.request.start` diagnostics channel) while `act` runs, and what `act` resolved with.
 */
export async function queriesDuring<T>(act: () => Promise<T>): Promise<{ queries: number; result: T }> {
  let queries = 0;
  const onStart = (message: unknown) => {
    const target = (message as { request: ClientRequest }).request.getHeader('x-amz-target');
    if (typeof target === 'string' && target.endsWith('.Query')) queries++;
  };
  diagnostics.subscribe('http.client.request.start', onStart);
  try {
    return { result: await act(), queries };
  } finally {
    diagnostics.unsubscribe('http.client.request.start', onStart);
  }
}

/**
 * The database comes back new, as an in-memory DynamoDB Local started afresh does: `table` is deleted on
 * the shared DynamoDB Local at `endpoint`, and this resolves once the runtime's database watch, checked
 * every 50 ms, has found it missing, made it again (and seeded it, if the runtime seeds) and printed
 * "DynamoDB Local is answering again" through `printed` (the lines the runtime's `print` received).
 * Rejects after `timeoutMs`.
 */
export async function tableGoneAndBack(
  runtime: { database: { check(): Promise<unknown> } },
  endpoint: string,
  table: string,
  printed: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const raw = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  try {
    await raw.send(new DeleteTableCommand({ TableName: table }));
  } finally {
    raw.destroy();
  }
  await vi.waitFor(
    async () => {
      await runtime.database.check();
      expect(printed.join('\n')).toContain('DynamoDB Local is answering again');
    },
    { timeout: timeoutMs, interval: 50 },
  );
}
