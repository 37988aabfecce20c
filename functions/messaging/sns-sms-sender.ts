import type { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SmsSendError } from '#core/errors.ts';
import type { OutboundSms, SmsSender } from './sms-sender.ts';

export interface SnsSmsSettings {
  smsType: 'Transactional' | 'Promotional';
  originationNumber?: string;
  senderId?: string;
}

/**
 * Sends through SNS Publish to a phone number. The origination number is what makes replies come
 * back to the trust's two-way number; the sender ID is only for trusts that choose one-way texts.
 */
/**
 * The SDK's command class, handed in by whoever loaded the SDK: deps-from-env imports the SNS client only
 * when SNS is the adapter the environment selects, so this module names the SDK's types only.
 */
export interface SnsSdk {
  PublishCommand: typeof PublishCommand;
}

export class SnsSmsSender implements SmsSender {
  constructor(
    private readonly sns: SNSClient,
    private readonly settings: SnsSmsSettings,
    private readonly sdk: SnsSdk,
  ) {}

  async send(sms: OutboundSms): Promise<{ providerMessageId: string }> {
    const attributes: Record<string, { DataType: 'String'; StringValue: string }> = {
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: this.settings.smsType },
    };
    if (this.settings.originationNumber) {
      attributes['AWS.MM.SMS.OriginationNumber'] = {
        DataType: 'String',
        StringValue: this.settings.originationNumber,
      };
    }
    if (this.settings.senderId) {
      attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: this.settings.senderId };
    }
    try {
      const out = await this.sns.send(
        new this.sdk.PublishCommand({
          PhoneNumber: sms.to,
          Message: sms.body,
          MessageAttributes: attributes,
        }),
      );
      if (!out.MessageId) throw new Error('SNS returned no MessageId');
      return { providerMessageId: out.MessageId };
    } catch (err) {
      // The SDK's message can echo the phone number, so only the error name travels on.
      const name = (err as { name?: string }).name ?? 'Error';
      throw new SmsSendError(`SNS Publish failed: ${name}`, { cause: err });
    }
  }
}
