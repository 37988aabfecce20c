import { execSync } from 'node:child_process';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_AWS, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { ensureTables } from '#local/tables.ts';
import { createDocClient } from '#store/client.ts';

const ddb = await startDynamoDbLocal();
const javaCpu = () => {
  const pid = execSync(`pgrep -P ${process.pid} java`).toString().trim();
  const f = execSync(`cat /proc/${pid}/stat`).toString().split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
};
const raw = new DynamoDBClient({ ...LOCAL_AWS, endpoint: ddb.endpoint });
await ensureTables(raw, { table: 'tbl' });
const db = createDocClient({ ...LOCAL_AWS, endpoint: ddb.endpoint });
let t = Date.now(),
  jc = javaCpu(),
  cpu = process.cpuUsage();
const lap = (label: string, n: number) => {
  const c = process.cpuUsage(cpu);
  const j = javaCpu();
  console.log(
    label.padEnd(30),
    'per op: wall',
    ((Date.now() - t) / n).toFixed(2),
    'node',
    ((c.user + c.system) / 1000 / n).toFixed(2),
    'java',
    ((j - jc) / n).toFixed(2),
  );
  t = Date.now();
  cpu = process.cpuUsage();
  jc = j;
};
const N = 2000;
for (let round = 0; round < 2; round++) {
  lap('-', 1);
  for (let i = 0; i < N; i++)
    await db.send(
      new PutCommand({
        TableName: 'tbl',
        Item: { pk: `A${round}#${i}`, sk: 'x', v: i, body: 'x'.repeat(500) },
      }),
    );
  lap(`put plain r${round}`, N);
  for (let i = 0; i < N; i++)
    await db.send(
      new PutCommand({
        TableName: 'tbl',
        Item: {
          pk: `B${round}#${i}`,
          sk: 'x',
          phonePk: `P${i}`,
          phoneSk: 'a',
          clinicDayPk: `C${i % 20}`,
          clinicDaySk: `${i}`,
          dueShard: `S${i % 4}`,
          nextDueAt: `${i}`,
          body: 'x'.repeat(500),
        },
      }),
    );
  lap(`put 3 GSIs r${round}`, N);
  for (let i = 0; i < N; i++)
    await db.send(new GetCommand({ TableName: 'tbl', Key: { pk: `B${round}#${i}`, sk: 'x' } }));
  lap(`get r${round}`, N);
  for (let i = 0; i < N; i++)
    await db.send(
      new UpdateCommand({
        TableName: 'tbl',
        Key: { pk: `B${round}#${i}`, sk: 'x' },
        UpdateExpression: 'SET v = :v',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':v': 1 },
      }),
    );
  lap(`cond update r${round}`, N);
  for (let i = 0; i < N; i++)
    await db.send(
      new TransactWriteCommand({
        TransactItems: [0, 1, 2, 3, 4].map((k) => ({
          Update: {
            TableName: 'tbl',
            Key: { pk: `M${k}#${i % 30}`, sk: 'c' },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': 1 },
          },
        })),
      }),
    );
  lap(`transact 5 r${round}`, N);
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      for (let i = w; i < N; i += 8)
        await db.send(new PutCommand({ TableName: 'tbl', Item: { pk: `D${round}#${i}`, sk: 'x', v: i } }));
    }),
  );
  lap(`put plain x8 conc r${round}`, N);
}
await ddb.stop();
