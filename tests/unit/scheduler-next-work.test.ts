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
});
