/**
 * Paces every text to the number's rate (core/send-rate.ts), counting its segments, and sends again a
 * text the provider refused as throttled. Only a throttle is retried here: the provider said plainly it
 * did not take the text, so sending again cannot double it. Any other failure (a timeout may hide a
 * text that did go) goes back to the caller, whose own retry is idempotent (the sweep's tier claims).
 */
import { withRetry } from '#core/retry.ts';
import type { Grant, SendRateLimiter } from '#core/send-rate.ts';
import { analyseSms } from '#core/sms-segments.ts';
import type { OutboundSms, SmsSender } from './sms-sender.ts';

/** Error names AWS gives a request refused for its rate (SNS, End User Messaging, the SDK itself). */
const THROTTLE_NAMES = new Set([
  'ThrottledException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);

/** Whether an error (or any error it wraps, as SmsSendError wraps the SDK's) is a throttle. */
export function isThrottled(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, $metadata } = e as { name?: string; $metadata?: { httpStatusCode?: number } };
    if ((name && THROTTLE_NAMES.has(name)) || $metadata?.httpStatusCode === 429) return true;
  }
  return false;
}

export interface SentAtRate extends Grant {
  segments: number;
  /** 1 unless the provider throttled earlier tries. */
  attempt: number;
}

export interface RateLimitedOptions {
  /** Tries in all for a throttled text (default 4). */
  attempts?: number;
  /** The first wait before trying a throttled text again (default 100 ms; it grows to 2 s). */
  retryDelayMs?: number;
  /** Told of each text handed to the provider, with the instant its segments were granted. */
  onSent?: (sent: SentAtRate) => void;
}

export class RateLimitedSmsSender implements SmsSender {
  constructor(
    private readonly inner: SmsSender,
    readonly limiter: SendRateLimiter,
    private readonly options: RateLimitedOptions = {},
  ) {}

  async send(sms: OutboundSms): Promise<{ providerMessageId: string }> {
    const { segments } = analyseSms(sms.body);
    return withRetry(
      async (attempt) => {
        // A throttled try spent its segments at the carrier too, so each try takes them again.
        const grant = await this.limiter.take(segments);
        const out = await this.inner.send(sms);
        this.options.onSent?.({ ...grant, segments, attempt });
        return out;
      },
      {
        attempts: this.options.attempts ?? 4,
        minDelayMs: this.options.retryDelayMs ?? 100,
        maxDelayMs: 2_000,
        retryIf: isThrottled,
      },
    );
  }
}
