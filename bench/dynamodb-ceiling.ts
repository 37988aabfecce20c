/**
 * `npm run bench -- --only dynamodb`: how many calls a second DynamoDB Local serves on this machine,
 * with the month's mix of calls, on Attend's own table (its 8 indexes and stream), as more of them are
 * in flight at once. The simulated month (`npm run simulate`) makes about 39 calls per booking at Kent's
 * size (`DynamoDB calls` in its summary), so the best rate here puts a floor under the month's loop
 * that no change to the simulator can go below, only fewer or cheaper calls (README, "Session 8: the
 * floor under the month on 2 cores").
 *
 * CPU is read from /proc (Linux): the Java process's user+system time, and this process's. Elsewhere
 * the CPU columns are left empty.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { LOCAL_AWS, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { ensureTables, metricsTableOf } from '#local/tables.ts';
import { createDocClient, type DocClient } from '#store/client.ts';
import { nodeCpuMs, processCpuMs, SQLITE_THREAD, threadCpuMs } from './simulate/load-meter.ts';

/**
 * Share of each kind of call in the month, from the simulator's own count (`--scale 0.04 --scenarios
 * everything`, session 8, GetRecords left out: the stream is read by one poller, not in parallel).
 */
export const MONTH_MIX = {
  GetItem: 11_633,
  Query: 10_756,
  UpdateItem: 9_590,
  TransactWriteItems: 5_894,
  PutItem: 3_412,
  BatchGetItem: 1_493,
} as const;

export interface CeilingRow {
  inFlight: number;
  callsPerSecond: number;
  /** Milliseconds of DynamoDB Local's CPU (all its threads) per call; undefined without /proc. */
  javaMsPerCall: number | undefined;
  /**
   * Milliseconds per call of DynamoDB Local's SQLite thread, which runs every table operation one at a
   * time: 1000 / this is the most calls a second it could serve with any number of cores.
   */
  sqliteMsPerCall: number | undefined;
  /** Milliseconds of this Node process's CPU per call (the SDK's work). */
  nodeMsPerCall: number;
  /** Both processes' CPU over the wall time: how many of the machine's cores were busy. */
  coresBusy: number | undefined;
}

const BOOKINGS = 20_000;
const PHONES = 6_000;
const CLINIC_DAYS = 500;

const bookingItem = (i: number, n = 0) => ({
  pk: `BOOKING#b${i}`,
  sk: 'BOOKING',
  entity: 'Booking',
  n,
  status: 'BOOKED',
  phonePk: `PHONE#p${i % PHONES}`,
  phoneSk: `BOOKING#b${i}`,
  clinicDayPk: `CLINICDAY#c${i % CLINIC_DAYS}`,
  clinicDaySk: `T${String(i).padStart(6, '0')}`,
  clientPk: `CLIENT#k${i}`,
  clientSk: `B#${i}`,
  dueShard: `DUE#${i % 8}`,
  nextDueAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
  // About the size of a booking with its reminder tiers.
  tiers: 'x'.repeat(600),
});

/** One call of the mix, the `seq`-th: the kinds interleave in their month's proportions. */
function callOf(db: DocClient, table: string, seq: number, pick: (n: number) => string): Promise<unknown> {
  const i = (seq * 7919) % BOOKINGS;
  const key = { pk: `BOOKING#b${i}`, sk: 'BOOKING' };
  switch (pick(seq)) {
    case 'GetItem':
      return db.send(new GetCommand({ TableName: table, Key: key }));
    case 'Query':
      return seq % 2
        ? db.send(
            new QueryCommand({
              TableName: table,
              IndexName: 'byPhone',
              KeyConditionExpression: 'phonePk = :p',
              ExpressionAttributeValues: { ':p': `PHONE#p${i % PHONES}` },
            }),
          )
        : db.send(
            new QueryCommand({
              TableName: table,
              IndexName: 'dueReminders',
              KeyConditionExpression: 'dueShard = :s AND nextDueAt <= :now',
              ExpressionAttributeValues: { ':s': `DUE#${i % 8}`, ':now': '2026-11-01T06:00:00.000Z' },
              Limit: 25,
            }),
          );
    case 'UpdateItem':
      // A claim: moves the item in the due index, on a condition.
      return db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET n = n + :one, nextDueAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND #s = :booked',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':at': new Date().toISOString(), ':booked': 'BOOKED' },
        }),
      );
    case 'TransactWriteItems':
      // A tier completed: the booking updated and its message written, together.
      return db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: key,
                UpdateExpression: 'SET n = n + :one',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
            {
              Put: {
                TableName: table,
                Item: {
                  pk: `MESSAGE#m${seq}`,
                  sk: 'MESSAGE',
                  entity: 'Message',
                  phonePk: `PHONE#p${i % PHONES}`,
                  phoneSk: `MESSAGE#${seq}`,
                  body: 'y'.repeat(160),
                },
              },
            },
          ],
        }),
      );
    case 'PutItem':
      // An audit entry: no index keys.
      return db.send(
        new PutCommand({
          TableName: table,
          Item: { pk: `AUDIT#${seq}`, sk: 'AUDIT', what: 'z'.repeat(300) },
        }),
      );
    default:
      return db.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: Array.from({ length: 10 }, (_, k) => ({
                pk: `BOOKING#b${(i + k * 97) % BOOKINGS}`,
                sk: 'BOOKING',
              })),
            },
          },
        }),
      );
  }
}

/** A picker that spreads the kinds evenly through the sequence, in their shares (largest remainder). */
export function mixPicker(mix: Record<string, number>): (seq: number) => string {
  const total = Object.values(mix).reduce((a, b) => a + b, 0);
  const cycle: string[] = [];
  const credit = Object.fromEntries(Object.keys(mix).map((k) => [k, 0]));
  for (let n = 0; n < 200; n++) {
    for (const k of Object.keys(mix)) credit[k]! += mix[k]! / total;
    const next = Object.keys(credit).reduce((a, b) => (credit[b]! > credit[a]! ? b : a));
    credit[next]! -= 1;
    cycle.push(next);
  }
  return (seq) => cycle[seq % cycle.length]!;
}

/**
 * Loads BOOKINGS bookings into a fresh DynamoDB Local, warms it up, then runs `calls` calls of the mix
 * at each level of calls in flight, and measures each.
 */
export async function measureCeiling(
  options: { levels?: number[]; calls?: number; print?: (line: string) => void } = {},
): Promise<CeilingRow[]> {
  const levels = options.levels ?? [1, 2, 4, 8, 16];
  const calls = options.calls ?? 4_000;
  const print = options.print ?? (() => {});
  const ddb = await startDynamoDbLocal();
  const raw = new DynamoDBClient({ ...LOCAL_AWS, endpoint: ddb.endpoint });
  const db = createDocClient({ ...LOCAL_AWS, endpoint: ddb.endpoint });
  const table = 'attend-bench-ceiling';
  try {
    await ensureTables(raw, { table, metricsTable: metricsTableOf(table) });
    print(`Loading ${BOOKINGS.toLocaleString('en-GB')} bookings into Attend's table…`);
    for (let i = 0; i < BOOKINGS; i += 25) {
      await db.send(
        new BatchWriteCommand({
          RequestItems: {
            [table]: Array.from({ length: 25 }, (_, k) => ({ PutRequest: { Item: bookingItem(i + k) } })),
          },
        }),
      );
    }
    const pick = mixPicker(MONTH_MIX);
    let seq = 0;
    const run = async (inFlight: number, count: number) => {
      let started = 0;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (started++ < count) await callOf(db, table, seq++, pick);
        }),
      );
    };
    print('Warming up (the JIT compiles DynamoDB Local as it goes)…');
    await run(8, calls);
    const rows: CeilingRow[] = [];
    for (const inFlight of levels) {
      const java0 = processCpuMs(ddb.pid);
      const sqlite0 = threadCpuMs(ddb.pid, SQLITE_THREAD);
      const node0 = nodeCpuMs();
      const wall0 = performance.now();
      await run(inFlight, calls);
      const wallMs = performance.now() - wall0;
      const java1 = processCpuMs(ddb.pid);
      const sqlite1 = threadCpuMs(ddb.pid, SQLITE_THREAD);
      const nodeMs = nodeCpuMs() - node0;
      const javaMs = java0 === undefined || java1 === undefined ? undefined : java1 - java0;
      rows.push({
        inFlight,
        callsPerSecond: (calls / wallMs) * 1000,
        javaMsPerCall: javaMs === undefined ? undefined : javaMs / calls,
        sqliteMsPerCall:
          sqlite0 === undefined || sqlite1 === undefined ? undefined : (sqlite1 - sqlite0) / calls,
        nodeMsPerCall: nodeMs / calls,
        coresBusy: javaMs === undefined ? undefined : (javaMs + nodeMs) / wallMs,
      });
    }
    return rows;
  } finally {
    raw.destroy();
    db.destroy();
    await ddb.stop();
  }
}

const fmt = (v: number | undefined, digits: number) => (v === undefined ? '–' : v.toFixed(digits));

export function ceilingTable(rows: readonly CeilingRow[]): Record<string, string | number>[] {
  return rows.map((r) => ({
    'calls in flight': r.inFlight,
    'calls/s': Math.round(r.callsPerSecond),
    'DynamoDB Local CPU ms/call': fmt(r.javaMsPerCall, 2),
    'its SQLite thread ms/call': fmt(r.sqliteMsPerCall, 2),
    'Node CPU ms/call': fmt(r.nodeMsPerCall, 2),
    'cores busy': fmt(r.coresBusy, 2),
  }));
}

export function ceilingMarkdown(rows: readonly CeilingRow[]): string {
  const lines = [
    '| calls in flight | calls/s | DynamoDB Local CPU ms/call | its SQLite thread ms/call | Node CPU ms/call | cores busy |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.inFlight} | ${Math.round(r.callsPerSecond)} | ${fmt(r.javaMsPerCall, 2)} | ${fmt(r.sqliteMsPerCall, 2)} | ${fmt(r.nodeMsPerCall, 2)} | ${fmt(r.coresBusy, 2)} |`,
    );
  }
  return lines.join('\n');
}
