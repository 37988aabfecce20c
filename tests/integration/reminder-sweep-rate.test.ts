/**
 * The sweep at the number's rate (DynamoDB Local, the send rate in virtual time): a peak of due
 * reminders goes out at no more than sender.messagesPerSecond segments in any second, a throttled text
 * is sent again without loss or doubling, and a run short of time leaves the rest for the next sweep.
 */
import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '#core/concurrency.ts';
import { SmsSendError } from '#core/errors.ts';
import { SendRateLimiter } from '#core/send-rate.ts';
import { RateLimitedSmsSender, type SentAtRate } from '#messaging/rate-limited-sms-sender.ts';
import type { OutboundSms, SmsSender } from '#messaging/sms-sender.ts';
import { guardSms } from '#services/consent.ts';
import { runReminderSweep, STOP_MARGIN_MS } from '#services/reminders.ts';
import { createBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { aBookingFor, aClient, aClinic, aSlotFor, aTier } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { busiestSecond, VirtualTimer } from '#tests/support/virtual-timer.ts';
import { scanEntity, seed } from './helpers.ts';

const DUE = '2026-12-03T10:00:00.000Z';

/** `count` bookings, one client each, whose 7-day tier is due at 10:00 on 3 December. */
async function peakOf(store: StoreContext, count: number): Promise<void> {
  const clinic = aClinic();
  const clients = Array.from({ length: count }, () => aClient());
  const slots = clients.map(() => aSlotFor(clinic, { startsAt: '2026-12-10T14:00:00.000Z' }));
  await seed(store, { clinic, clients, slots });
  const tiers = { '7d': aTier({ dueAt: DUE }) };
  const bookings = slots.map((slot, i) =>
    aBookingFor(slot, clients[i] ?? aClient(), { bookedAt: '2026-11-20T09:00:00.000Z', tiers }),
  );
  await mapWithConcurrency(bookings, 4, (booking) => createBooking(store, booking));
}

/** A provider in front of the outbox that throttles the calls it is told to. */
class Throttling implements SmsSender {
  calls = 0;
  constructor(
    private readonly inner: SmsSender,
    private readonly throttles: (call: number) => boolean,
  ) {}
  async send(sms: OutboundSms): Promise<{ providerMessageId: string }> {
    this.calls++;
    if (this.throttles(this.calls)) {
      throw new SmsSendError('SNS Publish failed: ThrottledException', {
        cause: Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }),
      });
    }
    return this.inner.send(sms);
  }
}

/** Test deps whose texts go through the send-rate bucket in virtual time, as depsFromEnv wires them. */
function ratedDeps(
  store: StoreContext,
  perSecond: number,
  throttles: (call: number) => boolean = () => false,
): { deps: TestDeps; sent: SentAtRate[]; provider: Throttling; timer: VirtualTimer } {
  const deps = testDeps(store, '2026-12-03T10:00:00.000Z');
  const timer = new VirtualTimer(Date.parse(DUE));
  const sent: SentAtRate[] = [];
  const provider = new Throttling(deps.outbox, throttles);
  const rated = new RateLimitedSmsSender(provider, new SendRateLimiter(perSecond, timer), {
    retryDelayMs: 1,
    onSent: (s) => sent.push(s),
  });
  return {
    deps: { ...deps, sms: guardSms(rated, { store, phoneHash: deps.phoneHash }) },
    sent,
    provider,
    timer,
  };
}

describe('the reminder sweep at the number’s rate', () => {
  it('sends a peak of 100 due reminders at no more than 10 segments in any second', async () => {
    // Prepare
    const store = await freshTable();
    await peakOf(store, 100);
    const { deps, sent, timer } = ratedDeps(store, 10);

    // Act
    const report = await runReminderSweep(deps);

    // Assess: every reminder went, once, and the busiest second held 10 segments.
    expect(report).toMatchObject({ due: 100, sent: 100, failed: 0, leftForNext: 0 });
    expect(deps.outbox.entries).toHaveLength(100);
    expect(new Set(deps.outbox.entries.map((e) => e.to)).size).toBe(100);
    const segments = sent.reduce((sum, s) => sum + s.segments, 0);
    expect(busiestSecond(sent.map((s) => ({ at: s.at, parts: s.segments })))).toBe(10);
    // And no slower than the rate allows: the last segment went in the second it had to.
    expect(timer.now() - Date.parse(DUE)).toBe((Math.ceil(segments / 10) - 1) * 1_000);
  }, 120_000);

  it('sends a throttled reminder again: none lost, none doubled', async () => {
    // Prepare: the provider throttles every fourth call.
    const store = await freshTable();
    await peakOf(store, 40);
    const { deps, sent, provider } = ratedDeps(store, 10, (call) => call % 4 === 0);

    // Act
    const report = await runReminderSweep(deps);

    // Assess
    expect(report).toMatchObject({ due: 40, sent: 40, failed: 0 });
    expect(provider.calls).toBeGreaterThan(40);
    expect(deps.outbox.entries.map((e) => e.to).sort()).toEqual(
      [...new Set(deps.outbox.entries.map((e) => e.to))].sort(),
    );
    expect(deps.outbox.entries).toHaveLength(40);
    expect(busiestSecond(sent.map((s) => ({ at: s.at, parts: s.segments })))).toBeLessThanOrEqual(10);
    const messages = await scanEntity(store, 'Message');
    expect(messages).toHaveLength(40);
  }, 60_000);

  it('leaves what it cannot send in its time to the next sweep, which sends it once', async () => {
    // Prepare: the run has time for the first 25 bookings it looks at, then its time is nearly up.
    const store = await freshTable();
    await peakOf(store, 60);
    const { deps } = ratedDeps(store, 10);
    let asked = 0;
    const remainingMs = (): number => (asked++ < 25 ? 60_000 : STOP_MARGIN_MS - 1);

    // Act
    const first = await runReminderSweep(deps, { remainingMs });
    const second = await runReminderSweep(deps, { remainingMs: () => 300_000 });

    // Assess
    expect(first.sent).toBeGreaterThan(0);
    expect(first.sent).toBeLessThan(60);
    expect(first.outOfTime).toBe(true);
    expect(first.sent + second.sent).toBe(60);
    expect(second).toMatchObject({ leftForNext: 0, outOfTime: false });
    expect(deps.outbox.entries).toHaveLength(60);
    expect(new Set(deps.outbox.entries.map((e) => e.to)).size).toBe(60);
  }, 60_000);
});
