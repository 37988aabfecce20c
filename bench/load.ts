import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { phoneHasher } from '#core/consent.ts';
import type { Client, Clinic } from '#core/model.ts';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';
import { ensureTables } from '#local/tables.ts';
import { LocalEventBus } from '#messaging/event-publisher.ts';
import type { SmsSender } from '#messaging/sms-sender.ts';
import { guardSms } from '#services/consent.ts';
import type { Deps } from '#services/deps.ts';
import { createDocClient, type DocClient } from '#store/client.ts';
import { clientItem } from '#store/clients.ts';
import { clinicItem } from '#store/clinics.ts';

/** Loads items with BatchWrite, 25 at a time, 16 requests in flight, retrying what comes back unprocessed. */
export async function batchWrite(
  db: DocClient,
  table: string,
  items: Record<string, unknown>[],
): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [table]: chunks[next++]!.map((Item) => ({ PutRequest: { Item } })),
      };
      while (request && Object.keys(request).length) {
        const out = await db.send(new BatchWriteCommand({ RequestItems: request }));
        request = out.UnprocessedItems as typeof request;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
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
  await ensureTables(raw, { table });
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
  const store = { db: input.db, table: input.table };
  const phoneHash = phoneHasher(BENCH_CONSENT_KEY);
  return {
    store,
    config: input.config,
    // The consent guard reads each number's consent before every send, as it does in Lambda.
    sms: guardSms(input.sms, { store, phoneHash }),
    phoneHash,
    events: new LocalEventBus(() => input.now),
    now: () => input.now,
    log: { info() {}, warn() {}, error() {} } as unknown as Deps['log'],
  };
}
