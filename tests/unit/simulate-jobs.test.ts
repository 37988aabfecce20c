/**
 * `attend simulate --jobs`: the pool that runs the scenario months side by side keeps the order of the
 * scenarios, never runs more than its limit, and after a failure starts nothing more, stops the rest and
 * fails with the first error; `--jobs` defaults to one month for every two cores.
 */
import { describe, expect, it } from 'vitest';
import { defaultJobs, parseJobs, runWithLimit } from '#bench/simulate/jobs.ts';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Lets every settled promise's continuations run (a turn of the event loop, not a timed wait). */
const settle = () => new Promise<void>((done) => setImmediate(done));

/** A pool over `items` whose runs wait until the test settles them, recording what is in flight. */
function controlledPool(items: string[], limit: number) {
  const started: string[] = [];
  const pending = new Map<string, Deferred<string>>();
  const signals = new Map<string, AbortSignal>();
  let inFlight = 0;
  let mostInFlight = 0;
  const result = runWithLimit(items, limit, async (item, index, signal) => {
    expect(items[index]).toBe(item);
    started.push(item);
    signals.set(item, signal);
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    const d = deferred<string>();
    pending.set(item, d);
    try {
      return await d.promise;
    } finally {
      inFlight -= 1;
    }
  });
  let outcome: { value: string[] } | { error: unknown } | undefined;
  result.then(
    (value) => {
      outcome = { value };
    },
    (error: unknown) => {
      outcome = { error };
    },
  );
  return {
    started,
    pending,
    signals,
    inFlight: () => inFlight,
    mostInFlight: () => mostInFlight,
    outcome: () => outcome,
  };
}

describe('runWithLimit', () => {
  it('resolves with the results in the order of the items, whatever order they finish in', async () => {
    // Prepare
    const pool = controlledPool(['a', 'b', 'c'], 3);
    await settle();

    // Act: the last finishes first
    for (const item of ['c', 'a', 'b']) {
      pool.pending.get(item)!.resolve(`${item}!`);
      await settle();
    }

    // Assess
    expect(pool.outcome()).toEqual({ value: ['a!', 'b!', 'c!'] });
  });

  it('runs at most `limit` at once, and starts the next as soon as one finishes', async () => {
    // Prepare
    const items = ['a', 'b', 'c', 'd', 'e'];
    const pool = controlledPool(items, 2);
    await settle();
    expect(pool.started).toEqual(['a', 'b']);

    // Act: finish one at a time, the second of those in flight first
    const finished: string[] = [];
    while (finished.length < items.length) {
      expect(pool.inFlight()).toBe(Math.min(2, items.length - finished.length));
      const inFlight = pool.started.filter((s) => !finished.includes(s));
      const next = inFlight.at(-1)!;
      pool.pending.get(next)!.resolve(next);
      finished.push(next);
      await settle();
    }

    // Assess
    expect(pool.mostInFlight()).toBe(2);
    expect(pool.started).toEqual(items);
    expect(pool.outcome()).toEqual({ value: items });
  });

  it('after a failure starts nothing more, aborts the runs in flight, waits for them and rejects with the first error', async () => {
    // Prepare
    const pool = controlledPool(['a', 'b', 'c', 'd'], 2);
    await settle();
    const failure = new Error('b failed');

    // Act
    pool.pending.get('b')!.reject(failure);
    await settle();

    // Assess: a is told to stop and the pool waits for it; c and d never start
    expect(pool.signals.get('a')!.aborted).toBe(true);
    expect(pool.signals.get('a')!.reason).toBe(failure);
    expect(pool.outcome()).toBeUndefined();
    expect(pool.started).toEqual(['a', 'b']);

    // Act: a stops, with an error of its own
    pool.pending.get('a')!.reject(new Error('a stopped'));
    await settle();

    // Assess
    expect(pool.started).toEqual(['a', 'b']);
    expect(pool.outcome()).toEqual({ error: failure });
  });

  it('resolves with nothing for no items', async () => {
    expect(await runWithLimit([], 2, async () => 1)).toEqual([]);
  });
});

describe('--jobs', () => {
  it('defaults to one month for every two cores, at least one and at most one per scenario', () => {
    expect(defaultJobs(4, 1)).toBe(1);
    expect(defaultJobs(4, 2)).toBe(1);
    expect(defaultJobs(4, 3)).toBe(1);
    expect(defaultJobs(4, 4)).toBe(2);
    expect(defaultJobs(4, 7)).toBe(3);
    expect(defaultJobs(4, 8)).toBe(4);
    expect(defaultJobs(4, 64)).toBe(4);
    expect(defaultJobs(2, 16)).toBe(2);
    expect(defaultJobs(1, 16)).toBe(1);
  });

  it('takes the default when absent, and a positive integer as given', () => {
    expect(parseJobs(undefined, 4, 2)).toBe(1);
    expect(parseJobs(undefined, 4, 8)).toBe(4);
    expect(parseJobs('3', 4, 2)).toBe(3);
    expect(parseJobs('8', 4, 2)).toBe(8);
  });

  it.each(['0', '-1', '1.5', 'two', '', '1e2', '0x2'])('refuses "%s", naming --jobs', (value) => {
    expect(() => parseJobs(value, 4, 2)).toThrow(
      `--jobs must be a positive integer (months run at once), not "${value}"`,
    );
  });
});
