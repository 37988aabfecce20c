/**
 * The pace texts go out at: a carrier takes so many message parts (segments) a second from one number
 * (a UK long code about 10), and throttles or drops beyond it. Every text waits here for its segments.
 *
 * A bucket of `perSecond` tokens; a segment sent takes one, and each token comes back one second after
 * it was taken. So no one-second window ever holds more than `perSecond` segments, after an idle spell
 * too (a bucket refilled continuously would let a full bucket plus a second's refill through in the
 * first second: twice the rate). Tokens are handed out in the order asked, so many sends in flight at
 * once (the sweep's concurrency) share one bucket fairly, and a 6-part text is not starved by 1-part
 * ones.
 *
 * Time is injected (`Timer`), so tests and the simulator run it in virtual time. Libraries such as
 * `limiter` or `p-throttle` read Date.now and setTimeout themselves, which a virtual clock cannot drive
 * without faking the timers the AWS SDK's own I/O needs.
 */

/** Where the bucket reads the time and waits. */
export interface Timer {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves once `ms` have passed on this timer's clock. */
  sleep(ms: number): Promise<void>;
}

/** The wall clock, for Lambda and the local runtime. */
export const realTimer: Timer = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What one `take` was given: the instant its segments may go, and how long it waited for it. */
export interface Grant {
  at: number;
  waitedMs: number;
}

const WINDOW_MS = 1_000;

export class SendRateLimiter {
  /** Segments handed out in the last second (and any reserved ahead), oldest first. */
  private readonly spent: { at: number; parts: number }[] = [];
  private inWindow = 0;
  /** The latest instant handed out: grants never go back in time, so they are first come first served. */
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    /** Segments a second (at least 1). */
    readonly perSecond: number,
    private readonly timer: Timer = realTimer,
  ) {
    if (!Number.isInteger(perSecond) || perSecond < 1) {
      throw new RangeError(`perSecond must be a whole number of at least 1, not ${perSecond}`);
    }
  }

  /**
   * Reserves `segments` (a text longer than the whole bucket takes the whole bucket) and resolves when
   * they may be sent. The reservation is made before the first await, so concurrent callers are
   * served in the order they called.
   */
  async take(segments: number): Promise<Grant> {
    const parts = Math.min(this.perSecond, Math.max(1, Math.ceil(segments)));
    const now = this.timer.now();
    let at = Math.max(now, this.last);
    while (this.spent.length > 0) {
      const oldest = this.spent[0]!;
      const returned = oldest.at + WINDOW_MS <= at;
      if (!returned && this.inWindow + parts <= this.perSecond) break;
      // Either its tokens are back already, or this grant must wait until they are.
      this.spent.shift();
      this.inWindow -= oldest.parts;
      at = Math.max(at, oldest.at + WINDOW_MS);
    }
    this.spent.push({ at, parts });
    this.inWindow += parts;
    this.last = at;
    const waitedMs = at - now;
    if (waitedMs > 0) await this.timer.sleep(waitedMs);
    return { at, waitedMs };
  }
}

/** How long `segments` take to go out at `perSecond` from an idle start, in seconds. */
export function drainSeconds(segments: number, perSecond: number): number {
  return Math.max(0, Math.ceil(segments / perSecond) - 1);
}
