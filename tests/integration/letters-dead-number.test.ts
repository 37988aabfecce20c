/**
 * A family whose number dies after they are booked (README, "Delivery status and unreachable numbers"):
 * the number is marked unreachable one second after the day's letter batch ran, as in the demo (Poppy
 * Walsh). The next day's batch must hold their reminder letter, exactly once, while the appointment is
 * still at least `letters.reminderLatestDaysBefore` days away (DynamoDB Local).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Clinic } from '#core/model.ts';
import { type LetterFiles, localLetterFiles } from '#messaging/letter-files.ts';
import { bookSlot } from '#services/bookings.ts';
import { consentOf } from '#services/consent.ts';
import { callList } from '#services/contact.ts';
import { applyDeliveryReport } from '#services/delivery.ts';
import { makeLetterBatches } from '#services/letters.ts';
import type { StoreContext } from '#store/context.ts';
import { lettersOfBookings } from '#store/letters.ts';
import { aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { seed } from './helpers.ts';

// Monday 30 November 2026, 19:48:47 in London (GMT): `npm start` made the day's batches as it started.
const BATCH_RAN = '2026-11-30T19:48:47.000Z';
const MARKED = '2026-11-30T19:48:48.000Z';
const address = { lines: ['7 Harbour Road'], town: 'Dover', postcode: 'CT17 9XX' };

let store: StoreContext;
let deps: TestDeps;
let files: LetterFiles;
let clinic: Clinic;

beforeEach(async () => {
  store = await freshTable();
  deps = testDeps(store, '2026-11-30T19:48:40.000Z');
  files = localLetterFiles(mkdtempSync(join(tmpdir(), 'attend-letters-test-')), 'example');
  clinic = aClinic();
  await seed(store, { clinic });
});

describe('a number that dies after the day’s batch', () => {
  it('gets the reminder letter in the next batch, exactly once, 3 days before', async () => {
    // Prepare: booked Friday 4 December 09:00; the confirmation text goes
    const family = aClient({ firstName: 'Poppy', familyName: 'Walsh', address });
    const slot = aSlotFor(clinic, { startsAt: '2026-12-04T09:00:00.000Z' });
    await seed(store, { clients: [family], slots: [slot] });
    const booking = await bookSlot(deps, {
      slotId: slot.id,
      clientId: family.id,
      by: 'demo-seed',
      source: 'staff',
    });
    const confirmation = deps.outbox.entries.find((e) => e.to === family.phone);
    expect(confirmation).toBeDefined();
    deps.clock.set(BATCH_RAN);
    const [today] = await makeLetterBatches(deps, files, '2026-11-30');
    expect(today).toMatchObject({ letters: 0 });
    // One second later the carrier says the number does not exist
    deps.clock.set(MARKED);
    await applyDeliveryReport(deps, {
      providerMessageId: confirmation!.id,
      status: 'failed-permanent',
      reason: 'INVALID',
      changedAt: MARKED,
      numberFault: true,
    });
    expect(await consentOf(deps, family.phone)).toMatchObject({ reason: 'unreachable' });

    // Act: the next morning's batch, and a rerun of it
    deps.clock.set('2026-12-01T07:00:00.000Z');
    const [next] = await makeLetterBatches(deps, files, '2026-12-01');
    await makeLetterBatches(deps, files, '2026-12-01');

    // Assess
    expect(next).toMatchObject({ day: '2026-12-01', letters: 1, reminder: 1 });
    expect(await lettersOfBookings(store, [booking.id])).toEqual([
      expect.objectContaining({ kind: 'reminder', noSms: 'unreachable', day: '2026-12-01' }),
    ]);
    expect(await callList(deps, '2026-12-04')).toEqual([]);
    // and not again: the day after, the appointment is 2 days away (under reminderLatestDaysBefore)
    deps.clock.set('2026-12-02T07:00:00.000Z');
    const [after] = await makeLetterBatches(deps, files, '2026-12-02');
    expect(after).toMatchObject({ letters: 0 });
    expect(await lettersOfBookings(store, [booking.id])).toHaveLength(1);
  });
});
