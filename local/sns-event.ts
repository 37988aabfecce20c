/**
 * Wraps a reply in the SNS event AWS End User Messaging produces, exactly as the inbound Lambda
 * receives it in AWS. Used by the local runtime's POST /dev/sms/inbound and by tests.
 */
import { randomUUID } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';

export interface InboundReply {
  from: string;
  to: string;
  body: string;
  inboundMessageId?: string;
  previousPublishedMessageId?: string;
  at: Date;
  topicArn?: string;
}

export function inboundSnsEvent(reply: InboundReply): SNSEvent {
  const topicArn = reply.topicArn ?? 'arn:aws:sns:eu-west-2:000000000000:attend-inbound-sms';
  const keyword = reply.body.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  const message = {
    originationNumber: reply.from,
    destinationNumber: reply.to,
    messageKeyword: keyword,
    messageBody: reply.body,
    inboundMessageId: reply.inboundMessageId ?? randomUUID(),
    ...(reply.previousPublishedMessageId
      ? { previousPublishedMessageId: reply.previousPublishedMessageId }
      : {}),
  };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: topicArn,
          Subject: '',
          Message: JSON.stringify(message),
          Timestamp: reply.at.toISOString(),
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'https://sns.eu-west-2.amazonaws.com/local.pem',
          UnsubscribeUrl: 'https://sns.eu-west-2.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** Wraps any message in the SNS event a topic's Lambda subscription receives (delivery status, locally). */
export function snsEventOf(
  message: unknown,
  at: Date,
  topicArn = 'arn:aws:sns:eu-west-2:000000000000:attend-sms-status',
): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: topicArn,
          Subject: '',
          Message: JSON.stringify(message),
          Timestamp: at.toISOString(),
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'https://sns.eu-west-2.amazonaws.com/local.pem',
          UnsubscribeUrl: 'https://sns.eu-west-2.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}
