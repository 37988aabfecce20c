/**
 * The time source every handler reads. In Lambda it is the system clock; the local runtime swaps in
 * its virtual clock (POST /dev/clock) before loading any handler.
 */
let source: () => Date = () => new Date();

export const clock = {
  now: (): Date => source(),
};

export function useClock(now: () => Date): void {
  source = now;
}
