/**
 * The reminder sweep against a real table: a hand-moved clock walks each booking through its plan, and
 * the outbox, the stored tiers, the Message records and the dueReminders index are read back to check
 * what was sent, when, and that nothing is sent twice, in quiet hours, or to a family that said no.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Client, Clinic, Slot } from '#core/model.ts';
import { isQuiet } from '#core/quiet-hours.ts';
import { MAX_SEND_ATTEMPTS } from '#core/reminder-decision.ts';
import { bookSlot } from '#services/bookings.ts';
import { optOutNumber } from '#services/consent.ts';
import type { SweepReport } from '#services/reminders.ts';
import { getBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { messagesByPhone } from '#store/messages.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { exampleConfig, freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { bookingKey, dueIndex, messageKey, plusMinutes, rawItem, seed, sweepAt } from './helpers.ts';

/** Friday 20 November 2026, 10:00 in London (GMT, so local time and UTC agree until March). */
const BOOKED_AT = '2026-11-20T10:00:00.000Z';
/** Thursday 10 December 2026, 14:00 in London: due a 7-day, a 2-day and a morning-of reminder. */
const STARTS_AT = '2026-12-10T14:00:00.000Z';
const SEVEN_DAY_DUE = '2026-12-03T10:00:00.000Z';
const TWO_DAY_DUE = '2026-12-08T10:00:00.000Z';
const MORNING_OF_DUE = '2026-12-10T08:00:00.000Z';
const RETENTION_SECONDS = exampleConfig.messages.retentionDays * 86_400;

const REMINDER_TEXT = "ECHT: reminder of Amelia's 6-8 week baby review on Thu 10 Dec at 14:00";

let store: StoreContext;
let clinic: Clinic;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic();
  await seed(store, { clinic });
});

/** Seeds a client and a slot and books one into the other, at the deps clock's time. */
async function booked(
  deps: TestDeps,
  options: { client?: Partial<Client>; slot?: Partial<Slot> } = {},
): Promise<{ bookingId: string; client: ClientWithPhone; slot: Slot }> {
  const client = aClient(options.client);
  const slot = aSlotFor(clinic, { startsAt: STARTS_AT, ...options.slot });
  await seed(store, { clients: [client], slots: [slot] });
  const booking = await bookSlot(deps, {
    slotId: slot.id,
    clientId: client.id,
    by: 'staff:hv-1',
    source: 'staff',
  });
  return { bookingId: booking.id, client, slot };
}

/** Every text but the confirmation ("… is booked for …"). */
const reminders = (deps: TestDeps) => deps.outbox.entries.filter((e) => !e.body.includes('is booked for'));
const total = (reports: SweepReport[], field: Exclude<keyof SweepReport, 'outOfTime'>) =>
  reports.reduce((sum, r) => sum + r[field], 0);

describe('sweeping through a booking’s plan', () => {
  it('sends each tier exactly once at its due time and none in quiet hours', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const { bookingId } = await booked(deps);
    // Around each due time the 5-minute cadence, and each night a few sweeps in quiet hours.
    const instants = [
      '2026-12-02T21:00:00.000Z',
      '2026-12-03T03:00:00.000Z',
      ...[SEVEN_DAY_DUE, TWO_DAY_DUE, MORNING_OF_DUE].flatMap((due) => [
        plusMinutes(due, -5),
        due,
        plusMinutes(due, 5),
      ]),
      '2026-12-09T20:00:00.000Z',
      '2026-12-10T02:00:00.000Z',
    ].sort();

    // Act
    const reports: SweepReport[] = [];
    for (const at of instants) reports.push(await sweepAt(deps, at));

    // Assess
    expect(total(reports, 'sent')).toBe(3);
    expect(reminders(deps).map((e) => e.at)).toEqual([SEVEN_DAY_DUE, TWO_DAY_DUE, MORNING_OF_DUE]);
    for (const sms of deps.outbox.entries) {
      expect(isQuiet(new Date(sms.at), exampleConfig.quietHours, exampleConfig.timeZone)).toBe(false);
    }
    expect(reminders(deps)[0]?.body.startsWith(REMINDER_TEXT)).toBe(true);
    const stored = await getBooking(store, bookingId);
    expect(stored?.tiers['7d']).toMatchObject({ status: 'SENT', sentAt: SEVEN_DAY_DUE, attempts: 1 });
    expect(stored?.tiers['2d']).toMatchObject({ status: 'SENT', sentAt: TWO_DAY_DUE, attempts: 1 });
    expect(stored?.tiers['morning-of']).toMatchObject({
      status: 'SENT',
      sentAt: MORNING_OF_DUE,
      attempts: 1,
    });
  });

  it('moves the booking along the due index and takes it out after the last tier', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const { bookingId } = await booked(deps);

    // Act
    await sweepAt(deps, SEVEN_DAY_DUE);
    const afterSevenDay = await dueIndex(store);
    await sweepAt(deps, TWO_DAY_DUE);
    const afterTwoDay = await dueIndex(store);
    await sweepAt(deps, MORNING_OF_DUE);
    const afterLast = await dueIndex(store);

    // Assess
    expect(afterSevenDay.get(bookingId)).toBe(TWO_DAY_DUE);
    expect(afterTwoDay.get(bookingId)).toBe(MORNING_OF_DUE);
    expect(afterLast.has(bookingId)).toBe(false);
    const raw = await rawItem(store, bookingKey(bookingId));
    expect(raw).not.toHaveProperty('dueShard');
    expect(raw).not.toHaveProperty('nextDueAt');
  });

  it('records every text as a Message that expires after the retention period', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const { bookingId, client } = await booked(deps);

    // Act
    for (const due of [SEVEN_DAY_DUE, TWO_DAY_DUE, MORNING_OF_DUE]) await sweepAt(deps, due);

    // Assess
    const { items: messages } = await messagesByPhone(store, client.phone);
    expect(messages.map((m) => [m.kind, m.at])).toEqual([
      ['reminderToday', MORNING_OF_DUE],
      ['reminder', TWO_DAY_DUE],
      ['reminder', SEVEN_DAY_DUE],
      ['confirmation', BOOKED_AT],
    ]);
    const stored = await getBooking(store, bookingId);
    for (const tierId of ['confirmation', '7d', '2d', 'morning-of']) {
      const tier = stored?.tiers[tierId];
      const raw = await rawItem(store, messageKey(tier?.messageId ?? 'none'));
      expect(raw).toMatchObject({ bookingId, direction: 'OUT', at: tier?.sentAt });
      expect(raw?.expiresAtEpoch).toBe(Date.parse(tier?.sentAt ?? '') / 1000 + RETENTION_SECONDS);
    }
  });

  it('words each reminder for when it goes: the day named, then "today" on the day', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    await booked(deps);

    // Act
    for (const due of [SEVEN_DAY_DUE, TWO_DAY_DUE, MORNING_OF_DUE]) await sweepAt(deps, due);

    // Assess
    expect(reminders(deps).map((e) => e.body)).toEqual([
      `${REMINDER_TEXT}, Riverside Children's Centre. Ref ${reminders(deps)[0]?.body.match(/Ref (\d{4})/)?.[1]}. Reply CANCEL if you can't come.`,
      reminders(deps)[0]?.body,
      expect.stringMatching(
        /^ECHT: Amelia's 6-8 week baby review is today at 14:00, Riverside Children's Centre\. Ref \d{4}\./,
      ),
    ]);
  });

  it('says "tomorrow" in a 2-day reminder a sweep catches up with the day before', async () => {
    // Prepare: nothing swept from before the 2-day tier until the next morning (an outage)
    const deps = testDeps(store, BOOKED_AT);
    const { bookingId } = await booked(deps);
    await sweepAt(deps, SEVEN_DAY_DUE);

    // Act: Wednesday 9 December, 09:00
    const report = await sweepAt(deps, '2026-12-09T09:00:00.000Z');

    // Assess
    expect(report.sent).toBe(1);
    expect(reminders(deps).at(-1)?.body).toMatch(
      /^ECHT: Amelia's 6-8 week baby review is tomorrow at 14:00, Riverside Children's Centre\. /,
    );
    const message = (await messagesByPhone(store, reminders(deps).at(-1)!.to)).items[0];
    expect(message).toMatchObject({ kind: 'reminderTomorrow', bookingId });
  });

  it('holds a tier missed before quiet hours until they end', async () => {
    // Prepare: no sweep ran between the 7-day tier falling due and 20:00.
    const deps = testDeps(store, BOOKED_AT);
    await booked(deps);

    // Act
    const night = [
      await sweepAt(deps, '2026-12-03T20:00:00.000Z'),
      await sweepAt(deps, '2026-12-04T01:00:00.000Z'),
      await sweepAt(deps, '2026-12-04T07:55:00.000Z'),
    ];
    const morning = await sweepAt(deps, '2026-12-04T08:00:00.000Z');

    // Assess
    for (const report of night) expect(report).toMatchObject({ due: 1, deferred: 1, sent: 0 });
    expect(morning).toMatchObject({ sent: 1, deferred: 0 });
    expect(reminders(deps).map((e) => e.at)).toEqual(['2026-12-04T08:00:00.000Z']);
  });
});

describe('when a send fails', () => {
  it('keeps the tier due, and the next sweep sends it exactly once', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const { bookingId } = await booked(deps);
    deps.outbox.failNext(1);

    // Act
    const failed = await sweepAt(deps, SEVEN_DAY_DUE);
    const afterFailure = await getBooking(store, bookingId);
    const indexAfterFailure = await dueIndex(store);
    const retried = await sweepAt(deps, plusMinutes(SEVEN_DAY_DUE, 5));
    const later = await sweepAt(deps, plusMinutes(SEVEN_DAY_DUE, 10));

    // Assess
    expect(failed).toMatchObject({ failed: 1, sent: 0 });
    expect(afterFailure?.tiers['7d']).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: 'Injected outbox failure',
    });
    expect(indexAfterFailure.get(bookingId)).toBe(SEVEN_DAY_DUE);
    expect(retried).toMatchObject({ failed: 0, sent: 1 });
    expect(later).toMatchObject({ due: 0, sent: 0 });
    expect(reminders(deps).map((e) => e.at)).toEqual([plusMinutes(SEVEN_DAY_DUE, 5)]);
    expect((await getBooking(store, bookingId))?.tiers['7d']).toMatchObject({ status: 'SENT', attempts: 2 });
  });

  it('leaves a confirmation that failed at booking for the next sweep', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    deps.outbox.failNext(1);
    const { bookingId, client } = await booked(deps);
    const atBooking = await getBooking(store, bookingId);

    // Act
    const report = await sweepAt(deps, plusMinutes(BOOKED_AT, 5));

    // Assess
    expect(atBooking).toMatchObject({ status: 'BOOKED' });
    expect(atBooking?.tiers.confirmation).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(report.sent).toBe(1);
    const { items: messages } = await messagesByPhone(store, client.phone);
    expect(messages.map((m) => [m.kind, m.at])).toEqual([['confirmation', plusMinutes(BOOKED_AT, 5)]]);
  });

  it(`gives a tier up after ${MAX_SEND_ATTEMPTS} failures and drops the booking from the index when nothing is open`, async () => {
    // Prepare: a 10:00 clinic appointment has only a 2-day reminder after the confirmation.
    const deps = testDeps(store, BOOKED_AT);
    const { bookingId } = await booked(deps, {
      slot: { type: 'clinic', durationMinutes: 15, startsAt: '2026-12-10T10:00:00.000Z' },
    });
    deps.outbox.failNext(MAX_SEND_ATTEMPTS);

    // Act
    const reports: SweepReport[] = [];
    for (let i = 0; i < MAX_SEND_ATTEMPTS; i++)
      reports.push(await sweepAt(deps, plusMinutes(TWO_DAY_DUE, 5 * i)));
    const afterwards = await sweepAt(deps, plusMinutes(TWO_DAY_DUE, 5 * MAX_SEND_ATTEMPTS));

    // Assess
    for (const report of reports) expect(report).toMatchObject({ failed: 1, sent: 0 });
    expect(afterwards).toMatchObject({ due: 0, failed: 0, sent: 0 });
    expect((await getBooking(store, bookingId))?.tiers['2d']).toMatchObject({
      status: 'SKIPPED',
      skipReason: 'send-failed',
      attempts: MAX_SEND_ATTEMPTS,
    });
    expect((await dueIndex(store)).has(bookingId)).toBe(false);
    expect(reminders(deps)).toEqual([]);
  });

  it('keeps the booking due for its next tier when an earlier one is given up', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const { bookingId } = await booked(deps);
    deps.outbox.failNext(MAX_SEND_ATTEMPTS);

    // Act
    for (let i = 0; i < MAX_SEND_ATTEMPTS; i++) await sweepAt(deps, plusMinutes(SEVEN_DAY_DUE, 5 * i));
    const index = await dueIndex(store);
    const nextTier = await sweepAt(deps, TWO_DAY_DUE);

    // Assess
    expect(index.get(bookingId)).toBe(TWO_DAY_DUE);
    expect(nextTier.sent).toBe(1);
    expect(reminders(deps).map((e) => e.at)).toEqual([TWO_DAY_DUE]);
  });
});

describe('families who must not be texted', () => {
  it('skips an opted-out family’s due tiers, sends nothing and does not retry them', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const { bookingId, client } = await booked(deps);
    await optOutNumber(deps, client.phone, { reason: 'stop-text', at: '2026-11-25T12:00:00.000Z' });

    // Act
    const sevenDay = await sweepAt(deps, SEVEN_DAY_DUE);
    const again = await sweepAt(deps, plusMinutes(SEVEN_DAY_DUE, 5));
    const indexAfterSevenDay = await dueIndex(store);
    const rest = [await sweepAt(deps, TWO_DAY_DUE), await sweepAt(deps, MORNING_OF_DUE)];

    // Assess
    expect(sevenDay).toMatchObject({ due: 1, skipped: 1, sent: 0 });
    expect(again).toMatchObject({ due: 0, skipped: 0, sent: 0 });
    expect(indexAfterSevenDay.get(bookingId)).toBe(TWO_DAY_DUE);
    for (const report of rest) expect(report).toMatchObject({ skipped: 1, sent: 0 });
    expect(reminders(deps)).toEqual([]);
    const stored = await getBooking(store, bookingId);
    for (const id of ['7d', '2d', 'morning-of']) {
      expect(stored?.tiers[id]).toMatchObject({ status: 'SKIPPED', skipReason: 'opted-out', attempts: 0 });
    }
    expect((await dueIndex(store)).has(bookingId)).toBe(false);
  });

  it('texts a do-not-text client nothing at all, not even the confirmation', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const flags = { needsCarer: false, parentalMentalHealth: false, vulnerable: true, doNotText: true };
    const { bookingId, client } = await booked(deps, { client: { flags } });

    // Act
    const reports = [
      await sweepAt(deps, SEVEN_DAY_DUE),
      await sweepAt(deps, plusMinutes(SEVEN_DAY_DUE, 5)),
      await sweepAt(deps, TWO_DAY_DUE),
      await sweepAt(deps, MORNING_OF_DUE),
    ];

    // Assess
    expect(reports.map((r) => r.skipped)).toEqual([1, 0, 1, 1]);
    expect(total(reports, 'sent')).toBe(0);
    expect(deps.outbox.entries).toEqual([]);
    expect((await messagesByPhone(store, client.phone)).items).toEqual([]);
    const stored = await getBooking(store, bookingId);
    for (const id of ['confirmation', '7d', '2d', 'morning-of']) {
      expect(stored?.tiers[id]).toMatchObject({ status: 'SKIPPED', skipReason: 'do-not-text' });
    }
    expect((await dueIndex(store)).has(bookingId)).toBe(false);
  });
});

describe('catching up after an outage', () => {
  it('sends only the latest of several due tiers and marks the others superseded', async () => {
    // Prepare: no sweep ran between the booking and an hour after the 2-day tier fell due.
    const deps = testDeps(store, BOOKED_AT);
    const { bookingId } = await booked(deps);

    // Act
    const catchUp = await sweepAt(deps, '2026-12-08T11:00:00.000Z');
    const again = await sweepAt(deps, '2026-12-08T11:05:00.000Z');

    // Assess
    expect(catchUp).toMatchObject({ due: 1, sent: 1 });
    expect(again).toMatchObject({ due: 0, sent: 0 });
    expect(reminders(deps).map((e) => e.at)).toEqual(['2026-12-08T11:00:00.000Z']);
    const stored = await getBooking(store, bookingId);
    expect(stored?.tiers['7d']).toMatchObject({ status: 'SKIPPED', skipReason: 'superseded' });
    expect(stored?.tiers['2d']).toMatchObject({ status: 'SENT', sentAt: '2026-12-08T11:00:00.000Z' });
    expect(stored?.tiers['morning-of']).toMatchObject({ status: 'PENDING' });
    expect((await dueIndex(store)).get(bookingId)).toBe(MORNING_OF_DUE);
  });

  it('sends nothing for an appointment that has already started', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const { bookingId } = await booked(deps);

    // Act
    const report = await sweepAt(deps, '2026-12-10T14:30:00.000Z');

    // Assess
    expect(report).toMatchObject({ due: 1, sent: 0, skipped: 1 });
    expect(reminders(deps)).toEqual([]);
    const stored = await getBooking(store, bookingId);
    for (const id of ['7d', '2d', 'morning-of']) {
      expect(stored?.tiers[id]).toMatchObject({ status: 'SKIPPED', skipReason: 'appointment-started' });
    }
    expect((await dueIndex(store)).has(bookingId)).toBe(false);
  });
});

describe('across the spring clock change', () => {
  it('sends the 7-day and 2-day tiers at 10:00 GMT for a 10:00 BST appointment', async () => {
    // Prepare: Monday 29 March 2027 at 10:00 BST (09:00Z); the clocks go forward on Sunday 28th.
    const deps = testDeps(store, '2027-03-15T10:00:00.000Z');
    const { bookingId } = await booked(deps, {
      slot: { startsAt: '2027-03-29T09:00:00.000Z', localDay: '2027-03-29' },
    });
    const planned = await getBooking(store, bookingId);

    // Act
    const reports = [
      await sweepAt(deps, '2027-03-22T09:55:00.000Z'),
      await sweepAt(deps, '2027-03-22T10:00:00.000Z'),
      await sweepAt(deps, '2027-03-27T09:55:00.000Z'),
      await sweepAt(deps, '2027-03-27T10:00:00.000Z'),
      await sweepAt(deps, '2027-03-29T07:00:00.000Z'),
    ];

    // Assess
    expect(planned?.tiers['7d']?.dueAt).toBe('2027-03-22T10:00:00.000Z');
    expect(planned?.tiers['2d']?.dueAt).toBe('2027-03-27T10:00:00.000Z');
    // A 10:00 appointment gets no morning-of text (only those from 12:00 do).
    expect(planned?.tiers['morning-of']).toMatchObject({ status: 'SKIPPED', skipReason: 'not-applicable' });
    expect(reports.map((r) => r.sent)).toEqual([0, 1, 0, 1, 0]);
    expect(reminders(deps).map((e) => e.at)).toEqual([
      '2027-03-22T10:00:00.000Z',
      '2027-03-27T10:00:00.000Z',
    ]);
    // The text gives the appointment's local (BST) time.
    for (const sms of reminders(deps)) expect(sms.body).toContain('on Mon 29 Mar at 10:00');
  });
});
