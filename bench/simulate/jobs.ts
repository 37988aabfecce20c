/**
 * How many simulated months `attend simulate` runs at once (`--jobs`), and the pool that runs them.
 */
import { availableParallelism } from 'node:os';
import { UsageError } from '#bin/usage.ts';
import { mapWithConcurrency } from '#core/concurrency.ts';

/**
 * Cores given to each month run side by side. A month keeps about 1.4 cores busy (its Node process and
 * its DynamoDB Local's JVM: 1.3-1.4 over the Kent-sized runs' loops, README), so two each; on a 2-core
 * machine the months run one after another.
 */
export const CORES_PER_MONTH = 2;

/**
 * `--jobs` when it is not given: one month for every two cores, at least one and no more than there are
 * scenarios. `cores` is the machine's (os.availableParallelism()) unless given.
 */
export function defaultJobs(scenarioCount: number, cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(scenarioCount, Math.floor(cores / CORES_PER_MONTH)));
}

/**
 * `--jobs` as given (`undefined` when absent: the default for this many scenarios and cores).
 * Throws an Error naming `--jobs` unless it is a positive integer written in digits.
 */
export function parseJobs(
  value: string | undefined,
  scenarioCount: number,
  cores: number = availableParallelism(),
): number {
  if (value === undefined) return defaultJobs(scenarioCount, cores);
  const jobs = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(Number.isSafeInteger(jobs) && jobs > 0))
    throw new UsageError(`--jobs must be a positive integer (months run at once), not "${value}"`);
  return jobs;
}

/**
 * Runs `run` over `items`, at most `limit` at once (mapWithConcurrency), and resolves with the results in
 * the order of `items`, whatever order they finish in.
 *
 * On the first failure (a rejection of `run`) it starts no more items and aborts `signal`, the one signal
 * every call of `run` is given, so the ones still running can stop; it settles once those have settled,
 * rejecting with that first failure (later ones, such as those of the runs it stopped, are dropped).
 */
export async function runWithLimit<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T, index: number, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const abort = new AbortController();
  let failure: { error: unknown } | undefined;
  const results = await mapWithConcurrency(items, limit, async (item, index) => {
    if (failure) return undefined;
    try {
      return await run(item, index, abort.signal);
    } catch (error) {
      if (!failure) {
        failure = { error };
        abort.abort(error);
      }
      return undefined;
    }
  });
  if (failure) throw failure.error;
  return results as R[];
}
