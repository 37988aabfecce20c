/**
 * Runs the EventBridge schedules against the virtual clock. Moving the clock forward runs every tick
 * that falls due on the way, in time order, each with the clock set to that tick — so a reminder is
 * sent at the time it would have been in AWS. A schedule may say when it next has work, so idle ticks
 * are skipped (a week ahead is thousands of 5-minute ticks, nearly all empty).
 *
 * Asking a schedule for its next work may cost queries. A schedule whose answer depends only on the
 * table may say so with `workVersion`: a number that changes whenever a write that could change the
 * answer has been seen (the runtime follows the index the schedule asks from the stream, in memory:
 * local/index-mirror.ts).
 * While it stands, the last answer is reused. So that every write made before a question is seen,
 * the scheduler follows the stream (`settle`) before it answers and before it moves the clock.
 */
import type { VirtualClock } from './virtual-clock.ts';

export interface LocalSchedule {
  name: string;
  everyMinutes: number;
  run: () => Promise<unknown>;
  /** The earliest instant (ISO) this schedule has work, or undefined for none. */
  nextWorkAt?: () => Promise<string | undefined>;
  /**
   * Changes whenever the answer of nextWorkAt may have changed, once the stream is followed: while it
   * stands, the last answer is reused. Omit it for an answer that depends on anything else (the clock).
   */
  workVersion?: () => number;
}

export class Scheduler {
  private readonly lastTick = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  /** The last answer of each schedule with a workVersion, and the version it was given at. */
  private readonly answers = new Map<string, { version: number; work: string | undefined }>();
  /**
   * Counts for whoever measures the loop (the simulator): ticks run, the wall-clock milliseconds each
   * schedule's ticks took (the run and the stream followed after it), and nextWorkAt asked or reused.
   */
  readonly stats = {
    ticks: {} as Record<string, number>,
    tickMs: {} as Record<string, number>,
    asked: 0,
    reused: 0,
  };

  constructor(
    private readonly clock: VirtualClock,
    private readonly schedules: readonly LocalSchedule[],
    /** Work to let settle after each tick (the stream poller), so callers see its effects. */
    private readonly settle: () => Promise<void> = async () => {},
    private readonly onError: (schedule: string, err: unknown) => void = () => {},
  ) {
    const now = clock.now().getTime();
    for (const s of schedules) this.lastTick.set(s.name, floorTo(now, s.everyMinutes));
  }

  /**
   * Moves the clock to `target`, running everything due on the way; calls are serialised. `settled`:
   * the caller has just asked nextWorkAt (which followed the stream) and written nothing since, so the
   * stream need not be followed again before the first tick.
   */
  advanceTo(target: Date | (() => Date), options: { settled?: boolean } = {}): Promise<{ ticks: number }> {
    // A function target is read when this call's turn comes, so a queued "catch up to now" never
    // rewinds a clock that an earlier call moved forward.
    const run = this.queue.then(() =>
      this.advance(typeof target === 'function' ? target() : target, options.settled ?? false),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** When the next tick with work is due (ms), or undefined if no schedule has work: a caller may jump there. */
  async nextWorkAt(): Promise<number | undefined> {
    if (this.schedules.some((s) => s.workVersion)) await this.settle();
    let best: number | undefined;
    for (const s of this.schedules) {
      const at = await this.nextTick(s);
      if (at !== undefined && (best === undefined || at < best)) best = at;
    }
    return best;
  }

  private async advance(target: Date, settled: boolean): Promise<{ ticks: number }> {
    const goal = target.getTime();
    let ticks = 0;
    if (goal < this.clock.now().getTime()) {
      this.clock.set(target);
      for (const s of this.schedules) this.lastTick.set(s.name, floorTo(goal, s.everyMinutes));
      return { ticks };
    }
    // Writes made since the last tick (an API call, a test's own) are seen before any cached answer is trusted.
    if (!settled && this.schedules.some((s) => s.workVersion)) await this.settle();
    for (;;) {
      let best: { schedule: LocalSchedule; at: number } | undefined;
      for (const s of this.schedules) {
        const at = await this.nextTick(s);
        if (at !== undefined && at <= goal && (!best || at < best.at)) best = { schedule: s, at };
      }
      if (!best) break;
      // Never back: a tick left behind (a catch-up on a flowing clock) runs at the clock's time, so a
      // request answered meanwhile never reads an earlier time than one answered before it.
      this.clock.set(new Date(Math.max(best.at, this.clock.now().getTime())));
      this.lastTick.set(best.schedule.name, best.at);
      this.stats.ticks[best.schedule.name] = (this.stats.ticks[best.schedule.name] ?? 0) + 1;
      const started = performance.now();
      try {
        await best.schedule.run();
      } catch (err) {
        // In AWS a failed invocation is retried by the scheduler and alarmed; here it is reported and the clock moves on.
        this.onError(best.schedule.name, err);
      }
      await this.settle();
      this.stats.tickMs[best.schedule.name] =
        (this.stats.tickMs[best.schedule.name] ?? 0) + (performance.now() - started);
      ticks++;
    }
    // Never back here either: on a flowing clock the catch-up itself takes real time (the stream followed,
    // the schedules asked, the ticks run), and a request answered meanwhile has read a later time than
    // `target`; setting the clock to `target` would give the next request an earlier time than that one.
    this.clock.set(new Date(Math.max(goal, this.clock.now().getTime())));
    return { ticks };
  }

  private async nextTick(s: LocalSchedule): Promise<number | undefined> {
    const step = s.everyMinutes * 60_000;
    const next = (this.lastTick.get(s.name) ?? 0) + step;
    if (!s.nextWorkAt) return next;
    const work = await this.workOf(s, s.nextWorkAt);
    if (work === undefined) return undefined;
    return Math.max(next, ceilTo(new Date(work).getTime(), s.everyMinutes));
  }

  private async workOf(
    s: LocalSchedule,
    ask: () => Promise<string | undefined>,
  ): Promise<string | undefined> {
    if (!s.workVersion) return ask();
    const version = s.workVersion();
    const known = this.answers.get(s.name);
    if (known && known.version === version) {
      this.stats.reused++;
      return known.work;
    }
    this.stats.asked++;
    const work = await ask();
    this.answers.set(s.name, { version, work });
    return work;
  }
}

function floorTo(ms: number, minutes: number): number {
  const step = minutes * 60_000;
  return Math.floor(ms / step) * step;
}

function ceilTo(ms: number, minutes: number): number {
  const step = minutes * 60_000;
  return Math.ceil(ms / step) * step;
}
