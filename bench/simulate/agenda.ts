/**
 * What families and staff will do, and when: a priority queue by virtual time (ties in the order they
 * were added), drained by the engine as the clock reaches each item.
 */
import type { Purpose } from './phrases.ts';

export type Action =
  /** Staff book a planned appointment through the API. */
  | { kind: 'book'; planId: string }
  /** A family texts the trust's number. */
  | { kind: 'text'; phone: string; purpose: Purpose; body: string; stateKey?: string }
  /** A family phones and staff cancel the booking through the API (no text: they are on the phone). */
  | { kind: 'phone-cancel'; stateKey: string; rebook: boolean }
  /** Staff record the outcomes of one clinic's day. */
  | { kind: 'outcomes'; clinicId: string; day: string }
  /** Staff read the inbox and mark it handled, phoning families who asked to rebook. */
  | { kind: 'inbox' }
  /** Staff phone a family who asked to rebook and book them into a free slot. */
  | { kind: 'staff-rebook'; clientId: string; type: string; clinicId: string };

interface Entry {
  at: number;
  seq: number;
  action: Action;
}

export class Agenda {
  private readonly heap: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  add(at: number, action: Action): void {
    this.heap.push({ at, seq: this.seq++, action });
    this.up(this.heap.length - 1);
  }

  peek(): number | undefined {
    return this.heap[0]?.at;
  }

  /** Every action due at or before `at`, with its time, in time order. */
  takeTimedUntil(at: number): { at: number; action: Action }[] {
    const out: { at: number; action: Action }[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= at) {
      const entry = this.pop()!;
      out.push({ at: entry.at, action: entry.action });
    }
    return out;
  }

  /** Every action due at or before `at`, in time order. */
  takeUntil(at: number): Action[] {
    const out: Action[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= at) out.push(this.pop()!.action);
    return out;
  }

  private pop(): Entry | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (this.heap.length > 0 && last) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    [this.heap[a], this.heap[b]] = [this.heap[b]!, this.heap[a]!];
  }

  private up(i: number): void {
    for (let c = i; c > 0; ) {
      const p = (c - 1) >> 1;
      if (!this.less(c, p)) return;
      this.swap(c, p);
      c = p;
    }
  }

  private down(i: number): void {
    for (let p = i; ; ) {
      const l = 2 * p + 1;
      const r = l + 1;
      let m = p;
      if (l < this.heap.length && this.less(l, m)) m = l;
      if (r < this.heap.length && this.less(r, m)) m = r;
      if (m === p) return;
      this.swap(p, m);
      p = m;
    }
  }
}
