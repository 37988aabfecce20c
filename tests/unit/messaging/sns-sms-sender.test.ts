/**
 * The SNS adapter at its SDK edge: aws-sdk-client-mock stands in for SNS (and only here; DynamoDB is
 * never mocked). It checks what Publish is asked to send and how a refusal reaches the services.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SmsSendError } from '#core/errors.ts';
import { SnsSmsSender } from '#messaging/sns-sms-sender.ts';

const sns = mockClient(SNSClient);
const client = new SNSClient({ region: 'eu-west-2' });
const TEXT = {
  to: '+447700900123',
  body: 'Reminder: Amelia, Tue 24 Nov at 10:30. Reply CANCEL if you cannot come.',
};

afterEach(() => {
  sns.reset();
});

describe('SnsSmsSender', () => {
  it('publishes a transactional text from the two-way number and returns the message id', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'sns-message-1' });
    const sender = new SnsSmsSender(
      client,
      { smsType: 'Transactional', originationNumber: '+447700900999' },
      { PublishCommand },
    );

    // Act
    const result = await sender.send(TEXT);

    // Assess
    expect(result).toEqual({ providerMessageId: 'sns-message-1' });
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      PhoneNumber: '+447700900123',
      Message: TEXT.body,
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: '+447700900999' },
      },
    });
  });

  it('sets a sender ID only when the trust chose one, and no origination number when it has none', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-message-2' });
    const sender = new SnsSmsSender(
      client,
      { smsType: 'Promotional', senderId: 'KCHFT' },
      { PublishCommand },
    );

    await sender.send(TEXT);

    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes).toEqual({
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Promotional' },
      'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'KCHFT' },
    });
  });

  it('turns a refusal into SmsSendError naming only the error, never the number', async () => {
    // Prepare: the SDK's own message echoes the phone number
    const refusal = Object.assign(new Error(`Invalid parameter: PhoneNumber ${TEXT.to}`), {
      name: 'InvalidParameterException',
    });
    sns.on(PublishCommand).rejects(refusal);
    const sender = new SnsSmsSender(client, { smsType: 'Transactional' }, { PublishCommand });

    // Act
    const err = await sender.send(TEXT).then(
      () => expect.fail('expected the send to be refused'),
      (e: unknown) => e,
    );

    // Assess
    expect(err).toBeInstanceOf(SmsSendError);
    expect((err as Error).message).toBe('SNS Publish failed: InvalidParameterException');
    expect((err as Error).message).not.toContain('7700900123');
    expect((err as Error).cause).toBe(refusal);
  });

  it('treats an answer without a message id as a failed send', async () => {
    sns.on(PublishCommand).resolves({});
    const sender = new SnsSmsSender(client, { smsType: 'Transactional' }, { PublishCommand });

    await expect(sender.send(TEXT)).rejects.toBeInstanceOf(SmsSendError);
  });
});
