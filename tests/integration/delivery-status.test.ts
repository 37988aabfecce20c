/**
 * Delivery status against a real table: statuses applied by rank whatever order and however often they
 * come; a dead number (one permanent failure, or three temporary ones in a row) marked unreachable, so
 * the guard stops texting it, staff get one inbox task and the bus one NumberUnreachable; and a new
 * number, or staff confirming the old one, lets texts go again. A delivered receipt is one write (its
 * Message's status): "in a row" is read, when a failure comes, from the number's delivered Messages.
 */
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { decideContactRoute } from '#core/contact-channels.ts';
import {
  type DeliveryReport,
  type DeliveryStatus,
  deliveryReportFromEum,
  eumSmsEventSchema,
} from '#core/delivery-status.ts';
import { RecipientSuppressedError } from '#core/errors.ts';
import type { Message } from '#core/model.ts';
import { consentOf } from '#services/consent.ts';
import { applyDeliveryReport } from '#services/delivery.ts';
import { optInByStaff } from '#services/staff-consent.ts';
import { sendAndRecord } from '#services/texts.ts';
import type { StoreContext } from '#store/context.ts';
import { failuresSinceDelivered } from '#store/delivery.ts';
import { openInbox } from '#store/inbox.ts';
import { keys } from '#store/keys.ts';
import { getMessage, recordMessage } from '#store/messages.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient } from '#tests/support/builders.ts';
import { commandsDuring, freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { seed } from './helpers.ts';

const NOW = '2026-11-23T10:00:00.000Z';
const TEXT = {
  key: 'confirmation',
  body: 'Your appointment is booked',
  segments: 1,
  encoding: 'GSM-7',
} as const;

let store: StoreContext;
let deps: TestDeps;
let client: ClientWithPhone;

beforeEach(async () => {
  store = await freshTable();
  deps = testDeps(store, NOW);
  client = aClient({ phone: '+447700900321' });
  await seed(store, { clients: [client] });
});

/** Sends one text to the client (a minute after the last), as every path does. */
let minute = 0;
async function sendOne(to = client.phone): Promise<Message> {
  deps.clock.set(new Date(new Date(NOW).getTime() + ++minute * 60_000).toISOString());
  return sendAndRecord(deps, TEXT, { to, clientId: client.id });
}

/** Sends one text to the client at `at`, as every path does. */
async function sendAt(at: string): Promise<Message> {
  deps.clock.set(at);
  return sendAndRecord(deps, TEXT, { to: client.phone, clientId: client.id });
}

function report(message: Message, status: DeliveryStatus, at: string, numberFault = true): DeliveryReport {
  return {
    providerMessageId: message.providerMessageId!,
    status,
    reason: status === 'delivered' ? 'DELIVERED' : status === 'sent' ? 'SUCCESSFUL' : 'CARRIER_UNREACHABLE',
    changedAt: at,
    numberFault,
  };
}

const statusOf = async (m: Message) => (await getMessage(store, m.id))?.delivery?.status;
const unreachableTasks = async () =>
  (await openInbox(store)).items.filter((i) => i.reason === 'number-unreachable');
const unreachableEvents = () => deps.bus.events.filter((e) => e.type === 'NumberUnreachable');

describe('status events out of order and twice', () => {
  it('keeps delivered when a late sent arrives, and changes nothing on the same event again', async () => {
    const m = await sendOne();

    const delivered = await applyDeliveryReport(deps, report(m, 'delivered', '2026-11-23T10:01:05.000Z'));
    const lateSent = await applyDeliveryReport(deps, report(m, 'sent', '2026-11-23T10:01:01.000Z'));
    const again = await applyDeliveryReport(deps, report(m, 'delivered', '2026-11-23T10:01:05.000Z'));

    expect(delivered).toEqual({ outcome: 'applied', status: 'delivered', unreachable: false });
    expect(lateSent).toEqual({ outcome: 'unchanged' });
    expect(again).toEqual({ outcome: 'unchanged' });
    expect((await getMessage(store, m.id))?.delivery).toEqual({
      status: 'delivered',
      reason: 'DELIVERED',
      changedAt: '2026-11-23T10:01:05.000Z',
    });
  });

  it('moves sent → failed-temporary → delivered in order, and a repeated failure is announced once', async () => {
    const m = await sendOne();

    await applyDeliveryReport(deps, report(m, 'sent', '2026-11-23T10:01:01.000Z'));
    await applyDeliveryReport(deps, report(m, 'failed-temporary', '2026-11-23T10:05:00.000Z'));
    await applyDeliveryReport(deps, report(m, 'failed-temporary', '2026-11-23T10:05:00.000Z'));
    expect(await statusOf(m)).toBe('failed-temporary');
    await applyDeliveryReport(deps, report(m, 'delivered', '2026-11-23T10:20:00.000Z'));

    expect(await statusOf(m)).toBe('delivered');
    expect(deps.bus.events.filter((e) => e.type === 'TextDeliveryFailed')).toHaveLength(1);
  });

  it('ignores a status for a text it never sent', async () => {
    const result = await applyDeliveryReport(deps, {
      providerMessageId: 'not-ours',
      status: 'delivered',
      reason: 'DELIVERED',
      changedAt: NOW,
      numberFault: false,
    });

    expect(result).toEqual({ outcome: 'unknown-message' });
  });

  it("ignores a status naming a family's own text (IN), and leaves that text as it was", async () => {
    const inbound: Message = {
      id: 'in-family-text',
      direction: 'IN',
      phone: client.phone,
      body: 'Yes please',
      at: NOW,
      providerMessageId: 'inbound-provider-id',
    };
    await recordMessage(store, inbound, deps.config.messages.retentionDays);

    const result = await applyDeliveryReport(deps, {
      providerMessageId: 'inbound-provider-id',
      status: 'delivered',
      reason: 'DELIVERED',
      changedAt: NOW,
      numberFault: false,
    });

    expect(result).toEqual({ outcome: 'unknown-message' });
    expect(await getMessage(store, inbound.id)).toEqual(inbound);
  });
});

describe("the Message id in the text's Context", () => {
  it('is sent with the text and comes back in its receipt, which is applied with no look-up by provider id', async () => {
    // Prepare: a text sent as every path sends; then its provider-id pointer removed, so only the Context can name it
    const m = await sendOne();
    const [receipt] = deps.outbox.takeDueReceipts(new Date('2026-11-24T00:00:00.000Z'));
    await store.db.send(
      new DeleteCommand({ TableName: store.table, Key: keys.providerMessage(m.providerMessageId!) }),
    );

    // Act
    const parsed = deliveryReportFromEum(eumSmsEventSchema.parse(receipt));
    const result = await applyDeliveryReport(deps, parsed!);

    // Assess
    expect(deps.outbox.entries.at(-1)?.ref).toBe(m.id);
    expect(receipt?.context).toEqual({ attendMessageId: m.id });
    expect(parsed?.messageId).toBe(m.id);
    expect(result).toEqual({ outcome: 'applied', status: 'delivered', unreachable: false });
    expect(await statusOf(m)).toBe('delivered');
  });

  it("ignores a report whose Context names one text and whose provider id is another's", async () => {
    // Prepare: two texts; a report naming the first's Message id with the second's provider id
    const first = await sendOne();
    const second = await sendOne();

    // Act
    const result = await applyDeliveryReport(deps, {
      ...report(second, 'failed-permanent', '2026-11-23T10:05:00.000Z'),
      messageId: first.id,
    });

    // Assess: neither text changed
    expect(result).toEqual({ outcome: 'unknown-message' });
    expect(await statusOf(first)).toBeUndefined();
    expect(await statusOf(second)).toBeUndefined();
  });
});

describe('unreachable numbers', () => {
  it('three temporary failures in a row mark the number unreachable: no more texts, one task, one event, letters', async () => {
    const texts = [await sendOne(), await sendOne(), await sendOne()];

    // Out of order and each twice: the third failure to arrive is what marks it, whichever it is.
    for (const m of [texts[2]!, texts[0]!, texts[2]!, texts[1]!, texts[0]!]) {
      await applyDeliveryReport(deps, report(m, 'failed-temporary', '2026-11-23T11:00:00.000Z'));
    }

    expect((await consentOf(deps, client.phone))?.reason).toBe('unreachable');
    await expect(deps.sms.send({ to: client.phone, body: 'x' })).rejects.toBeInstanceOf(
      RecipientSuppressedError,
    );
    const tasks = await unreachableTasks();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ phone: client.phone, clientIds: [client.id] });
    expect(unreachableEvents()).toHaveLength(1);
    expect(unreachableEvents()[0]!.detail).toMatchObject({
      clientIds: [client.id],
      reason: 'temporary-failures',
    });
    // What the contact decision makes of it: with an address and post on, the family gets letters.
    expect(
      decideContactRoute({
        hasPhone: true,
        smsOn: true,
        optedOut: false,
        unreachable: true,
        letterOn: true,
        hasAddress: true,
        lettersEnabled: true,
      }),
    ).toEqual({ route: 'letter', noSms: 'unreachable' });
  });

  it('two failures, a delivery, then two more do not make three in a row; a third after them does', async () => {
    const texts = [await sendOne(), await sendOne(), await sendOne(), await sendOne(), await sendOne()];

    await applyDeliveryReport(deps, report(texts[0]!, 'failed-temporary', '2026-11-23T11:00:00.000Z'));
    await applyDeliveryReport(deps, report(texts[1]!, 'failed-temporary', '2026-11-23T11:00:00.000Z'));
    await applyDeliveryReport(deps, report(texts[2]!, 'delivered', '2026-11-23T11:00:00.000Z'));
    await applyDeliveryReport(deps, report(texts[4]!, 'failed-temporary', '2026-11-23T11:00:00.000Z'));
    await applyDeliveryReport(deps, report(texts[3]!, 'failed-temporary', '2026-11-23T11:00:00.000Z'));
    // A late receipt for an older text never hides the newer failures: still two in a row, not reset.
    await applyDeliveryReport(deps, report(texts[0]!, 'delivered', '2026-11-23T11:30:00.000Z'));
    expect(await consentOf(deps, client.phone)).toBeUndefined();
    const sixth = await sendOne();
    await applyDeliveryReport(deps, report(sixth, 'failed-temporary', '2026-11-23T11:40:00.000Z'));
    expect((await consentOf(deps, client.phone))?.reason).toBe('unreachable');
  });

  it('one permanent failure about the number marks it at once; one about the text does not', async () => {
    const aboutText = await sendOne();
    await applyDeliveryReport(deps, report(aboutText, 'failed-permanent', '2026-11-23T11:00:00.000Z', false));
    expect(await consentOf(deps, client.phone)).toBeUndefined();

    const dead = await sendOne();
    await applyDeliveryReport(deps, report(dead, 'failed-permanent', '2026-11-23T11:00:00.000Z'));

    expect((await consentOf(deps, client.phone))?.reason).toBe('unreachable');
    expect(unreachableEvents()[0]!.detail).toMatchObject({ reason: 'permanent-failure' });
  });

  it('a STOP stays a STOP: a dead number that opted out is not re-marked, and no task is made', async () => {
    const m = await sendOne();
    await (await import('#services/consent.ts')).optOutNumber(deps, client.phone, {
      reason: 'stop-text',
      at: NOW,
    });

    await applyDeliveryReport(deps, report(m, 'failed-permanent', '2026-11-23T11:00:00.000Z'));

    expect((await consentOf(deps, client.phone))?.reason).toBe('stop-text');
    expect(await unreachableTasks()).toHaveLength(0);
  });

  it('a new number is texted at once, and staff confirming the old number lift the mark', async () => {
    const m = await sendOne();
    await applyDeliveryReport(deps, report(m, 'failed-permanent', '2026-11-23T11:00:00.000Z'));

    // A new number has its own consent: nothing stops it.
    const fresh = await sendOne('+447700900654');
    expect(fresh.providerMessageId).toBeDefined();
    // Staff checked the old number with the family: they lift the mark, and texts go again.
    const view = await optInByStaff(deps, client.id);

    expect(view.optedOut).toBe(false);
    await expect(sendOne()).resolves.toMatchObject({ phone: client.phone });
  });
});

/** The DynamoDB commands `act` sends (each call once, however often the SDK retries it). */
async function callsDuring(act: () => Promise<unknown>): Promise<string[]> {
  return commandsDuring(store, act, (commandName) => commandName);
}

/** Every item under a number's delivery partitions (`NUMBERDELIVERY#…`): its failures, and nothing else. */
async function numberDeliveryItems(): Promise<Record<string, unknown>[]> {
  const out = await store.db.send(
    new ScanCommand({
      TableName: store.table,
      FilterExpression: 'begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':prefix': 'NUMBERDELIVERY#' },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

const fail = (m: Message, at: string) => applyDeliveryReport(deps, report(m, 'failed-temporary', at));
const deliver = (m: Message, at: string) => applyDeliveryReport(deps, report(m, 'delivered', at));
const isUnreachable = async () => (await consentOf(deps, client.phone))?.reason === 'unreachable';

describe('what a delivered receipt costs, and what "in a row" counts from', () => {
  it('a delivered receipt is one DynamoDB call, the conditional write of its status; nothing is kept per number', async () => {
    // Prepare: a text sent as every path sends, and its receipt as End User Messaging sends it (with the Context)
    const m = await sendOne();
    const [receipt] = deps.outbox.takeDueReceipts(new Date('2026-11-24T00:00:00.000Z'));
    const parsed = deliveryReportFromEum(eumSmsEventSchema.parse(receipt));

    // Act: the receipt, then the same receipt again
    let result: unknown;
    const calls = await callsDuring(async () => {
      result = await applyDeliveryReport(deps, parsed!);
    });
    const again = await callsDuring(() => applyDeliveryReport(deps, parsed!));

    // Assess
    expect(result).toEqual({ outcome: 'applied', status: 'delivered', unreachable: false });
    expect(calls).toEqual(['UpdateItemCommand']);
    expect(again).toEqual(['UpdateItemCommand']);
    expect(await statusOf(m)).toBe('delivered');
    expect(await numberDeliveryItems()).toEqual([]);
  });

  it('three temporary failures after the newest delivered text mark the number unreachable', async () => {
    // Prepare: a delivered text, then three that fail
    const delivered = await sendOne();
    const failed = [await sendOne(), await sendOne(), await sendOne()];
    await deliver(delivered, '2026-11-23T11:00:00.000Z');

    // Act and assess: two failures (each reported twice) are not yet three; the third is
    await fail(failed[0]!, '2026-11-23T11:10:00.000Z');
    await fail(failed[1]!, '2026-11-23T11:10:00.000Z');
    await fail(failed[0]!, '2026-11-23T11:20:00.000Z');
    await fail(failed[1]!, '2026-11-23T11:20:00.000Z');
    expect(await isUnreachable()).toBe(false);
    const third = await fail(failed[2]!, '2026-11-23T11:10:00.000Z');

    expect(third).toEqual({ outcome: 'applied', status: 'failed-temporary', unreachable: true });
    expect(await isUnreachable()).toBe(true);
    expect(unreachableEvents()).toHaveLength(1);
    // Only the failures are kept per number, one item per failed text however often it was reported.
    expect((await numberDeliveryItems()).map((i) => i.entity)).toEqual([
      'NumberFailure',
      'NumberFailure',
      'NumberFailure',
    ]);
  });

  it('a text delivered after two failures clears them: a third failure after it is not three in a row', async () => {
    // Prepare
    const texts = [await sendOne(), await sendOne(), await sendOne(), await sendOne()];
    await fail(texts[0]!, '2026-11-23T11:00:00.000Z');
    await fail(texts[1]!, '2026-11-23T11:00:00.000Z');
    await deliver(texts[2]!, '2026-11-23T11:00:00.000Z');

    // Act
    const third = await fail(texts[3]!, '2026-11-23T11:00:00.000Z');

    // Assess: one in a row since the delivered text, then three more make it
    expect(third).toEqual({ outcome: 'applied', status: 'failed-temporary', unreachable: false });
    expect(await isUnreachable()).toBe(false);
    await fail(await sendOne(), '2026-11-23T11:10:00.000Z');
    expect(await isUnreachable()).toBe(false);
    await fail(await sendOne(), '2026-11-23T11:20:00.000Z');
    expect(await isUnreachable()).toBe(true);
  });

  it('a late delivered receipt for a text sent before the failures does not reset the count', async () => {
    // Prepare: a text that will be delivered late, then three that fail
    const older = await sendOne();
    const failed = [await sendOne(), await sendOne(), await sendOne()];
    await fail(failed[0]!, '2026-11-23T11:00:00.000Z');
    await fail(failed[1]!, '2026-11-23T11:00:00.000Z');

    // Act: the older text's receipt comes after the failures of newer texts, then the third failure
    const late = await deliver(older, '2026-11-23T11:30:00.000Z');
    const third = await fail(failed[2]!, '2026-11-23T11:40:00.000Z');

    // Assess
    expect(late).toEqual({ outcome: 'applied', status: 'delivered', unreachable: false });
    expect(await statusOf(older)).toBe('delivered');
    expect(third).toEqual({ outcome: 'applied', status: 'failed-temporary', unreachable: true });
    expect(await isUnreachable()).toBe(true);
  });

  it("a text that failed and was then delivered on the carrier's retry does not count as a failure", async () => {
    // Prepare
    const texts = [await sendOne(), await sendOne(), await sendOne()];
    await fail(texts[0]!, '2026-11-23T11:00:00.000Z');
    await fail(texts[1]!, '2026-11-23T11:00:00.000Z');
    await deliver(texts[1]!, '2026-11-23T11:05:00.000Z');

    // Act
    await fail(texts[2]!, '2026-11-23T11:10:00.000Z');

    // Assess: the retried text is the newest delivered one; only the text after it failed since
    expect(await statusOf(texts[1]!)).toBe('delivered');
    expect(await isUnreachable()).toBe(false);
  });

  it('counts the failures of texts sent after the newest delivered one, by when each was sent', async () => {
    // Prepare: failed, delivered, failed, delivered, failed, failed; receipts in another order
    const t: Message[] = [];
    for (let i = 0; i < 6; i++) t.push(await sendOne());
    await fail(t[5]!, '2026-11-23T11:00:00.000Z');
    await deliver(t[3]!, '2026-11-23T11:00:00.000Z');
    await fail(t[0]!, '2026-11-23T11:00:00.000Z');
    await fail(t[4]!, '2026-11-23T11:00:00.000Z');
    await deliver(t[1]!, '2026-11-23T11:00:00.000Z');
    await fail(t[2]!, '2026-11-23T11:00:00.000Z');
    const number = { phone: client.phone, hash: await deps.phoneHash(client.phone) };
    const history = { now: deps.now().toISOString(), messageRetentionDays: 90 };

    // Act
    const count = (atMost: number) => failuresSinceDelivered(store, number, atMost, history);

    // Assess: the two after the newest delivered text (the fourth sent), at most `atMost`
    expect(await count(10)).toBe(2);
    expect(await count(2)).toBe(2);
    expect(await count(1)).toBe(1);
  });

  it("counts failures only within the messages' retention: a delivered text that has gone cannot clear older ones", async () => {
    // Prepare: two failures; the number's messages are kept 90 days (the example trust)
    expect(deps.config.messages.retentionDays).toBe(90);
    const early = [await sendOne(), await sendOne()];
    await fail(early[0]!, '2026-11-23T11:00:00.000Z');
    await fail(early[1]!, '2026-11-23T11:00:00.000Z');

    // Act: 91 days on, two more failures
    const later = [await sendAt('2027-02-22T10:00:00.000Z'), await sendAt('2027-02-22T10:01:00.000Z')];
    await fail(later[0]!, '2027-02-22T11:00:00.000Z');
    await fail(later[1]!, '2027-02-22T11:00:00.000Z');

    // Assess: the early failures are past the messages' retention (a text delivered between them and
    // now would have gone by TTL), so only the two later ones count; a third within it marks the number
    expect(await isUnreachable()).toBe(false);
    await fail(await sendAt('2027-02-22T10:02:00.000Z'), '2027-02-22T11:10:00.000Z');
    expect(await isUnreachable()).toBe(true);
  });
});
