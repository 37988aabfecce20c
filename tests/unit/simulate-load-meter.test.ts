/**
 * The simulator's load meter counts each request to DynamoDB Local by its operation, and nothing sent
 * elsewhere; the DynamoDB ceiling bench spreads its mix of calls in the month's proportions.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MONTH_MIX, mixPicker } from '#bench/dynamodb-ceiling.ts';
import { meterLoad, processCpuMs, threadCpuMs } from '#bench/simulate/load-meter.ts';

let servers: Server[] = [];
let ports: number[] = [];

beforeAll(async () => {
  servers = [0, 1].map(() => createServer((_req, res) => res.end('{}')));
  ports = await Promise.all(
    servers.map(
      (s) =>
        new Promise<number>((done) =>
          s.listen(0, '127.0.0.1', () => done((s.address() as AddressInfo).port)),
        ),
    ),
  );
});
afterAll(() => {
  for (const s of servers) s.close();
});

const post = (port: number, target?: string) =>
  new Promise<void>((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        headers: { host: `127.0.0.1:${port}`, ...(target ? { 'x-amz-target': target } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', done);
      },
    );
    req.on('error', fail);
    req.end('{}');
  });

describe('meterLoad', () => {
  it('counts requests to the endpoint by operation, and only while it runs', async () => {
    await post(ports[0]!, 'DynamoDB_20120810.GetItem'); // before: not counted
    const meter = meterLoad(`http://127.0.0.1:${ports[0]}`, undefined);
    await post(ports[0]!, 'DynamoDB_20120810.GetItem');
    await post(ports[0]!, 'DynamoDB_20120810.GetItem');
    await post(ports[0]!, 'DynamoDBStreams_20120810.GetRecords');
    await post(ports[0]!, 'DynamoDB_20120810.TransactWriteItems');
    await post(ports[1]!, 'DynamoDB_20120810.Query'); // another service: not counted
    await post(ports[0]!); // no operation named: not a DynamoDB call
    const reading = meter.stop();
    await post(ports[0]!, 'DynamoDB_20120810.PutItem'); // after: not counted
    expect(reading.calls).toEqual({ GetItem: 2, GetRecords: 1, TransactWriteItems: 1 });
    expect(reading.nodeCpuMs).toBeGreaterThanOrEqual(0);
    // No process to read: no DynamoDB Local CPU figure rather than a made-up one.
    expect(reading.dynamoDbLocalCpuMs).toBeUndefined();
  });

  it("reads a process's CPU where /proc has it, and gives undefined for one that does not exist", () => {
    expect(processCpuMs(2 ** 22 + 12_345)).toBeUndefined();
    expect(processCpuMs(undefined)).toBeUndefined();
    if (process.platform === 'linux') expect(processCpuMs(process.pid)).toBeGreaterThanOrEqual(0);
  });

  it.runIf(process.platform === 'linux')(
    "adds up the CPU of a process's threads whose names match, and none when no name matches",
    () => {
      // This process has loaded the test runner and this file: its threads have used some CPU.
      const all = threadCpuMs(process.pid, /./)!;
      expect(all).toBeGreaterThan(0);
      expect(all).toBeLessThanOrEqual(processCpuMs(process.pid)! + 10);
      expect(threadCpuMs(process.pid, /^no such thread$/)).toBeUndefined();
      expect(threadCpuMs(2 ** 22 + 12_345, /./)).toBeUndefined();
    },
  );
});

describe('the ceiling bench mix', () => {
  it("spreads the kinds of call in the month's proportions, interleaved", () => {
    const pick = mixPicker(MONTH_MIX);
    const total = Object.values(MONTH_MIX).reduce((a, b) => a + b, 0);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 2_000; i++) counts[pick(i)] = (counts[pick(i)] ?? 0) + 1;
    for (const [kind, n] of Object.entries(MONTH_MIX)) {
      expect(counts[kind]! / 2_000, kind).toBeCloseTo(n / total, 2);
    }
    // Interleaved, not in blocks: within any 20 calls there are at least four kinds.
    for (let start = 0; start < 200; start += 20) {
      expect(new Set(Array.from({ length: 20 }, (_, i) => pick(start + i))).size).toBeGreaterThanOrEqual(4);
    }
  });
});
