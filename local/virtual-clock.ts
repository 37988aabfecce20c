/**
 * The local runtime's clock. It flows with real time from wherever it was last set (so `npm start`
 * behaves like the real thing), or stays frozen until set (for tests). Setting it never moves
 * schedules by itself: the scheduler does that.
 */
export class VirtualClock {
  private base: number;
  private setAtReal: number;

  constructor(
    start: Date,
    private readonly frozen: boolean,
    private readonly realNow: () => number = Date.now,
  ) {
    this.base = start.getTime();
    this.setAtReal = realNow();
  }

  now(): Date {
    return new Date(this.frozen ? this.base : this.base + (this.realNow() - this.setAtReal));
  }

  set(to: Date): void {
    this.base = to.getTime();
    this.setAtReal = this.realNow();
  }
}
