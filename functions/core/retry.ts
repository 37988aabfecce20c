/**
 * The one retry helper: every "try again" in Attend goes through here, so every retry is bounded and
 * waits a jittered, growing delay (exponential backoff: the first wait `minDelayMs` times a random
 * factor of 1–2, doubling each time, never more than `maxDelayMs`). Nothing calls itself to retry, and
 * nothing loops on an outcome without a limit.
 *
 * Callers say what is worth retrying (`retryIf`): a transaction DynamoDB cancelled as a conflict, a
 * condition that failed because someone else changed an item the caller is about to read again. Any
 * other error goes straight back. When the attempts run out, the last error goes back as it was, so the
 * caller's own error mapping (a 409, a batch failure) still applies.
 *
 * It is a plain loop rather than p-retry (which it used to wrap, with the same delays) so that the
 * event-path bundles do not carry p-retry and is-network-error (3.7 KB minified) for a dozen lines.
 */

export interface RetryOptions {
  /** How many times to call `fn` in all, the first call included (at least 1). */
  attempts: number;
  /** The wait before the second call; it doubles each time, times a random factor of 1–2. */
  minDelayMs?: number;
  /** The longest wait between two calls. */
  maxDelayMs?: number;
  /** Whether an error is worth another try; by default every error is. */
  retryIf?: (err: unknown) => boolean;
  /** Told of each failed attempt that will be retried (for a log line). */
  onRetry?: (err: unknown, attempt: number) => void;
}

/** Calls `fn` (with the attempt number, from 1) until it resolves, or the attempts run out. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = Math.max(1, Math.floor(options.attempts));
  const retryIf = options.retryIf ?? (() => true);
  const minDelayMs = options.minDelayMs ?? 25;
  const maxDelayMs = options.maxDelayMs ?? 1_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || !retryIf(err)) throw err;
      options.onRetry?.(err, attempt);
      const delay = Math.min(Math.round((Math.random() + 1) * minDelayMs * 2 ** (attempt - 1)), maxDelayMs);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
