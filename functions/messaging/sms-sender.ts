import type { Consent } from '#core/consent.ts';

/**
 * What one read of a number's consent found, and when. Only services/consent.ts makes them, when it
 * reads consent, and it keeps a list of the ones it made: the guard takes no other (an object built
 * anywhere else, however it looks, is not one). Declared here so that a text can carry one.
 */
export interface ConsentReading {
  /** The number read (E.164). */
  readonly phone: string;
  /** The number's opt-out as read, or undefined: it was opted in. */
  readonly consent: Consent | undefined;
  /**
   * When it was read, in ms on the process's monotonic clock (`performance.now()`), taken just before
   * the read was sent. Not the services' clock (`deps.now()`), which the local runtime moves by days.
   */
  readonly readAtMs: number;
}

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
  /**
   * For the consent guard only: the caller's own reading of `to`'s consent, when it read it just
   * before sending (to record why nothing went). The guard (GuardedSmsSender in services/consent.ts)
   * skips its own read when this is a genuine reading of exactly `to`, says opted in and is at most
   * CONSENT_READING_FRESH_MS (1 s) old; otherwise it reads as before. The guard takes it off the text
   * before the provider sees it, so no adapter is ever given one.
   */
  consentRead?: ConsentReading;
}

export interface SmsSender {
  /** Hands one text to the provider; throws SmsSendError when it was not accepted. */
  send(sms: OutboundSms): Promise<{ providerMessageId: string }>;
}
