/** Virtual time for the send-rate bucket: nothing waits on the wall clock. */
import type { Timer } from '#core/send-rate.ts';

/**
 * A clock that moves only by hand or when a sleeper asks it to: a sleep moves it on to the instant the
 * sleeper waits for (never back), and resolves at once.
 */
export class VirtualTimer implements Timer {
  constructor(public t = 0) {}
  now = (): number => this.t;
  sleep = async (ms: number): Promise<void> => {
    this.t = Math.max(this.t, this.t + ms);
  };
  advance(ms: number): void {
    this.t += ms;
  }
}

/** The most segments sent in any one-second window [at, at + 1000) that starts at a send. */
export function busiestSecond(sends: readonly { at: number; parts: number }[]): number {
  const sorted = [...sends].sort((a, b) => a.at - b.at);
  let most = 0;
  let from = 0;
  let inWindow = 0;
  for (const send of sorted) {
    inWindow += send.parts;
    while ((sorted[from]?.at ?? 0) <= send.at - 1_000) inWindow -= sorted[from++]!.parts;
    most = Math.max(most, inWindow);
  }
  return most;
}
