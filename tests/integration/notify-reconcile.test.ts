/**
 * Settling GOV.UK Notify letters whose send was never settled, against a real table (DynamoDB Local)
 * and the official notifications-node-client talking to a stand-in for Notify on a local port
 * (tests/support/fake-notify.ts): a letter left SENDING (the run stopped after its claim) or FAILED with
 * its answer lost is looked up in Notify by its reference on the next run. Found, it is SENT and never
 * posted again; not found once the claim is older than `letters.notify.resendAfterMinutes`, it is sent
 * once, even by two runs at once; not found sooner, or Notify not answering, it is left for a later
 * run. And the next day's run finishes a batch left MAKING the day before, shown as finished late.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clinic } from '#core/model.ts';
import { type LetterFiles, localLetterFiles } from '#messaging/letter-files.ts';
import { NotifyLetterSink } from '#messaging/notify-letter-sink.ts';
import { letterIdOf, makeLetterBatches } from '#services/letters.ts';
import type { StoreContext } from '#store/context.ts';
import { getLetterBatch, lettersOfBookings } from '#store/letters.ts';
import { browserDoor, WEB_ORIGIN } from '#tests/support/browser-door.ts';
import { aClinic } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { FakeNotify } from '#tests/support/fake-notify.ts';
import { postOnlyBooking as bookPostOnly, seed } from './helpers.ts';

// Monday 23 November 2026, 07:00 in London (GMT): the batch time.
const NOW = '2026-11-23T07:00:00.000Z';
const DAY = '2026-11-23';
const minutesAfter = (iso: string, minutes: number) =>
  new Date(Date.parse(iso) + minutes * 60_000).toISOString();
const _address = { lines: ['12 Mill Lane'], town: 'Maidstone', postcode: 'ME14 1XX' };
const _doNotText = { sms: { on: false, reason: 'risk at home' }, letter: { on: true } };

const notify = new FakeNotify();
beforeAll(() => notify.start());
afterAll(() => notify.stop());

let store: StoreContext;
let deps: TestDeps;
let printed: LetterFiles;
let clinic: Clinic;

const realSink = () =>
  new NotifyLetterSink({ apiKey: notify.apiKey, postage: 'second', baseUrl: notify.url });

/** Letters through Notify: the real sink and client against the stand-in. */
const throughNotify = (sink: NotifyLetterSink = realSink()): LetterFiles => ({
  sink,
  read: (location) => printed.read(location),
});

/** A sink whose process "dies" after claiming the first letter, before its request goes: Notify never has it. */
const diesBeforeSending = (): NotifyLetterSink =>
  Object.assign(Object.create(realSink()) as NotifyLetterSink, {
    sendLetter: async () => {
      throw new Error('Lambda timed out');
    },
  });

beforeEach(async () => {
  notify.received.length = 0;
  notify.answers.length = 0;
  notify.lookups.length = 0;
  notify.lookupAnswers.length = 0;
  store = await freshTable();
  deps = testDeps(store, NOW);
  printed = localLetterFiles(mkdtempSync(join(tmpdir(), 'attend-notify-reconcile-')), 'example');
  clinic = aClinic();
  await seed(store, { clinic });
});

/** Books a do-not-text family into a new slot `daysAhead` days after DAY (8: a booking letter today). */
const postOnlyBooking = (firstName: string, time: string, daysAhead = 8) =>
  bookPostOnly({ store, deps, clinic, day: DAY }, firstName, time, daysAhead);

const notifyOf = async (bookingId: string) => (await lettersOfBookings(store, [bookingId]))[0]?.notify;
const posts = (reference: string) => notify.received.filter((r) => r.reference === reference).length;

describe('settling a letter whose send was never settled', () => {
  it('records a letter whose answer was lost as SENT when Notify lists it by its reference, and never posts it again', async () => {
    // Prepare: Notify takes the letter and the connection drops before its answer comes back
    const a = await postOnlyBooking('Ada', '10:00');
    const id = letterIdOf(a.id, 'booking');
    notify.answers.push({ drop: true });
    await expect(makeLetterBatches(deps, throughNotify(), DAY)).rejects.toThrow(/letter batch/);
    const first = await getLetterBatch(store, DAY, clinic.id);
    const lost = await notifyOf(a.id);

    // Act: the next run
    deps.clock.set(minutesAfter(NOW, 1));
    const [batch] = await makeLetterBatches(deps, throughNotify(), DAY);

    // Assess: one POST; found by reference with Notify's id and status; the batch is READY, sent
    expect(first).toMatchObject({ status: 'MAKING' });
    expect(lost).toMatchObject({ state: 'FAILED', lost: true, retryable: false });
    expect(notify.lookups).toEqual([{ reference: id, templateType: 'letter' }]);
    expect(posts(id)).toBe(1);
    expect(await notifyOf(a.id)).toEqual({
      state: 'SENT',
      notificationId: notify.received[0]?.id,
      status: 'accepted',
      reconciled: true,
      at: minutesAfter(NOW, 1),
    });
    expect(batch).toMatchObject({ status: 'READY', via: 'notify', sent: 1, failed: 0 });
  });

  it('sends once a letter left SENDING that Notify does not have, once the claim is older than the window', async () => {
    // Prepare: the run dies after the claim, before the request
    const a = await postOnlyBooking('Ada', '10:00');
    const id = letterIdOf(a.id, 'booking');
    await expect(makeLetterBatches(deps, throughNotify(diesBeforeSending()), DAY)).rejects.toThrow();
    const claimed = await notifyOf(a.id);

    // Act: a run 16 minutes later (the window is 15), then another
    deps.clock.set(minutesAfter(NOW, 16));
    const [batch] = await makeLetterBatches(deps, throughNotify(), DAY);
    await makeLetterBatches(deps, throughNotify(), DAY);

    // Assess: looked up once, then posted once; SENT with Notify's id
    expect(claimed).toEqual({ state: 'SENDING', at: NOW });
    expect(notify.lookups.map((l) => l.reference)).toEqual([id]);
    expect(posts(id)).toBe(1);
    expect(await notifyOf(a.id)).toMatchObject({ state: 'SENT', notificationId: notify.received[0]?.id });
    expect(batch).toMatchObject({ status: 'READY', sent: 1, failed: 0 });
  });

  it('leaves a letter Notify does not have alone while its claim is within the window: the batch stays MAKING', async () => {
    // Prepare
    const a = await postOnlyBooking('Ada', '10:00');
    const id = letterIdOf(a.id, 'booking');
    await expect(makeLetterBatches(deps, throughNotify(diesBeforeSending()), DAY)).rejects.toThrow();

    // Act: a run 14 minutes later
    deps.clock.set(minutesAfter(NOW, 14));
    const rerun = makeLetterBatches(deps, throughNotify(), DAY);

    // Assess: asked, not sent, left as it was; the run fails so it is taken up again
    await expect(rerun).rejects.toThrow(/letter batch/);
    expect(notify.lookups.map((l) => l.reference)).toEqual([id]);
    expect(posts(id)).toBe(0);
    expect(await notifyOf(a.id)).toEqual({ state: 'SENDING', at: NOW });
    expect((await getLetterBatch(store, DAY, clinic.id))?.status).toBe('MAKING');
  });

  it('leaves a letter SENDING while Notify cannot be asked, and sends it once when Notify answers again', async () => {
    // Prepare
    const a = await postOnlyBooking('Ada', '10:00');
    const id = letterIdOf(a.id, 'booking');
    await expect(makeLetterBatches(deps, throughNotify(diesBeforeSending()), DAY)).rejects.toThrow();
    deps.clock.set(minutesAfter(NOW, 20));
    notify.lookupAnswers.push(
      { status: 503, body: { errors: [{ error: 'ServiceUnavailable', message: 'down' }] } },
      { status: 429, body: { errors: [{ error: 'RateLimitError', message: 'Exceeded rate limit' }] } },
    );

    // Act: two runs while Notify is down or throttling, then one after
    await expect(makeLetterBatches(deps, throughNotify(), DAY)).rejects.toThrow(/letter batch/);
    await expect(makeLetterBatches(deps, throughNotify(), DAY)).rejects.toThrow(/letter batch/);
    const whileDown = await notifyOf(a.id);
    const [batch] = await makeLetterBatches(deps, throughNotify(), DAY);

    // Assess
    expect(whileDown).toEqual({ state: 'SENDING', at: NOW });
    expect(notify.lookups.length).toBe(3);
    expect(posts(id)).toBe(1);
    expect(batch).toMatchObject({ status: 'READY', sent: 1, failed: 0 });
  });

  it('posts a letter once when two runs settle it at the same moment', async () => {
    // Prepare
    const a = await postOnlyBooking('Ada', '10:00');
    const id = letterIdOf(a.id, 'booking');
    await expect(makeLetterBatches(deps, throughNotify(diesBeforeSending()), DAY)).rejects.toThrow();
    deps.clock.set(minutesAfter(NOW, 30));
    // Both runs' lookups are answered only once both have asked: both hear "not found".
    notify.holdLookups(2);

    // Act
    const runs = await Promise.allSettled([
      makeLetterBatches(deps, throughNotify(), DAY),
      makeLetterBatches(deps, throughNotify(), DAY),
    ]);

    // Assess: both asked, one claimed it again and posted it
    expect(notify.lookups.map((l) => l.reference)).toEqual([id, id]);
    expect(posts(id)).toBe(1);
    expect(runs.some((r) => r.status === 'fulfilled')).toBe(true);
    expect(await notifyOf(a.id)).toMatchObject({ state: 'SENT', notificationId: notify.received[0]?.id });
    expect((await getLetterBatch(store, DAY, clinic.id))?.status).toBe('READY');
  });
});

describe('the next day’s run', () => {
  it('finishes the batch left MAKING the day before, sending each letter once, and shows it finished late', async () => {
    // Prepare: Notify down for the whole of Monday's run (and its retries)
    const a = await postOnlyBooking('Ada', '10:00');
    const b = await postOnlyBooking('Ben', '11:00');
    const down = { status: 503, body: { errors: [{ error: 'ServiceUnavailable', message: 'down' }] } };
    notify.answers.push(down, down);
    await expect(makeLetterBatches(deps, throughNotify(), DAY)).rejects.toThrow(/letter batch/);
    const monday = await getLetterBatch(store, DAY, clinic.id);

    // Act: Tuesday's run
    const TUESDAY = '2026-11-24';
    deps.clock.set('2026-11-24T07:00:00.000Z');
    const made = await makeLetterBatches(deps, throughNotify(), TUESDAY);

    // Assess: Monday's batch is READY on Tuesday, its letters each posted once (after the two refused)
    const ids = [letterIdOf(a.id, 'booking'), letterIdOf(b.id, 'booking')];
    expect(monday?.status).toBe('MAKING');
    expect(notify.received.map((r) => [r.reference, r.id !== undefined])).toEqual([
      [ids[0], false],
      [ids[1], false],
      [ids[0], true],
      [ids[1], true],
    ]);
    const finished = await getLetterBatch(store, DAY, clinic.id);
    expect(finished).toMatchObject({
      status: 'READY',
      via: 'notify',
      sent: 2,
      failed: 0,
      readyAt: '2026-11-24T07:00:00.000Z',
    });
    expect(made.map((x) => x.day)).toEqual([TUESDAY, DAY]);
    expect(deps.bus.events.filter((e) => e.type === 'LetterBatchReady').length).toBe(1);

    // Assess: the Letters page for Monday says it was finished late, on Tuesday
    const door = browserDoor(testDeps(store, '2026-11-24T09:00:00.000Z'));
    const scheduler = await door.signIn({ name: 'Sam Patel', roles: ['scheduler'] });
    const res = await door.app.handle(
      new Request(`${WEB_ORIGIN}/staff/letters?date=${DAY}`, { headers: { cookie: scheduler.cookie } }),
    );
    const row = parse(await res.text())
      .querySelector('tbody tr')
      ?.text.replace(/\s+/g, ' ');
    expect(row).toContain('Finished late on Tuesday, 24 November 2026');
  });

  it('does not post, in a batch finished late, a letter that would arrive too late', async () => {
    // Prepare: a booking letter for an appointment 8 days after Monday; Monday's run fails (Notify down)
    const a = await postOnlyBooking('Ada', '10:00');
    const down = { status: 503, body: { errors: [{ error: 'ServiceUnavailable', message: 'down' }] } };
    notify.answers.push(down);
    await expect(makeLetterBatches(deps, throughNotify(), DAY)).rejects.toThrow(/letter batch/);

    // Act: the run six days later (the appointment is two days off; letters need three)
    deps.clock.set('2026-11-29T07:00:00.000Z');
    await makeLetterBatches(deps, throughNotify(), '2026-11-29');

    // Assess: one request (the refused one), the letter recorded as not sent, the batch READY
    expect(notify.received.length).toBe(1);
    expect(await notifyOf(a.id)).toMatchObject({ state: 'FAILED', retryable: false, reason: /too late/ });
    expect(await getLetterBatch(store, DAY, clinic.id)).toMatchObject({
      status: 'READY',
      sent: 0,
      failed: 1,
    });
  });
});
