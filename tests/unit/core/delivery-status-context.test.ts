/**
 * The Message id a text carries in its Context (OutboundSms.ref), read back from End User Messaging's
 * status event: taken only when it is what Attend sends (a UUID under `attendMessageId`); the documented
 * sample event's own context (AWS End User Messaging SMS User Guide, "Example event data") names nothing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deliveryReportFromEum, eumSmsEventSchema } from '#core/delivery-status.ts';
import { EumSmsSender } from '#messaging/eum-sms-sender.ts';

const sample = JSON.parse(
  JSON.parse(
    readFileSync(
      new URL('../../fixtures/aws/sns-end-user-messaging-sms-event.json', import.meta.url),
      'utf8',
    ),
  ).Records[0].Sns.Message,
) as Record<string, unknown>;

const ID = '3f0c6a1e-8d1b-4f5e-9a7c-2b6d8e4f1a90';

describe('deliveryReportFromEum and the Context', () => {
  it("takes Attend's Message id from context.attendMessageId", () => {
    const report = deliveryReportFromEum(
      eumSmsEventSchema.parse({ ...sample, context: { attendMessageId: ID } }),
    );
    expect(report?.messageId).toBe(ID);
    expect(report?.providerMessageId).toBe(sample.messageId);
  });

  it.each([
    ['the documented sample context', { account: 'bar' }],
    ['no context', undefined],
    ['an id that is not a UUID', { attendMessageId: 'MESSAGE#x' }],
    ['an id that is not a string', { attendMessageId: 42 }],
  ])('names no message with %s, and still reads the report', (_label, context) => {
    const report = deliveryReportFromEum(eumSmsEventSchema.parse({ ...sample, context }));
    expect(report).toBeDefined();
    expect(report?.messageId).toBeUndefined();
  });
});

describe('EumSmsSender', () => {
  class FakeCommand {
    constructor(readonly input: Record<string, unknown>) {}
  }
  const sent: Record<string, unknown>[] = [];
  const client = {
    send: async (command: FakeCommand) => {
      sent.push(command.input);
      return { MessageId: 'provider-1' };
    },
  };
  const sender = new EumSmsSender(
    client as never,
    { originationIdentity: '+447700900000', configurationSetName: 'attend', messageType: 'TRANSACTIONAL' },
    { SendTextMessageCommand: FakeCommand as never },
  );

  it('sends the ref as Context.attendMessageId, and no Context without one', async () => {
    await sender.send({ to: '+447700900123', body: 'Hello', ref: ID });
    await sender.send({ to: '+447700900123', body: 'Hello' });
    expect(sent[0]?.Context).toEqual({ attendMessageId: ID });
    expect(sent[1]).not.toHaveProperty('Context');
  });
});
