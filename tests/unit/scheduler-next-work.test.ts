/** The local scheduler says when its next tick with work is due, so the simulator can jump there. */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '#local/scheduler.ts';
import { VirtualClock } from '#local/virtual-clock.ts';

describe('Scheduler.nextWorkAt', () => {
  it('is the earliest tick with work, rounded up to the schedule; none when nothing has work', async () => {
    const clock = new VirtualClock(new Date('2026-10-05T08:00:00.000Z'), true);
    let sweepWork: string | undefined = '2026-10-05T09:02:00.000Z';
    const ran: string[] = [];
    const scheduler = new Scheduler(clock, [
      {
        name: 'sweep',
        everyMinutes: 5,
        run: async () => {
          ran.push(clock.now().toISOString());
          sweepWork = undefined;
        },
        nextWorkAt: async () => sweepWork,
      },
      { name: 'idle', everyMinutes: 1, run: async () => {}, nextWorkAt: async () => undefined },
    ]);
    const next = await scheduler.nextWorkAt();
    expect(new Date(next!).toISOString()).toBe('2026-10-05T09:05:00.000Z');
    await scheduler.advanceTo(new Date(next!));
    expect(ran).toEqual(['2026-10-05T09:05:00.000Z']);
    expect(await scheduler.nextWorkAt()).toBeUndefined();
  });

  it('reuses an answer while its workVersion stands, and follows the stream before trusting one', async () => {
    const clock = new VirtualClock(new Date('2026-10-05T08:00:00.000Z'), true);
    let work: string | undefined = '2026-10-05T09:00:00.000Z';
    // A stand-in for the stream: a write is "seen" (moves the version) only when the scheduler settles.
    let version = 0;
    let unseenWrites = 0;
    let asked = 0;
    const log: string[] = [];
    const scheduler = new Scheduler(
      clock,
      [
        {
          name: 'sweep',
          everyMinutes: 5,
          run: async () => {
            log.push(`ran at ${clock.now().toISOString()}`);
            work = undefined;
            unseenWrites++;
          },
          nextWorkAt: async () => {
            asked++;
            return work;
          },
          workVersion: () => version,
        },
      ],
      async () => {
        log.push('settled');
        version += unseenWrites;
        unseenWrites = 0;
      },
    );

    // The first question is asked; the same question with nothing written is answered from the last.
    expect(new Date((await scheduler.nextWorkAt())!).toISOString()).toBe('2026-10-05T09:00:00.000Z');
    expect(await scheduler.nextWorkAt()).toBe(Date.parse('2026-10-05T09:00:00.000Z'));
    expect(asked).toBe(1);
    expect(scheduler.stats).toMatchObject({ asked: 1, reused: 1 });

    // A change the version does not show is not asked about: the old answer holds (which is why only a
    // schedule whose answer depends on nothing but the counted writes may have a workVersion).
    work = '2026-10-05T08:30:00.000Z';
    expect(await scheduler.nextWorkAt()).toBe(Date.parse('2026-10-05T09:00:00.000Z'));
    // A write made before the question is seen by the settle that begins it: the schedule is asked again.
    unseenWrites++;
    expect(await scheduler.nextWorkAt()).toBe(Date.parse('2026-10-05T08:30:00.000Z'));
    expect(asked).toBe(2);

    // The tick runs at its time; its own write is seen by the settle after it, so it runs once.
    await scheduler.advanceTo(new Date('2026-10-05T10:00:00.000Z'));
    expect(log.filter((l) => l.startsWith('ran'))).toEqual(['ran at 2026-10-05T08:30:00.000Z']);
    expect(await scheduler.nextWorkAt()).toBeUndefined();
    // Every question and every move of the clock began by following the stream.
    expect(log.filter((l) => l === 'settled').length).toBeGreaterThanOrEqual(6);
    expect(scheduler.stats.ticks).toEqual({ sweep: 1 });
  });
});

describe('Scheduler.advanceTo', () => {
  it('with `settled`, skips following the stream before the first tick, but still after each tick', async () => {
    const clock = new VirtualClock(new Date('2026-10-05T08:00:00.000Z'), true);
    let work: string | undefined = '2026-10-05T08:30:00.000Z';
    const log: string[] = [];
    const scheduler = new Scheduler(
      clock,
      [
        {
          name: 'sweep',
          everyMinutes: 5,
          run: async () => {
            log.push('ran');
            work = undefined;
          },
          nextWorkAt: async () => work,
          workVersion: () => (work === undefined ? 1 : 0),
        },
      ],
      async () => {
        log.push('settled');
      },
    );

    await scheduler.nextWorkAt();
    log.length = 0;
    await scheduler.advanceTo(new Date('2026-10-05T09:00:00.000Z'), { settled: true });
    expect(log).toEqual(['ran', 'settled']);

    work = '2026-10-05T09:30:00.000Z';
    log.length = 0;
    await scheduler.advanceTo(new Date('2026-10-05T10:00:00.000Z'));
    expect(log).toEqual(['settled', 'ran', 'settled']);
  });

  it('never sets the clock back: a tick left behind runs at the clock’s time, not its own', async () => {
    // Prepare: a sweep whose last tick is an hour behind the clock (work appeared after a long idle
    // spell), and a clock that has moved on meanwhile (a flowing clock, here set by hand)
    const clock = new VirtualClock(new Date('2026-10-05T08:00:00.000Z'), true);
    let work: string | undefined;
    const seen: string[] = [];
    const scheduler = new Scheduler(clock, [
      {
        name: 'sweep',
        everyMinutes: 5,
        run: async () => {
          seen.push(clock.now().toISOString());
          work = undefined;
        },
        nextWorkAt: async () => work,
      },
    ]);
    clock.set(new Date('2026-10-05T09:01:00.000Z'));
    work = '2026-10-05T08:30:00.000Z';

    // Act: catch up to now
    await scheduler.advanceTo(new Date('2026-10-05T09:01:30.000Z'));

    // Assess: the overdue tick ran, at 09:01, not at 08:30
    expect(seen).toEqual(['2026-10-05T09:01:00.000Z']);
    expect(clock.now().toISOString()).toBe('2026-10-05T09:01:30.000Z');
  });
});

describe('Scheduler.advanceTo on a flowing clock', () => {
  it('never sets the clock back when the catch-up itself took time: a time read meanwhile stays the latest', async () => {
    // Prepare: a flowing clock on a hand-moved real time, and a sweep whose question (a query) takes
    // 300 ms of real time, as the runtime's once-a-second catch-up can under load
    let real = 1_000;
    const clock = new VirtualClock(new Date('2026-10-05T09:00:00.000Z'), false, () => real);
    const readMeanwhile: string[] = [];
    const scheduler = new Scheduler(clock, [
      {
        name: 'sweep',
        everyMinutes: 5,
        run: async () => {},
        nextWorkAt: async () => {
          real += 300;
          // A request answered meanwhile (an audit entry written) reads the clock
          readMeanwhile.push(clock.now().toISOString());
          return undefined;
        },
      },
    ]);

    // Act: the runtime's catch-up to now
    await scheduler.advanceTo(() => clock.now());

    // Assess: the clock went on flowing from the time read meanwhile, not back to where the catch-up began
    expect(readMeanwhile).toEqual(['2026-10-05T09:00:00.300Z']);
    expect(clock.now().toISOString()).toBe('2026-10-05T09:00:00.300Z');
    real += 10;
    expect(clock.now().toISOString()).toBe('2026-10-05T09:00:00.310Z');
  });

  it('runs each tick due on the way at its own time, and does not go back to the target after the last one took time', async () => {
    // Prepare: a flowing clock whose ticks each take 50 ms of real time
    let real = 0;
    const clock = new VirtualClock(new Date('2026-10-05T09:00:00.000Z'), false, () => real);
    const ran: string[] = [];
    const scheduler = new Scheduler(clock, [
      {
        name: 'sweep',
        everyMinutes: 5,
        run: async () => {
          ran.push(clock.now().toISOString());
          real += 50;
        },
      },
    ]);

    // Act: move ten minutes on (POST /dev/clock)
    await scheduler.advanceTo(new Date('2026-10-05T09:10:00.000Z'));

    // Assess
    expect(ran).toEqual(['2026-10-05T09:05:00.000Z', '2026-10-05T09:10:00.000Z']);
    expect(clock.now().toISOString()).toBe('2026-10-05T09:10:00.050Z');
  });
});
