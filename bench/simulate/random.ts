/**
 * Deterministic randomness. A draw is keyed by what it decides ("booking 123, text 2, cancel?"), not by
 * the order draws happen in, so the four runs share their random numbers: a family who would forget in
 * one run would forget in all of them, and the runs differ only by what Attend does (common random
 * numbers, which keep the comparison between runs from drowning in chance).
 */

/** FNV-1a over the key's parts, then a 32-bit mix: a well-spread seed from any strings. */
export function hashKey(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x7c;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One uniform draw in [0, 1) for this key. */
export function draw(...parts: readonly (string | number)[]): number {
  return hashKey(...parts) / 4_294_967_296;
}

/** A stream of draws (mulberry32), for generating the population in order. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** A key of `weights`, with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    return weightedPick(weights, this.next());
  }
}

/** The key of `weights` that the uniform draw `u` falls on. */
export function weightedPick<K extends string>(weights: Readonly<Record<K, number>>, u: number): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let at = u * total;
  for (const [key, w] of entries) {
    at -= w;
    if (at < 0) return key;
  }
  return entries.at(-1)![0];
}

/**
 * Minutes until a reply, log-normal around a median (most reply within the hour, a few much later),
 * from a uniform draw `u`.
 */
export function replyDelayMinutes(median: number, u: number, spread = 1.1): number {
  const z = inverseNormal(Math.min(Math.max(u, 1e-6), 1 - 1e-6));
  return Math.max(1, Math.round(median * Math.exp(spread * z)));
}

/** Acklam's rational approximation of the standard normal quantile (relative error under 1.2e-9). */
function inverseNormal(p: number): number {
  const a = [
    -39.6968302866538, 220.946098424521, -275.928510446969, 138.357751867269, -30.6647980661472,
    2.50662827745924,
  ];
  const b = [-54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857];
  const c = [
    -0.00778489400243029, -0.322396458041136, -2.40075827716184, -2.54973253934373, 4.37466414146497,
    2.93816398269878,
  ];
  const d = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
  const low = 0.02425;
  const poly = (coef: number[], x: number) => coef.reduce((acc, k) => acc * x + k, 0);
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}
