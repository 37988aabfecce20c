/**
 * AWS's own documented sample events (tests/fixtures/aws, each with its source in the README there) fed
 * to the real Lambda entries against DynamoDB Local: each gets an HTTP answer (2xx or 4xx) or a clean
 * batch response, never a throw. The entries build their deps at module scope, so the environment, the
 * local adapters and the clock are set before they are imported, and this file keeps that state to itself.
 */
import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sendAndRecord } from '#services/texts.ts';
import { openInbox } from '#store/inbox.ts';
import { getMessage } from '#store/messages.ts';
import {
  exampleConfig,
  freshTable,
  TEST_CONSENT_KEY,
  type TestDeps,
  testDeps,
} from '#tests/support/dynamo.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const NOW = '2026-11-23T10:00:00.000Z';
const TRUST_NUMBER = exampleConfig.sender.originationNumber!;

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/aws/${name}.json`, import.meta.url), 'utf8'));

const context = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-west-2:000000000000:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2026/11/23/[$LATEST]local',
  getRemainingTimeInMillis: () => 30_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

const env = {
  IDEMPOTENCY_TABLE_NAME: '',
  TABLE_NAME: '',
  METRICS_TABLE_NAME: '',
  DYNAMODB_ENDPOINT: '',
  SMS_ADAPTER: 'outbox',
  EVENTS_ADAPTER: 'local',
  ATTEND_TRUST_CONFIG: JSON.stringify(exampleConfig),
  // The keys the local runtime sets (in AWS, the ConsentKey and CursorKey secrets).
  ATTEND_LOCAL_CONSENT_KEY: TEST_CONSENT_KEY,
  ATTEND_LOCAL_CURSOR_KEY: 'attend-test-cursor-key-not-a-secret',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_REGION: 'eu-west-2',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};
const previousEnv = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));

let deps: TestDeps;
const handlers: Record<string, Handler> = {};
let log: typeof import('#runtime/powertools.ts').logger;

beforeAll(async () => {
  const tables = await freshTable();
  Object.assign(process.env, {
    ...env,
    TABLE_NAME: tables.table,
    METRICS_TABLE_NAME: tables.metricsTable,
    IDEMPOTENCY_TABLE_NAME: tables.idempotencyTable,
    DYNAMODB_ENDPOINT: tables.endpoint,
  });
  deps = testDeps(tables, NOW);
  const { registerLocalAdapters } = await import('#runtime/deps-from-env.ts');
  const { useClock } = await import('#runtime/clock.ts');
  registerLocalAdapters({ sms: deps.outbox, events: deps.bus });
  useClock(deps.clock.now);
  log = (await import('#runtime/powertools.ts')).logger;
  for (const entry of [
    'admin-api',
    'inbound-sms',
    'backfill',
    'metrics-stream',
    'reminder-sweep',
    'offer-expiry',
    'delivery-status',
  ]) {
    handlers[entry] = (await import(`#entries/${entry}.ts`)).handler as Handler;
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(() => {
  for (const [name, value] of Object.entries(previousEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const invoke = (entry: string, event: unknown) => handlers[entry]!(event, context(`attend-${entry}`));

interface HttpAnswer {
  statusCode: number;
  body: string;
}

describe('function URL requests as AWS documents them, to admin-api', () => {
  it('answers the documented POST (null pathParameters and stageVariables, a domainName that is no host) in the error shape', async () => {
    const answer = (await invoke('admin-api', fixture('function-url-post'))) as HttpAnswer;

    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  it('routes the documented request as a GET of /health with a null body, and refuses its unmapped IAM user: 403', async () => {
    const answer = (await invoke('admin-api', fixture('function-url-get'))) as HttpAnswer;

    // The sample is signed by an IAM user no trust config maps to an Attend role (issue 11: 403). It
    // reached the route: an unrouted request would be a 404 or a 400.
    expect(answer.statusCode).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } });
  });

  it('answers the documented browser GET (a Host header that is no host name) with a 4xx, not a TypeError', async () => {
    const answer = (await invoke('admin-api', fixture('function-url-get-browser'))) as HttpAnswer;

    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body).error.code).toBe('NOT_FOUND');
  });
});

describe('SNS events as AWS documents them, to inbound-sms', () => {
  it('acknowledges the documented SNS notification, whose Message is not an SMS, as malformed', async () => {
    const sent = deps.outbox.entries.length;

    const result = await invoke('inbound-sms', fixture('sns-notification'));

    expect(result).toEqual({ handled: 0, malformed: 1 });
    expect(deps.outbox.entries).toHaveLength(sent);
  });

  it('records the documented End User Messaging reply, sent to a number that is not the trust’s, for staff and does not answer it', async () => {
    const sent = deps.outbox.entries.length;

    const result = await invoke('inbound-sms', fixture('sns-end-user-messaging-sms'));

    expect(result).toEqual({ handled: 1, malformed: 0 });
    expect(deps.outbox.entries).toHaveLength(sent);
    const items = (await openInbox(deps.store)).items.filter((i) => i.phone === '+14255550182');
    expect(items.map((i) => [i.reason, i.body])).toEqual([['wrong-number', 'EXAMPLE']]);
  });

  it('handles the same reply sent to the trust’s own number as a reply (here: from an unknown number)', async () => {
    const event = fixture('sns-end-user-messaging-sms') as {
      Records: { Sns: { Message: string; MessageId: string } }[];
    };
    const record = event.Records[0]!;
    // Adapted: the trust's number as destination, and a new inboundMessageId, so it is a new message.
    record.Sns.Message = JSON.stringify({
      ...JSON.parse(record.Sns.Message),
      destinationNumber: TRUST_NUMBER,
      inboundMessageId: 'cae173d2-66b9-564c-8309-21f858e9fb85',
    });

    const result = await invoke('inbound-sms', event);

    expect(result).toEqual({ handled: 1, malformed: 0 });
    const items = (await openInbox(deps.store)).items.filter((i) => i.phone === '+14255550182');
    expect(items.map((i) => i.reason).sort()).toEqual(['unmatched-number', 'wrong-number']);
  });
});

describe('DynamoDB Streams records as AWS documents them (another table: INSERT, MODIFY, REMOVE)', () => {
  for (const entry of ['backfill', 'metrics-stream']) {
    it(`${entry} skips each record that is not ours, counts them in one log line, and fails none`, async () => {
      const info = vi.spyOn(log, 'info');

      const result = await invoke(entry, fixture('dynamodb-stream'));

      expect(result).toEqual({ batchItemFailures: [] });
      const skipped = info.mock.calls.filter(([message]) => message === 'stream records skipped: not ours');
      expect(skipped).toHaveLength(1);
      expect(skipped[0]?.[1]).toMatchObject({ skipped: 3, records: 3 });
      // Only counts and ids: nothing of the images.
      expect(JSON.stringify(info.mock.calls)).not.toContain('New item!');
    });

    it(`${entry} reports a record that is ours but unreadable in batchItemFailures`, async () => {
      const event = fixture('dynamodb-stream') as {
        Records: { dynamodb: { NewImage?: unknown; OldImage?: unknown } }[];
      };
      // Adapted: the MODIFY's images are an Attend slot and booking item with their ids missing.
      const modify = event.Records[1]!;
      const image = { entity: { S: entry === 'backfill' ? 'Slot' : 'Booking' } };
      modify.dynamodb.NewImage = { ...image, status: { S: entry === 'backfill' ? 'FREE' : 'CANCELLED' } };
      modify.dynamodb.OldImage = { ...image, status: { S: 'BOOKED' } };

      const result = await invoke(entry, event);

      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '222' }] });
    });
  }
});

describe('an EventBridge Scheduler invocation, to the sweeps', () => {
  it('runs the reminder sweep, answers its report and logs which run it was', async () => {
    const info = vi.spyOn(log, 'info');

    const report = await invoke('reminder-sweep', fixture('scheduler-lambda-invoke'));

    expect(report).toMatchObject({ sent: 0, failed: 0 });
    expect(info).toHaveBeenCalledWith(
      'reminder sweep finished',
      expect.objectContaining({ scheduledTime: '2022-03-22T18:59:43Z', attemptNumber: 1 }),
    );
  });

  it('runs the reminder sweep just the same for an invocation in another shape', async () => {
    for (const event of [{}, null, { source: 'aws.scheduler' }, 'ping']) {
      await expect(invoke('reminder-sweep', event)).resolves.toMatchObject({ failed: 0 });
    }
  });

  it('runs the offer sweep and answers its report', async () => {
    const report = await invoke('offer-expiry', fixture('scheduler-lambda-invoke'));

    expect(report).toMatchObject({ textsSent: 0, expired: 0, wavesSent: 0, unfilled: 0 });
  });
});

describe('End User Messaging SMS events as AWS documents them, to delivery-status', () => {
  /** The documented event, as its configuration set's SNS destination publishes it, with changes named. */
  const smsEvent = (changes: Record<string, unknown> = {}) => {
    const event = fixture('sns-end-user-messaging-sms-event') as {
      Records: { Sns: { Message: string } }[];
    };
    const record = event.Records[0]!;
    record.Sns.Message = JSON.stringify({ ...JSON.parse(record.Sns.Message), ...changes });
    return event;
  };

  it('acknowledges the documented event for a text Attend never sent, changing nothing', async () => {
    const result = await invoke('delivery-status', fixture('sns-end-user-messaging-sms-event'));

    expect(result).toEqual({ applied: 0, ignored: 1 });
  });

  it('acknowledges the documented SNS notification, whose Message is no SMS event, as malformed', async () => {
    const result = await invoke('delivery-status', fixture('sns-notification'));

    expect(result).toEqual({ applied: 0, ignored: 1 });
  });

  it('records the documented final SUCCESSFUL as delivered on the text it names (messageId changed to that text)', async () => {
    const sent = await sendAndRecord(
      deps,
      { key: 'confirmation', body: 'Hello', segments: 1, encoding: 'GSM-7' },
      { to: '+447700900123' },
    );

    const result = await invoke('delivery-status', smsEvent({ messageId: sent.providerMessageId }));

    expect(result).toEqual({ applied: 1, ignored: 0 });
    expect((await getMessage(deps.store, sent.id))?.delivery).toEqual({
      status: 'delivered',
      reason: 'SUCCESSFUL: Message has been accepted by phone carrier',
      changedAt: new Date(1686975103470).toISOString(),
    });
  });
});
