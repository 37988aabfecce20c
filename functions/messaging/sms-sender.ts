/** The port every outbound text goes through. Adapters: SNS (AWS) and the local outbox. */
export interface OutboundSms {
  /** E.164 phone number. */
  to: string;
  body: string;
}

export interface SmsSender {
  /** Hands one text to the provider; throws SmsSendError when it was not accepted. */
  send(sms: OutboundSms): Promise<{ providerMessageId: string }>;
}
