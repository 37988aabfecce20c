/**
 * The inbound Lambda end to end against DynamoDB Local: the SNS event End User Messaging produces goes
 * through the real middy stack, the Powertools Parser and Powertools Idempotency (its own table). The
 * handler builds its deps at module scope, so the environment, the local adapters and the clock are set
 * before it is imported, and this file keeps that state to itself.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clinic } from '#core/model.ts';
import { inboundSnsEvent } from '#local/sns-event.ts';
import { bookSlot } from '#services/bookings.ts';
import { getBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { openInbox } from '#store/inbox.ts';
import { messagesByPhone } from '#store/messages.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import {
  exampleConfig,
  freshTable,
  TEST_CONSENT_KEY,
  type TestDeps,
  testDeps,
} from '#tests/support/dynamo.ts';
import { seed } from './helpers.ts';

type InboundHandler = (event: unknown, context: Context) => Promise<{ handled: number; malformed: number }>;

/** Monday 23 November 2026, 10:00 in London. */
const NOW = '2026-11-23T10:00:00.000Z';
const LATER = '2026-12-03T14:00:00.000Z';
const TRUST_NUMBER = '+447700900000';

const fakeContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'attend-inbound-sms',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:attend-inbound-sms',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/attend-inbound-sms',
  logStreamName: '2026/11/23/[$LATEST]local',
  getRemainingTimeInMillis: () => 30_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
};

const env = {
  IDEMPOTENCY_TABLE_NAME: '',
  TABLE_NAME: '',
  METRICS_TABLE_NAME: '',
  DYNAMODB_ENDPOINT: '',
  SMS_ADAPTER: 'outbox',
  EVENTS_ADAPTER: 'local',
  ATTEND_TRUST_CONFIG: JSON.stringify(exampleConfig),
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_REGION: 'eu-west-2',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  ATTEND_LOCAL_CONSENT_KEY: TEST_CONSENT_KEY,
};
const previousEnv = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));

let store: StoreContext;
let idempotencyTable: string;
let clinic: Clinic;
let deps: TestDeps;
let handler: InboundHandler;

beforeAll(async () => {
  const tables = await freshTable();
  store = tables;
  idempotencyTable = tables.idempotencyTable;
  Object.assign(process.env, {
    ...env,
    TABLE_NAME: tables.table,
    METRICS_TABLE_NAME: tables.metricsTable,
    IDEMPOTENCY_TABLE_NAME: tables.idempotencyTable,
    DYNAMODB_ENDPOINT: tables.endpoint,
  });
  deps = testDeps(store, NOW);
  const { registerLocalAdapters } = await import('#runtime/deps-from-env.ts');
  const { useClock } = await import('#runtime/clock.ts');
  registerLocalAdapters({ sms: deps.outbox, events: deps.bus });
  useClock(deps.clock.now);
  handler = (await import('#entries/inbound-sms.ts')).handler as unknown as InboundHandler;
  clinic = aClinic();
  await seed(store, { clinic });
});

afterAll(() => {
  for (const [name, value] of Object.entries(previousEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function bookedClient(): Promise<{ client: ClientWithPhone; bookingId: string }> {
  const client = aClient();
  const slot = aSlotFor(clinic, { startsAt: LATER });
  await seed(store, { clients: [client], slots: [slot] });
  const booking = await bookSlot(deps, {
    slotId: slot.id,
    clientId: client.id,
    by: 'staff:hv-1',
    source: 'staff',
  });
  return { client, bookingId: booking.id };
}

const event = (from: string, body: string, inboundMessageId?: string): SNSEvent =>
  inboundSnsEvent({ from, to: TRUST_NUMBER, body, inboundMessageId, at: deps.clock.now() });

/** The same event with its record's Message replaced. */
function withMessage(source: SNSEvent, message: string): SNSEvent {
  const record = source.Records[0]!;
  return { Records: [{ ...record, Sns: { ...record.Sns, Message: message } }] };
}

const textsTo = (phone: string) => deps.outbox.entries.filter((e) => e.to === phone);

describe('the inbound Lambda', () => {
  it('acts once and answers once when SNS delivers the same reply three times', async () => {
    // Prepare
    const { client, bookingId } = await bookedClient();
    const sent = textsTo(client.phone).length;
    const events = deps.bus.events.length;
    const delivery = event(client.phone, 'CANCEL', 'provider-msg-cancel-1');

    // Act
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await handler(delivery, fakeContext));

    // Assess
    expect(results).toEqual([
      { handled: 1, malformed: 0 },
      { handled: 1, malformed: 0 },
      { handled: 1, malformed: 0 },
    ]);
    expect((await getBooking(store, bookingId))?.status).toBe('CANCELLED');
    expect(textsTo(client.phone)).toHaveLength(sent + 1);
    expect(textsTo(client.phone).at(-1)?.body).toContain('is cancelled');
    expect(deps.bus.events.slice(events).map((e) => e.type)).toEqual(['AppointmentCancelled']);
    const inbound = (await messagesByPhone(store, client.phone)).items.filter((m) => m.direction === 'IN');
    expect(inbound.map((m) => m.providerMessageId)).toEqual(['provider-msg-cancel-1']);
    expect((await openInbox(store)).items.filter((i) => i.phone === client.phone)).toEqual([]);
    // the first result is what Powertools stored and handed back for the redeliveries
    const { Items } = await store.db.send(new ScanCommand({ TableName: idempotencyTable }));
    expect(Items?.map((item) => [item.status, item.data?.outcome])).toEqual([['COMPLETED', 'cancelled']]);
  });

  it.each([
    { problem: 'is not JSON', message: () => '{"originationNumber": "+4477009' },
    {
      problem: 'has no inboundMessageId',
      message: (from: string) =>
        JSON.stringify({ originationNumber: from, destinationNumber: TRUST_NUMBER, messageBody: 'CANCEL' }),
    },
  ])('acknowledges a record whose Message $problem, and changes nothing', async ({ message }) => {
    // Prepare
    const { client, bookingId } = await bookedClient();
    const sent = deps.outbox.entries.length;
    const events = deps.bus.events.length;

    // Act
    const result = await handler(
      withMessage(event(client.phone, 'CANCEL'), message(client.phone)),
      fakeContext,
    );

    // Assess
    expect(result).toEqual({ handled: 0, malformed: 1 });
    expect((await getBooking(store, bookingId))?.status).toBe('BOOKED');
    expect(deps.outbox.entries).toHaveLength(sent);
    expect(deps.bus.events).toHaveLength(events);
    expect((await messagesByPhone(store, client.phone)).items.filter((m) => m.direction === 'IN')).toEqual(
      [],
    );
  });

  it('handles the good record of a batch that also holds a malformed one', async () => {
    // Prepare
    const { client, bookingId } = await bookedClient();
    const good = event(client.phone, 'Cancel please');
    const bad = withMessage(event(client.phone, 'CANCEL'), 'not json');
    const batch: SNSEvent = { Records: [bad.Records[0]!, good.Records[0]!] };

    // Act
    const result = await handler(batch, fakeContext);

    // Assess
    expect(result).toEqual({ handled: 1, malformed: 1 });
    expect((await getBooking(store, bookingId))?.status).toBe('CANCELLED');
    const inbound = (await messagesByPhone(store, client.phone)).items.filter((m) => m.direction === 'IN');
    expect(inbound.map((m) => m.body)).toEqual(['Cancel please']);
  });

  it('acknowledges an event that is not from SNS at all', async () => {
    // Prepare
    const sent = deps.outbox.entries.length;

    // Act
    const result = await handler({ Records: [{ body: 'CANCEL' }] }, fakeContext);

    // Assess
    expect(result).toEqual({ handled: 0, malformed: 1 });
    expect(deps.outbox.entries).toHaveLength(sent);
  });
});
