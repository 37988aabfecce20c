/**
 * The one retry helper: every "try again" in Attend goes through here, so every retry is bounded and
 * waits a jittered, growing delay (p-retry's exponential backoff with `randomize`). Nothing calls itself
 * to retry, and nothing loops on an outcome without a limit.
 *
 * Callers say what is worth retrying (`retryIf`): a transaction DynamoDB cancelled as a conflict, a
 * condition that failed because someone else changed an item the caller is about to read again. Any
 * other error goes straight back. When the attempts run out, the last error goes back as it was, so the
 * caller's own error mapping (a 409, a batch failure) still applies.
 */
import pRetry from 'p-retry';

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
  try {
    return await pRetry(
      async (attempt) => {
        try {
          return await fn(attempt);
        } catch (err) {
          // p-retry never retries a TypeError or a thrown non-Error; `retryIf` decides here instead.
          throw err instanceof Error && !(err instanceof TypeError) ? err : new Carried(err);
        }
      },
      {
        retries: attempts - 1,
        factor: 2,
        minTimeout: options.minDelayMs ?? 25,
        maxTimeout: options.maxDelayMs ?? 1_000,
        randomize: true,
        shouldRetry: ({ error, attemptNumber }) => {
          const original = unwrap(error);
          if (!retryIf(original)) return false;
          options.onRetry?.(original, attemptNumber);
          return true;
        },
      },
    );
  } catch (err) {
    throw unwrap(err);
  }
}

/** Carries a non-Error (or a TypeError) through p-retry, and out again as it was thrown. */
class Carried extends Error {
  constructor(readonly original: unknown) {
    super('carried through p-retry');
  }
}

const unwrap = (err: unknown): unknown => (err instanceof Carried ? err.original : err);
