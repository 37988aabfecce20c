/** The port every outbound text goes through. Adapters: SNS (AWS) and the local outbox. */
export interface OutboundSms {
  /** E.164 phone number. */
  to: string;
  body: string;
  /**
   * The id of the Message this text will be recorded as (a UUID), when the sender knows it. End User
   * Messaging carries it in the text's `Context` and returns it in every status event of the text
   * (`context.attendMessageId`), so the delivery-status function finds the message without a look-up.
   */
  ref?: string;
}

export interface SmsSender {
  /** Hands one text to the provider; throws SmsSendError when it was not accepted. */
  send(sms: OutboundSms): Promise<{ providerMessageId: string }>;
}
