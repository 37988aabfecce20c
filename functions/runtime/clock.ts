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

/**
 * The time staff sessions' idle and absolute limits are measured in: always real time. In Lambda it is
 * the same as `clock`; locally, moving the virtual clock (for the schedules) must not sign anyone out,
 * so sessions keep to the system clock whatever `useClock` was given.
 */
let sessionSource: () => Date = () => new Date();

export const sessionClock = {
  now: (): Date => sessionSource(),
};

export function useSessionClock(now: () => Date): void {
  sessionSource = now;
}
