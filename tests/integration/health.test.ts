/**
 * GET /health asks the table, with a short timeout: 200 when it answers, 503 in the error shape when it
 * does not (nothing listening, or a database that never answers), and never a hang.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, LOCAL_AWS } from '#local/dynamodb-local.ts';
import { metricsTableOf } from '#local/tables.ts';
import { createDocClient } from '#store/client.ts';
import { exampleConfig, freshTable, testDeps } from '#tests/support/dynamo.ts';
import { callApi, type ErrorResult } from '#tests/support/function-url.ts';

const NOW = '2026-11-23T10:00:00.000Z';
/** Accepts connections and never answers: a database that hangs. */
let silent: Server;
let silentPort: number;
const held: Socket[] = [];

beforeAll(async () => {
  silent = createServer((socket) => held.push(socket));
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  silentPort = (silent.address() as { port: number }).port;
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((done) => silent.close(done));
});

const depsAt = (endpoint: string, table = 'attend-health') =>
  testDeps(
    { db: createDocClient({ ...LOCAL_AWS, endpoint }), table, metricsTable: metricsTableOf(table) },
    NOW,
    exampleConfig,
  );

describe('GET /health', () => {
  it('answers 200 with the trust and the time when the table answers', async () => {
    const res = await callApi(testDeps(await freshTable(), NOW), 'GET', '/health');

    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { status: 'ok', trust: 'example', time: NOW },
    });
  });

  it('answers 503 DATABASE_UNAVAILABLE when nothing listens where the database should be', async () => {
    const res = await callApi<ErrorResult>(depsAt(`http://127.0.0.1:${await freePort()}`), 'GET', '/health');

    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('DATABASE_UNAVAILABLE');
  });

  it('answers 503 within its timeout when the database accepts the connection and never answers', async () => {
    const started = Date.now();

    const res = await callApi<ErrorResult>(depsAt(`http://127.0.0.1:${silentPort}`), 'GET', '/health');

    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('any route when the database cannot be reached', () => {
  it('answers 503 DATABASE_UNAVAILABLE, saying the change may or may not have been made', async () => {
    const res = await callApi<ErrorResult>(
      depsAt(`http://127.0.0.1:${await freePort()}`),
      'POST',
      '/clients',
      {
        firstName: 'Amelia',
        phone: '07700 900123',
      },
    );

    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({
      code: 'DATABASE_UNAVAILABLE',
      message: expect.stringContaining('check'),
    });
  });
});
