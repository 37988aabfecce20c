/** The one retry helper: bounded, retries only what the caller says, gives back the last error as it was. */
import { describe, expect, it } from 'vitest';
import { withRetry } from '#core/retry.ts';

class Busy extends Error {}
class Broken extends Error {}

describe('withRetry', () => {
  it('tries again until the call succeeds', async () => {
    // Prepare
    const seen: number[] = [];

    // Act
    const result = await withRetry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new Busy('held');
        return 'done';
      },
      { attempts: 5, minDelayMs: 1, retryIf: (err) => err instanceof Busy },
    );

    // Assess
    expect(result).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('gives up after the last attempt and throws the last error as it was (the exhausted case)', async () => {
    // Prepare
    let calls = 0;
    const retried: number[] = [];

    // Act
    const err = await withRetry(
      async () => {
        calls++;
        throw new Busy(`attempt ${calls}`);
      },
      {
        attempts: 4,
        minDelayMs: 1,
        retryIf: (e) => e instanceof Busy,
        onRetry: (_e, attempt) => retried.push(attempt),
      },
    ).catch((e: unknown) => e);

    // Assess
    expect(calls).toBe(4);
    expect(retried).toEqual([1, 2, 3]);
    expect(err).toBeInstanceOf(Busy);
    expect((err as Error).message).toBe('attempt 4');
  });

  it('does not retry an error the caller does not name, nor a TypeError it does', async () => {
    let calls = 0;
    const broken = await withRetry(
      async () => {
        calls++;
        throw new Broken('no');
      },
      { attempts: 5, minDelayMs: 1, retryIf: (e) => e instanceof Busy },
    ).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(Broken);
    expect(calls).toBe(1);

    // p-retry alone never retries a TypeError; the caller's retryIf decides here.
    let typeCalls = 0;
    const typeError = await withRetry(
      async () => {
        typeCalls++;
        throw new TypeError('flaky');
      },
      { attempts: 3, minDelayMs: 1, retryIf: (e) => e instanceof TypeError },
    ).catch((e: unknown) => e);
    expect(typeError).toBeInstanceOf(TypeError);
    expect(typeCalls).toBe(3);
  });

  it('waits longer before each try, with jitter, up to maxDelayMs', async () => {
    // Prepare
    const at: number[] = [];

    // Act
    await withRetry(
      async () => {
        at.push(performance.now());
        throw new Busy('held');
      },
      { attempts: 4, minDelayMs: 10, maxDelayMs: 25 },
    ).catch(() => undefined);

    // Assess: at least 10 ms (10–20 with jitter), then 20–25 (capped), then 25 ms (timers may run late)
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps).toHaveLength(3);
    expect(gaps[0]).toBeGreaterThanOrEqual(9);
    expect(gaps[1]).toBeGreaterThanOrEqual(19);
    expect(gaps[2]).toBeGreaterThanOrEqual(24);
  });
});
