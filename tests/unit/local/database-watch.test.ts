/**
 * The local runtime's database watch (local/database-watch.ts) tells a slow DynamoDB Local from a lost
 * one: a check that times out is counted, and only `slowChecksBeforeLost` in a row call it lost, while a
 * refused connection is lost at once. The "database" here is a plain HTTP server that either answers
 * the watch's read or holds the request, standing in for a machine too busy to answer in time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseWatch } from '#local/database-watch.ts';

let server: Server | undefined;
let watch: DatabaseWatch | undefined;

afterEach(async () => {
  await watch?.stop();
  server?.closeAllConnections();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server = undefined;
  watch = undefined;
});

/** A server that answers the watch's read while `mode.answer` is true, and otherwise never answers. */
async function database(mode: { answer: boolean }): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    if (!mode.answer) return; // held: the watch's own timeout ends the request
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ Table: { TableName: 'attend-test', TableStatus: 'ACTIVE' } }));
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

function watchOf(endpoint: string, printed: string[]): DatabaseWatch {
  watch = new DatabaseWatch({
    endpoint,
    table: 'attend-test',
    print: (line) => printed.push(line),
    whileDown: 'Start it again.',
    onBack: async () => {},
    timeoutMs: 1000,
    slowChecksBeforeLost: 3,
  });
  return watch;
}

describe('DatabaseWatch', () => {
  it('calls a database lost only after three checks in a row time out; an answer between resets the count', async () => {
    // Arrange
    const mode = { answer: false };
    const printed: string[] = [];
    const w = watchOf(await database(mode), printed);

    // Act and assess: two slow checks, an answer, two more slow checks: still up
    await w.check();
    await w.check();
    expect(w.up).toBe(true);
    mode.answer = true;
    await w.check();
    mode.answer = false;
    await w.check();
    await w.check();
    expect(printed).toEqual([]);
    expect(w.up).toBe(true);

    // the third slow check in a row: lost, said once
    await w.check();
    expect(w.up).toBe(false);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/is not answering \(3 checks in a row took over 1000 ms\)/);
  });

  it('treats a timeout reported by other work as a reason to look, not as lost', async () => {
    const mode = { answer: true };
    const w = watchOf(await database(mode), []);
    w.failed('TimeoutError');
    await w.check();
    expect(w.up).toBe(true);
  });

  it('calls a refused connection lost at once', async () => {
    const printed: string[] = [];
    const endpoint = await database({ answer: true });
    server!.close();
    const w = watchOf(endpoint, printed);
    await w.check();
    expect(w.up).toBe(false);
    expect(printed[0]).toMatch(/is not answering \(ECONNREFUSED\)/);
  });

  it('calls it lost at once when other work reports a broken connection', () => {
    const printed: string[] = [];
    const w = watchOf('http://127.0.0.1:9', printed);
    w.failed('ECONNRESET');
    expect(w.up).toBe(false);
    expect(printed[0]).toMatch(/ECONNRESET/);
  });
});
