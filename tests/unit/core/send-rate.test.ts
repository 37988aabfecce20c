/** The send-rate bucket, in virtual time: no test waits on the wall clock. */
import { describe, expect, it } from 'vitest';
import { type Grant, SendRateLimiter } from '#core/send-rate.ts';
import { busiestSecond, VirtualTimer } from '#tests/support/virtual-timer.ts';

describe('SendRateLimiter', () => {
  it('lets a full second of segments go at once, then paces the rest one second behind', async () => {
    // Prepare
    const timer = new VirtualTimer(0);
    const bucket = new SendRateLimiter(10, timer);

    // Act: 25 one-part texts asked for together, as the sweep's concurrent sends do.
    const grants = await Promise.all(Array.from({ length: 25 }, () => bucket.take(1)));

    // Assess
    expect(grants.slice(0, 10).every((g) => g.at === 0 && g.waitedMs === 0)).toBe(true);
    expect(grants.slice(10, 20).every((g) => g.at === 1_000)).toBe(true);
    expect(grants.slice(20).every((g) => g.at === 2_000)).toBe(true);
    expect(busiestSecond(grants.map((g) => ({ at: g.at, parts: 1 })))).toBe(10);
  });

  it('counts segments, not texts: a 3-part text takes three tokens', async () => {
    // Prepare
    const timer = new VirtualTimer(0);
    const bucket = new SendRateLimiter(10, timer);

    // Act: 3 + 3 + 3 fit in one second; the next 3 parts do not.
    const grants = await Promise.all([3, 3, 3, 3].map((parts) => bucket.take(parts)));

    // Assess
    expect(grants.map((g) => g.at)).toEqual([0, 0, 0, 1_000]);
  });

  it('never lets more than the rate through in any one-second window, whatever the mix and timing', async () => {
    // Prepare: a seeded mix of 1- to 6-part texts arriving in bursts and lulls.
    const timer = new VirtualTimer(1_700_000_000_000);
    const bucket = new SendRateLimiter(10, timer);
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const granted: { at: number; parts: number }[] = [];

    // Act
    for (let burst = 0; burst < 40; burst++) {
      const sizes = Array.from({ length: 1 + Math.floor(random() * 12) }, () => 1 + Math.floor(random() * 6));
      const grants: Grant[] = await Promise.all(sizes.map((parts) => bucket.take(parts)));
      for (const [i, g] of grants.entries()) granted.push({ at: g.at, parts: sizes[i] ?? 0 });
      timer.advance(Math.floor(random() * 3_000));
    }

    // Assess
    expect(granted.length).toBeGreaterThan(100);
    expect(busiestSecond(granted)).toBeLessThanOrEqual(10);
    // Grants are first come, first served: never earlier than one asked before.
    for (let i = 1; i < granted.length; i++)
      expect(granted[i]!.at).toBeGreaterThanOrEqual(granted[i - 1]!.at);
  });

  it('gives tokens back one second after use, so after a lull a full second goes at once again', async () => {
    // Prepare
    const timer = new VirtualTimer(0);
    const bucket = new SendRateLimiter(5, timer);
    await Promise.all(Array.from({ length: 5 }, () => bucket.take(1)));

    // Act
    timer.advance(999);
    const tooSoon = await bucket.take(1);
    timer.advance(5_000);
    const later = await Promise.all(Array.from({ length: 5 }, () => bucket.take(1)));

    // Assess
    expect(tooSoon).toEqual({ at: 1_000, waitedMs: 1 });
    expect(later.every((g) => g.waitedMs === 0)).toBe(true);
  });

  it('lets a text longer than the bucket take the whole bucket rather than wait for ever', async () => {
    // Prepare
    const timer = new VirtualTimer(0);
    const bucket = new SendRateLimiter(2, timer);

    // Act
    const grants = await Promise.all([bucket.take(6), bucket.take(1)]);

    // Assess
    expect(grants.map((g) => g.at)).toEqual([0, 1_000]);
  });

  it('refuses a rate that is not a whole number of at least one', () => {
    expect(() => new SendRateLimiter(0)).toThrow(RangeError);
    expect(() => new SendRateLimiter(2.5)).toThrow(RangeError);
  });
});
