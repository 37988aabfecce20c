/**
 * GOV.UK Notify letters against a real table (DynamoDB Local), with the official notifications-node-client
 * talking to a stand-in for Notify's API on a local port (tests/support/fake-notify.ts): only the HTTP
 * edge is stood in for. Each letter of the day's batches goes to Notify once, as its own precompiled PDF
 * referenced by its letter id, whatever the reruns and wherever a run stops; a refused letter is
 * recorded and the others still go; the staff Letters page marks the batch as sent through Notify; and
 * with Notify off the batch is stored to print as before, nothing sent.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseTrustConfig } from '#core/config/trust-config.ts';
import type { Clinic } from '#core/model.ts';
import { type LetterFiles, localLetterFiles } from '#messaging/letter-files.ts';
import { NotifyLetterSink } from '#messaging/notify-letter-sink.ts';
import { letterIdOf, makeLetterBatches } from '#services/letters.ts';
import type { StoreContext } from '#store/context.ts';
import { getLetterBatch, lettersOfBookings } from '#store/letters.ts';
import { browserDoor, WEB_ORIGIN } from '#tests/support/browser-door.ts';
import { aClinic } from '#tests/support/builders.ts';
import { exampleConfig, freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { FakeNotify } from '#tests/support/fake-notify.ts';
import { postOnlyBooking as bookPostOnly, seed } from './helpers.ts';

// Monday 23 November 2026, 07:00 in London (GMT): the batch time.
const NOW = '2026-11-23T07:00:00.000Z';
const DAY = '2026-11-23';
const _address = { lines: ['12 Mill Lane'], town: 'Maidstone', postcode: 'ME14 1XX' };
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/notify-AbCdEf';
const _doNotText = { sms: { on: false, reason: 'risk at home' }, letter: { on: true } };

const notify = new FakeNotify();
beforeAll(() => notify.start());
afterAll(() => notify.stop());

let store: StoreContext;
let deps: TestDeps;
let printed: LetterFiles;
let clinic: Clinic;

/** Letters through Notify: the real sink and client against the stand-in; earlier batches read as before. */
const throughNotify = (
  sink = new NotifyLetterSink({ apiKey: notify.apiKey, postage: 'first', baseUrl: notify.url }),
): LetterFiles => ({
  sink,
  read: (location) => printed.read(location),
});

beforeEach(async () => {
  notify.received.length = 0;
  notify.answers.length = 0;
  store = await freshTable();
  deps = testDeps(store, NOW);
  printed = localLetterFiles(mkdtempSync(join(tmpdir(), 'attend-notify-test-')), 'example');
  clinic = aClinic();
  await seed(store, { clinic });
});

/** Books a do-not-text family into a new slot `daysAhead` days after DAY (8: a booking letter today). */
const postOnlyBooking = (firstName: string, time: string, daysAhead = 8) =>
  bookPostOnly({ store, deps, clinic, day: DAY }, firstName, time, daysAhead);

const accepted = () => notify.received.filter((r) => r.id !== undefined).map((r) => r.reference);
const isPdf = (bytes: Buffer) => bytes.subarray(0, 5).toString('latin1') === '%PDF-';

describe('letters through GOV.UK Notify', () => {
  it('sends each letter once, as its own PDF with its letter id as reference, and records Notify’s id', async () => {
    // Prepare
    const a = await postOnlyBooking('Ada', '10:00');
    const b = await postOnlyBooking('Ben', '11:00');

    // Act
    const [batch] = await makeLetterBatches(deps, throughNotify(), DAY);
    const [again] = await makeLetterBatches(deps, throughNotify(), DAY);

    // Assess
    const ids = [letterIdOf(a.id, 'booking'), letterIdOf(b.id, 'booking')];
    expect(notify.received.map((r) => [r.reference, r.postage])).toEqual([
      [ids[0], 'first'],
      [ids[1], 'first'],
    ]);
    expect(notify.received.every((r) => isPdf(r.content))).toBe(true);
    expect(batch).toMatchObject({ status: 'READY', via: 'notify', letters: 2, sent: 2, failed: 0 });
    expect(batch?.location).toBe(`notify:${batch?.batchId}`);
    expect(again).toEqual(batch);
    const records = await lettersOfBookings(store, [a.id, b.id]);
    expect(Object.fromEntries(records.map((l) => [l.letterId, l.notify]))).toEqual(
      Object.fromEntries(
        notify.received.map((r) => [
          r.reference,
          { state: 'SENT', notificationId: r.id, at: expect.any(String) },
        ]),
      ),
    );
  });

  it('a run stopped by throttling is rerun: only the letters Notify has not taken go, each once', async () => {
    // Prepare: Notify takes the first letter, throttles the second
    const a = await postOnlyBooking('Ada', '10:00');
    const b = await postOnlyBooking('Ben', '11:00');
    const c = await postOnlyBooking('Cal', '12:00');
    notify.answers.push(
      { status: 201, body: { id: '11111111-1111-4111-8111-111111111111' } },
      { status: 429, body: { errors: [{ error: 'RateLimitError', message: 'Exceeded rate limit' }] } },
    );

    // Act: the run fails once every letter is tried (the scheduler retries), then the retry
    await expect(makeLetterBatches(deps, throughNotify(), DAY)).rejects.toThrow(/letter batch/);
    const afterFirst = await getLetterBatch(store, DAY, clinic.id);
    const [retried] = await makeLetterBatches(deps, throughNotify(), DAY);
    await makeLetterBatches(deps, throughNotify(), DAY);

    // Assess: three requests for B (throttled once) and one each for A and C; each accepted once
    expect(afterFirst?.status).toBe('MAKING');
    const ids = [a, b, c].map((x) => letterIdOf(x.id, 'booking'));
    expect(notify.received.map((r) => r.reference)).toEqual([ids[0], ids[1], ids[2], ids[1]]);
    expect(accepted().sort()).toEqual([...ids].sort());
    expect(retried).toMatchObject({ status: 'READY', via: 'notify', letters: 3, sent: 3, failed: 0 });
    expect(deps.bus.events.filter((e) => e.type === 'LetterBatchReady').length).toBeGreaterThanOrEqual(1);
  });

  it('never sends twice a letter whose run stopped between sending and recording Notify’s answer: the rerun finds it in Notify', async () => {
    // Prepare: the process "dies" after Notify took the first letter, before its answer is recorded
    const a = await postOnlyBooking('Ada', '10:00');
    const b = await postOnlyBooking('Ben', '11:00');
    const real = new NotifyLetterSink({ apiKey: notify.apiKey, postage: 'second', baseUrl: notify.url });
    const dying: NotifyLetterSink = Object.assign(Object.create(real) as NotifyLetterSink, {
      sendLetter: async (letter: Parameters<NotifyLetterSink['sendLetter']>[0]) => {
        await real.sendLetter(letter);
        throw new Error('Lambda timed out');
      },
    });
    await expect(makeLetterBatches(deps, throughNotify(dying), DAY)).rejects.toThrow();

    // Act: the scheduler's retry
    const [batch] = await makeLetterBatches(deps, throughNotify(), DAY);

    // Assess: A went once (in the run that died) and is found in Notify by its reference; B went once
    const ids = [letterIdOf(a.id, 'booking'), letterIdOf(b.id, 'booking')];
    expect(notify.received.map((r) => r.reference)).toEqual(ids);
    const records = new Map((await lettersOfBookings(store, [a.id, b.id])).map((l) => [l.letterId, l]));
    expect(records.get(ids[0]!)?.notify).toMatchObject({
      state: 'SENT',
      notificationId: notify.received[0]?.id,
      reconciled: true,
    });
    expect(records.get(ids[1]!)?.notify?.state).toBe('SENT');
    expect(batch).toMatchObject({ status: 'READY', sent: 2, failed: 0 });
  });

  it('records a letter Notify refuses (4xx) and still sends the rest; a rerun does not send it again', async () => {
    // Prepare
    const a = await postOnlyBooking('Ada', '10:00');
    const b = await postOnlyBooking('Ben', '11:00');
    notify.answers.push({
      status: 400,
      body: { errors: [{ error: 'ValidationError', message: 'Content outside the printable area' }] },
    });

    // Act
    const [batch] = await makeLetterBatches(deps, throughNotify(), DAY);
    await makeLetterBatches(deps, throughNotify(), DAY);

    // Assess
    const ids = [letterIdOf(a.id, 'booking'), letterIdOf(b.id, 'booking')];
    expect(notify.received.map((r) => r.reference)).toEqual(ids);
    expect(batch).toMatchObject({ status: 'READY', via: 'notify', letters: 2, sent: 1, failed: 1 });
    const records = new Map((await lettersOfBookings(store, [a.id, b.id])).map((l) => [l.letterId, l]));
    expect(records.get(ids[0]!)?.notify).toEqual({
      state: 'FAILED',
      reason: 'Notify answered 400 ValidationError: Content outside the printable area',
      retryable: false,
      at: expect.any(String),
    });
    expect(records.get(ids[1]!)?.notify).toMatchObject({
      state: 'SENT',
      notificationId: notify.received[1]?.id,
    });
  });

  it('shows staff the day’s batch as sent through GOV.UK Notify, with no PDF to print', async () => {
    // Prepare
    await postOnlyBooking('Ada', '10:00');
    notify.answers.push({ status: 400, body: { errors: [{ error: 'BadRequestError', message: 'no' }] } });
    await postOnlyBooking('Ben', '11:00');
    await makeLetterBatches(deps, throughNotify(), DAY);
    const door = browserDoor(
      testDeps(
        store,
        NOW,
        parseTrustConfig({
          ...exampleConfig,
          letters: { ...exampleConfig.letters, notify: { apiKeySecretArn: SECRET_ARN } },
        }),
      ),
    );
    const scheduler = await door.signIn({ name: 'Sam Patel', roles: ['scheduler'] });

    // Act
    const res = await door.app.handle(
      new Request(`${WEB_ORIGIN}/staff/letters?date=${DAY}`, { headers: { cookie: scheduler.cookie } }),
    );

    // Assess
    const html = await res.text();
    expect(res.status).toBe(200);
    const row = parse(html).querySelector('tbody tr')?.text.replace(/\s+/g, ' ');
    expect(row).toContain('Booking letters 2');
    expect(row).toContain('Sent through GOV.UK Notify (1 sent, 1 not sent');
    expect(html).not.toContain('.pdf"');
    expect(html).toContain('sent through GOV.UK Notify, which prints and posts them');
  });
});

describe('with Notify off', () => {
  it('stores the batch to print as before, sends nothing and marks no letter', async () => {
    // Prepare
    const a = await postOnlyBooking('Ada', '10:00');

    // Act
    const [batch] = await makeLetterBatches(deps, printed, DAY);

    // Assess
    expect(notify.received).toEqual([]);
    expect(batch).toMatchObject({ status: 'READY', via: 'print', letters: 1 });
    expect(batch?.sent).toBeUndefined();
    expect(batch?.location).toMatch(/\.pdf$/);
    const [record] = await lettersOfBookings(store, [a.id]);
    expect(record?.notify).toBeUndefined();
  });
});
