import type { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { MESSAGE_REF_CONTEXT_KEY } from '#core/delivery-status.ts';
import { SmsSendError } from '#core/errors.ts';
import type { OutboundSms, SmsSender } from './sms-sender.ts';

export interface EumSmsSettings {
  /** The two-way number or pool texts go from: its ARN, or the number in E.164. */
  originationIdentity: string;
  /** The configuration set whose event destination carries each text's delivery status to Attend. */
  configurationSetName: string;
  messageType: 'TRANSACTIONAL' | 'PROMOTIONAL';
  /**
   * How long the carrier may keep trying, in seconds: a reminder that arrives after its appointment
   * helps no one, and an expired text is reported (TTL_EXPIRED) rather than arriving late.
   * @default 86400 (24 hours)
   */
  timeToLiveSeconds?: number;
}

/**
 * Sends through AWS End User Messaging SMS (`SendTextMessage`) with a configuration set, so every text's
 * delivery status comes back through the set's SNS event destination (functions/delivery-status.ts).
 * The MessageId it returns is the id the status events and the replies' previousPublishedMessageId name.
 */
/**
 * The SDK's command class, handed in by whoever loaded the SDK: deps-from-env imports the End User
 * Messaging client only when it is the adapter the environment selects, so this module names its types only.
 */
export interface EumSdk {
  SendTextMessageCommand: typeof SendTextMessageCommand;
}

export class EumSmsSender implements SmsSender {
  constructor(
    private readonly client: PinpointSMSVoiceV2Client,
    private readonly settings: EumSmsSettings,
    private readonly sdk: EumSdk,
  ) {}

  async send(sms: OutboundSms): Promise<{ providerMessageId: string }> {
    try {
      const out = await this.client.send(
        new this.sdk.SendTextMessageCommand({
          DestinationPhoneNumber: sms.to,
          OriginationIdentity: this.settings.originationIdentity,
          MessageBody: sms.body,
          MessageType: this.settings.messageType,
          ConfigurationSetName: this.settings.configurationSetName,
          TimeToLive: this.settings.timeToLiveSeconds ?? 86_400,
          // Returned in each of the text's status events (core/delivery-status.ts): an id, nothing personal.
          ...(sms.ref ? { Context: { [MESSAGE_REF_CONTEXT_KEY]: sms.ref } } : {}),
        }),
      );
      if (!out.MessageId) throw new Error('End User Messaging returned no MessageId');
      return { providerMessageId: out.MessageId };
    } catch (err) {
      // The SDK's message can echo the phone number, so only the error name travels on.
      const name = (err as { name?: string }).name ?? 'Error';
      throw new SmsSendError(`SendTextMessage failed: ${name}`, { cause: err });
    }
  }
}
