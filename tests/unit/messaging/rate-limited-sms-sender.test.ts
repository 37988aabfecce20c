/** Every text waits for its segments; a throttled text is sent again, any other failure is not. */
import { describe, expect, it } from 'vitest';
import { SmsSendError } from '#core/errors.ts';
import { SendRateLimiter } from '#core/send-rate.ts';
import { isThrottled, RateLimitedSmsSender, type SentAtRate } from '#messaging/rate-limited-sms-sender.ts';
import type { OutboundSms, SmsSender } from '#messaging/sms-sender.ts';
import { VirtualTimer } from '#tests/support/virtual-timer.ts';

const throttle = (): Error =>
  new SmsSendError('SNS Publish failed: ThrottledException', {
    cause: Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }),
  });

/** A provider that records what it took and fails the calls it is told to. */
class FakeProvider implements SmsSender {
  readonly taken: OutboundSms[] = [];
  calls = 0;
  constructor(private readonly failWith: (call: number) => Error | undefined = () => undefined) {}
  async send(sms: OutboundSms): Promise<{ providerMessageId: string }> {
    this.calls++;
    const err = this.failWith(this.calls);
    if (err) throw err;
    this.taken.push(sms);
    return { providerMessageId: `m${this.calls}` };
  }
}

const oneSegment = 'Reminder: appointment on Tuesday at 10:00.';
const threeSegments = 'x'.repeat(400);

describe('RateLimitedSmsSender', () => {
  it('paces texts by their segments at the configured rate', async () => {
    // Prepare
    const timer = new VirtualTimer(0);
    const sent: SentAtRate[] = [];
    const provider = new FakeProvider();
    const sender = new RateLimitedSmsSender(provider, new SendRateLimiter(10, timer), {
      onSent: (s) => sent.push(s),
    });

    // Act: four 3-part texts and two 1-part texts, all at once.
    await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => sender.send({ to: `+4477009000${i}0`, body: threeSegments })),
      sender.send({ to: '+447700900050', body: oneSegment }),
      sender.send({ to: '+447700900060', body: oneSegment }),
    ]);

    // Assess: 3 + 3 + 3 at once; the fourth 3-part text and the 1-part ones a second later.
    const byInstant = sent.map((s) => `${s.at} ms: ${s.segments} parts`).sort();
    expect(byInstant).toEqual([
      '0 ms: 3 parts',
      '0 ms: 3 parts',
      '0 ms: 3 parts',
      '1000 ms: 1 parts',
      '1000 ms: 1 parts',
      '1000 ms: 3 parts',
    ]);
    expect(provider.taken).toHaveLength(6);
  });

  it('sends a throttled text again, once it is taken', async () => {
    // Prepare: the provider throttles the first two tries.
    const timer = new VirtualTimer(0);
    const sent: SentAtRate[] = [];
    const provider = new FakeProvider((call) => (call <= 2 ? throttle() : undefined));
    const sender = new RateLimitedSmsSender(provider, new SendRateLimiter(10, timer), {
      retryDelayMs: 1,
      onSent: (s) => sent.push(s),
    });

    // Act
    const out = await sender.send({ to: '+447700900001', body: oneSegment });

    // Assess: one text taken, on the third try; not lost, not doubled.
    expect(out.providerMessageId).toBe('m3');
    expect(provider.taken).toHaveLength(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.attempt).toBe(3);
  });

  it('gives the throttle back after the last try, so the caller can retry later', async () => {
    // Prepare
    const provider = new FakeProvider(() => throttle());
    const sender = new RateLimitedSmsSender(provider, new SendRateLimiter(10, new VirtualTimer(0)), {
      attempts: 3,
      retryDelayMs: 1,
    });

    // Act
    const err = await sender.send({ to: '+447700900001', body: oneSegment }).catch((e: unknown) => e);

    // Assess
    expect(err).toBeInstanceOf(SmsSendError);
    expect(provider.calls).toBe(3);
    expect(provider.taken).toHaveLength(0);
  });

  it('does not send again after a failure that may hide a text that went (a timeout)', async () => {
    // Prepare
    const timeout = new SmsSendError('SNS Publish failed: TimeoutError', {
      cause: Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
    });
    const provider = new FakeProvider((call) => (call === 1 ? timeout : undefined));
    const sender = new RateLimitedSmsSender(provider, new SendRateLimiter(10, new VirtualTimer(0)), {
      retryDelayMs: 1,
    });

    // Act
    const err = await sender.send({ to: '+447700900001', body: oneSegment }).catch((e: unknown) => e);

    // Assess
    expect(err).toBe(timeout);
    expect(provider.calls).toBe(1);
  });
});

describe('isThrottled', () => {
  it('knows AWS throttles by name or by HTTP 429, also when wrapped', () => {
    expect(isThrottled(throttle())).toBe(true);
    expect(isThrottled(Object.assign(new Error('x'), { name: 'ThrottlingException' }))).toBe(true);
    expect(isThrottled(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 429 } }))).toBe(true);
    expect(isThrottled(new Error('InvalidParameter'))).toBe(false);
    expect(isThrottled(undefined)).toBe(false);
  });
});
