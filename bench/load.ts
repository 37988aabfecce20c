import { DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { phoneHasher } from '#core/consent.ts';
import type { Client, Clinic } from '#core/model.ts';
import { linkTokenMaker } from '#core/parent-links.ts';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';
import { ensureTables, metricsTableOf } from '#local/tables.ts';
import { LocalEventBus } from '#messaging/event-publisher.ts';
import type { SmsSender } from '#messaging/sms-sender.ts';
import { guardSms } from '#services/consent.ts';
import type { Deps } from '#services/deps.ts';
import { createDocClient, type DocClient } from '#store/client.ts';
import { clientItem } from '#store/clients.ts';
import { clinicItem } from '#store/clinics.ts';

/**
 * Loads items with BatchWrite (25 a request and 16 requests in flight unless told), retrying what comes
 * back unprocessed. Past `stopAt` (epoch ms) it starts no new request; `complete` says whether every
 * item was written.
 */
export async function batchWrite(
  db: DocClient,
  table: string,
  items: Iterable<Record<string, unknown>>,
  options: {
    concurrency?: number;
    chunk?: number;
    stopAt?: number;
    progress?: (written: number) => void;
  } = {},
): Promise<{ written: number; complete: boolean }> {
  const iterator = items[Symbol.iterator]();
  const chunkSize = options.chunk ?? 25;
  let done = false;
  let written = 0;
  let lastProgress = 0;
  // Items are drawn from the iterable one chunk at a time, so a million need not sit in memory at once.
  const nextChunk = (): Record<string, unknown>[] => {
    const chunk: Record<string, unknown>[] = [];
    while (!done && chunk.length < chunkSize) {
      const next = iterator.next();
      if (next.done) done = true;
      else chunk.push(next.value);
    }
    return chunk;
  };
  const worker = async () => {
    for (;;) {
      // Time-boxed: past stopAt no new chunk is started; those in flight finish.
      if (options.stopAt !== undefined && Date.now() >= options.stopAt) {
        return;
      }
      const chunk = nextChunk();
      if (chunk.length === 0) return;
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [table]: chunk.map((Item) => ({ PutRequest: { Item } })),
      };
      while (request && Object.keys(request).length) {
        const out = await db.send(new BatchWriteCommand({ RequestItems: request }));
        request = out.UnprocessedItems as typeof request;
      }
      written += chunk.length;
      if (options.progress && written - lastProgress >= 50_000) {
        lastProgress = written;
        options.progress(written);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  // Complete when every item was drawn (a drawn chunk is always written before its worker stops).
  return { written, complete: done };
}

/**
 * A bench table in DynamoDB Local, created from the same definition as the real one, with one clinic
 * (venue "Bench Clinic") and its clients already in it. The caller destroys the returned client.
 */
export async function benchTable(
  endpoint: string,
  table: string,
  seed: { clinic: Pick<Clinic, 'id' | 'name'>; clients: readonly Client[]; now: Date },
): Promise<DocClient> {
  const raw = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  await ensureTables(raw, { table, metricsTable: metricsTableOf(table) });
  // The benches call the handlers directly and read no stream. DynamoDB Local would keep a stream record
  // (with old and new images) for every item loaded, in the same in-memory database: work and memory
  // a million-item load does not need, so the bench table has the real definition less its stream.
  await raw.send(new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: false } }));
  raw.destroy();
  const db = createDocClient({ ...LOCAL_AWS, endpoint });
  const clinic: Clinic = {
    ...seed.clinic,
    venue: 'Bench Clinic',
    address: '',
    area: '',
    createdAt: seed.now.toISOString(),
  };
  await batchWrite(db, table, [clinicItem(clinic), ...seed.clients.map(clientItem)]);
  return db;
}

const BENCH_CONSENT_KEY = 'attend-bench-consent-key-not-a-secret';

/** The services' dependencies for a bench run: a fixed clock, events kept in memory, nothing logged. */
export function benchDeps(input: {
  db: DocClient;
  table: string;
  config: TrustConfig;
  sms: SmsSender;
  now: Date;
}): Deps {
  const store = { db: input.db, table: input.table, metricsTable: metricsTableOf(input.table) };
  const phoneHash = phoneHasher(BENCH_CONSENT_KEY);
  return {
    store,
    config: input.config,
    // The consent guard reads each number's consent before every send, as it does in Lambda.
    sms: guardSms(input.sms, { store, phoneHash }),
    phoneHash,
    linkToken: linkTokenMaker(BENCH_CONSENT_KEY),
    events: new LocalEventBus(() => input.now),
    now: () => input.now,
    log: { info() {}, warn() {}, error() {} } as unknown as Deps['log'],
  };
}
