/**
 * Letters against a real table (DynamoDB Local): a clinic's batch for a day holds exactly the families
 * no text can reach but post can (not text families, not do-not-post, not cancelled or moved ones);
 * reruns make nothing twice; a number that fails three times in a row turns its family's next batch
 * into a reminder letter; and the PDF a printer gets says what it should (pdftotext).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseTrustConfig } from '#core/config/trust-config.ts';
import type { DeliveryReport } from '#core/delivery-status.ts';
import type { Client, Clinic } from '#core/model.ts';
import { type LetterFiles, localLetterFiles } from '#messaging/letter-files.ts';
import { bookSlot, cancelByStaff, moveBooking } from '#services/bookings.ts';
import { optOutNumber } from '#services/consent.ts';
import { applyDeliveryReport } from '#services/delivery.ts';
import { letterBatchPdf, makeLetterBatches } from '#services/letters.ts';
import { metricsReport } from '#services/metrics.ts';
import { sendAndRecord } from '#services/texts.ts';
import type { StoreContext } from '#store/context.ts';
import { lettersOfBookings } from '#store/letters.ts';
import { aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { exampleConfig, freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { pdfText } from '#tests/support/poppler.ts';
import { seed } from './helpers.ts';

// Monday 23 November 2026, 07:00 in London (GMT): the batch time.
const NOW = '2026-11-23T07:00:00.000Z';
const DAY = '2026-11-23';
const address = { lines: ['12 Mill Lane'], town: 'Maidstone', postcode: 'ME14 1XX' };
const doNotText = { sms: { on: false, reason: 'risk at home' }, letter: { on: true } };
const linksConfig = parseTrustConfig({
  ...exampleConfig,
  parentLinks: { baseUrl: 'https://attend.example.nhs.uk' },
});

let store: StoreContext;
let deps: TestDeps;
let files: LetterFiles;
let clinic: Clinic;

beforeEach(async () => {
  store = await freshTable();
  deps = testDeps(store, NOW, linksConfig);
  files = localLetterFiles(mkdtempSync(join(tmpdir(), 'attend-letters-test-')), 'example');
  clinic = aClinic();
  await seed(store, { clinic });
});

/** Books the client into a new slot `daysAhead` days after DAY at 10:00. */
async function booked(client: Client, daysAhead: number, time = '10:00') {
  const day = new Date(Date.parse(`${DAY}T00:00:00Z`) + daysAhead * 86_400_000).toISOString().slice(0, 10);
  const slot = aSlotFor(clinic, { startsAt: `${day}T${time}:00.000Z` });
  await seed(store, { clients: [client], slots: [slot] });
  return bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'staff:sched-1', source: 'staff' });
}

const atDay = (day: string) => deps.clock.set(`${day}T07:00:00.000Z`);
const batchEvents = () => deps.bus.events.filter((e) => e.type === 'LetterBatchReady');

async function pdfOf(batchId: string): Promise<string> {
  const found = await letterBatchPdf(deps, files, batchId);
  if (!found) throw new Error(`no PDF for ${batchId}`);
  return pdfText(found.pdf);
}

describe('a clinic’s letter batch for a day', () => {
  it('holds exactly the letter-route families: not text families, not do-not-post, not cancelled or moved', async () => {
    // Prepare
    const texted = aClient({ firstName: 'Texted', address });
    const postOnly = aClient({ firstName: 'Posted', address, contact: doNotText });
    const stopped = aClient({ firstName: 'Stopped', address });
    const neither = aClient({
      firstName: 'Neither',
      address,
      contact: { sms: { on: false, reason: 'risk' }, letter: { on: false, reason: 'shares the address' } },
    });
    const cancelled = aClient({ firstName: 'Cancelled', address, contact: doNotText });
    const moved = aClient({ firstName: 'Moved', address, contact: doNotText });
    const tooLate = aClient({ firstName: 'Tomorrow', address, contact: doNotText });
    const b = {
      texted: await booked(texted, 8),
      postOnly: await booked(postOnly, 8, '10:30'),
      stopped: await booked(stopped, 5),
      neither: await booked(neither, 8, '11:00'),
      cancelled: await booked(cancelled, 9),
      moved: await booked(moved, 9, '11:00'),
      tooLate: await booked(tooLate, 2),
    };
    await optOutNumber(deps, stopped.phone, { reason: 'stop-text', at: NOW });
    await cancelByStaff(deps, {
      bookingId: b.cancelled.id,
      by: 'staff:sched-1',
      reason: 'asked',
      notify: false,
    });
    const newSlot = aSlotFor(clinic, { startsAt: '2026-12-05T10:00:00.000Z' });
    await seed(store, { slots: [newSlot] });
    const { to: movedTo } = await moveBooking(deps, {
      bookingId: b.moved.id,
      slotId: newSlot.id,
      reason: 'clash',
      by: 'staff:sched-1',
    });

    // Act
    const [batch] = await makeLetterBatches(deps, files, DAY);

    // Assess: booking letters 8 and 12 days ahead (the moved booking's new time), a reminder 5 days ahead
    expect(batch).toMatchObject({ status: 'READY', letters: 3, booking: 2, reminder: 1 });
    const recorded = await lettersOfBookings(
      store,
      [...Object.values(b), movedTo].map((x) => x.id),
    );
    expect(recorded.map((l) => [l.bookingId, l.kind]).sort()).toEqual(
      [
        [b.postOnly.id, 'booking'],
        [b.stopped.id, 'reminder'],
        [movedTo.id, 'booking'],
      ].sort(),
    );
    expect(recorded.find((l) => l.bookingId === b.stopped.id)?.noSms).toBe('opted-out');
    const text = await pdfOf(batch!.batchId);
    expect(text).toContain('Posted Smith');
    expect(text).toContain('Stopped Smith');
    // The moved family's letter has the new time (5 December), never the old one (2 December)
    expect(text).toContain('Moved Smith');
    expect(text).toContain('5 December 2026');
    expect(text).not.toContain('2 December');
    for (const absent of ['Texted', 'Neither', 'Cancelled', 'Tomorrow']) expect(text).not.toContain(absent);
    expect(batchEvents().map((e) => e.detail)).toEqual([
      expect.objectContaining({ batchId: batch!.batchId, clinicId: clinic.id, day: DAY, letters: 3 }),
    ]);
  });

  it('makes nothing twice: a rerun, and the next day’s batch, add no letter, event or count', async () => {
    // Prepare: the booking letter goes 8 days ahead, inside the reminder window, so no reminder follows
    const postOnly = aClient({ firstName: 'Posted', address, contact: doNotText });
    const booking = await booked(postOnly, 8);
    const [first] = await makeLetterBatches(deps, files, DAY);

    // Act
    const [again] = await makeLetterBatches(deps, files, DAY);
    atDay('2026-11-24');
    const [nextDay] = await makeLetterBatches(deps, files, '2026-11-24');

    // Assess
    expect(again).toEqual(first);
    expect(nextDay).toMatchObject({ letters: 0, day: '2026-11-24' });
    expect(await lettersOfBookings(store, [booking.id])).toHaveLength(1);
    expect(batchEvents()).toHaveLength(1);
    const report = await metricsReport(deps, { from: DAY, to: '2026-11-24', groupBy: 'week' });
    expect(report.totals.summary.letters).toEqual({ booking: 1, reminder: 0, total: 1, costGbp: 0.95 });
    expect(report.totals.byClinic[clinic.id]?.letters?.booking).toBe(1);
  });

  it('three temporary failures → unreachable → the next batch holds that family’s reminder letter', async () => {
    // Prepare: an ordinary family, 6 days ahead; today's batch has nothing for them (texts go)
    const family = aClient({ firstName: 'Failing', address });
    const booking = await booked(family, 6);
    const [today] = await makeLetterBatches(deps, files, DAY);
    expect(today).toMatchObject({ letters: 0 });
    for (let i = 1; i <= 3; i++) {
      deps.clock.set(`${DAY}T1${i}:00:00.000Z`);
      const text = await sendAndRecord(
        deps,
        { key: 'confirmation', body: 'Booked', segments: 1, encoding: 'GSM-7' },
        { to: family.phone, clientId: family.id, bookingId: booking.id },
      );
      const failed: DeliveryReport = {
        providerMessageId: text.providerMessageId!,
        status: 'failed-temporary',
        reason: 'CARRIER_UNREACHABLE',
        changedAt: `${DAY}T1${i}:05:00.000Z`,
        numberFault: true,
      };
      await applyDeliveryReport(deps, failed);
    }

    // Act
    atDay('2026-11-24');
    const [next] = await makeLetterBatches(deps, files, '2026-11-24');

    // Assess
    expect(next).toMatchObject({ letters: 1, reminder: 1 });
    expect(await lettersOfBookings(store, [booking.id])).toEqual([
      expect.objectContaining({ kind: 'reminder', noSms: 'unreachable', day: '2026-11-24' }),
    ]);
    expect(await pdfOf(next!.batchId)).toContain('Reminder: appointment for Failing Smith');
  });
});

describe('a rendered letter (pdftotext)', () => {
  it('has the family’s address, the appointment in plain words, the phone number and the link, no clinical detail', async () => {
    // Prepare: a Polish family who asked not to be texted, with a flag that must never reach a letter
    const family = aClient({
      firstName: 'Zofia',
      familyName: 'Nowak',
      language: 'pl',
      address: { lines: ['Flat 2', '14 Harbour Road'], town: 'Dover', postcode: 'CT17 9BX' },
      contact: doNotText,
      flags: { needsCarer: false, parentalMentalHealth: true, vulnerable: true, doNotText: false },
    });
    await booked(family, 8);

    // Act
    const [batch] = await makeLetterBatches(deps, files, DAY);
    const text = await pdfOf(batch!.batchId);

    // Assess
    expect(text).toContain('Zofia Nowak');
    expect(text).toContain('14 Harbour Road');
    expect(text).toContain('CT17 9BX');
    expect(text).toContain(exampleConfig.servicePhone);
    expect(text).toContain('przegląd 6-8 tygodni'.replace(/^./, 'P'));
    expect(text).toContain('https://attend.example.nhs.uk/p/');
    expect(text).not.toMatch(/mental|vulnerable|NHS number/i);
  });
});
