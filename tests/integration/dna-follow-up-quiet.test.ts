/**
 * The after-DNA question recorded in quiet hours (trust config `dnaFollowUp`, quietHours 20:00–08:00
 * Europe/London), against DynamoDB Local: held on the booking and in the dueReminders index, sent by the
 * reminder sweep when quiet hours end on the trust's clock (across both clock changes), exactly once
 * however many sweeps or outcome deliveries there are, and not at all to a family who texted STOP, was
 * marked do-not-text or was erased meanwhile.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { TrustConfig } from '#core/config/trust-config.ts';
import type { Booking, Client, Clinic } from '#core/model.ts';
import { sendDnaFollowUp } from '#services/dna-follow-up.ts';
import { runReminderSweep } from '#services/reminders.ts';
import { handleInboundSms } from '#services/replies.ts';
import { getBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { messagesByPhone } from '#store/messages.ts';
import { aClient, aClinic, anInboundSms, aSlotFor, type ClientWithPhone } from '#tests/support/builders.ts';
import { exampleConfig, freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi } from '#tests/support/function-url.ts';
import { plusMinutes, seed } from './helpers.ts';

const ON: TrustConfig = {
  ...exampleConfig,
  quietHours: { start: '20:00', end: '08:00' },
  dnaFollowUp: { ...exampleConfig.dnaFollowUp, enabled: true },
};

interface Dates {
  name: string;
  bookedAt: string;
  startsAt: string;
  recordedAt: string;
  quietEnds: string;
}

/** The clocks go back at 02:00 BST on Sunday 25 October 2026, and forward at 01:00 GMT on Sunday 28 March 2027. */
const CLOCK_CHANGES = [
  {
    name: 'autumn (BST to GMT)',
    bookedAt: '2026-10-20T10:00:00.000Z',
    startsAt: '2026-10-24T13:00:00.000Z', // Saturday 14:00 BST
    recordedAt: '2026-10-24T20:30:00.000Z', // Saturday 21:30 BST: quiet
    quietEnds: '2026-10-25T08:00:00.000Z', // Sunday 08:00 GMT
  },
  {
    name: 'spring (GMT to BST)',
    bookedAt: '2027-03-22T10:00:00.000Z',
    startsAt: '2027-03-27T14:00:00.000Z', // Saturday 14:00 GMT
    recordedAt: '2027-03-27T21:30:00.000Z', // Saturday 21:30 GMT: quiet
    quietEnds: '2027-03-28T07:00:00.000Z', // Sunday 08:00 BST
  },
] as const satisfies readonly Dates[];
const AUTUMN: Dates = CLOCK_CHANGES[0];

let store: StoreContext;
let clinic: Clinic;
let deps: TestDeps;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic();
  await seed(store, { clinic });
  deps = testDeps(store, AUTUMN.bookedAt, ON);
});

/** A booking made by staff, then recorded as a DNA at `at` (in quiet hours). */
async function missedAt(
  when: Dates,
  overrides: Partial<Client> = {},
): Promise<{ child: ClientWithPhone; booking: Booking }> {
  const child = aClient(overrides);
  const slot = aSlotFor(clinic, { startsAt: when.startsAt });
  await seed(store, { clients: [child], slots: [slot] });
  deps.clock.set(when.bookedAt);
  const made = await callApi<Booking>(deps, 'POST', '/bookings', { slotId: slot.id, clientId: child.id });
  expect(made.status).toBe(201);
  deps.clock.set(when.recordedAt);
  const res = await callApi(deps, 'POST', `/bookings/${made.body.id}/outcome`, { outcome: 'DNA' });
  expect(res.status).toBe(200);
  return { child, booking: made.body };
}

const question = (phone: string) =>
  deps.outbox.entries.filter((e) => e.to === phone && e.body.includes('Reply 1 work'));

describe('a DNA recorded in quiet hours', () => {
  it.each(CLOCK_CHANGES)('is held and sent when quiet hours end, on the local clock: $name', async (when) => {
    // Act: recorded in quiet hours.
    const { child, booking } = await missedAt(when);

    // Assess: held, not sent and not dropped, due at 08:00 local (which is a different UTC hour each side).
    expect(question(child.phone)).toEqual([]);
    expect((await getBooking(store, booking.id))?.dnaFollowUp).toMatchObject({
      state: 'HELD',
      dueAt: when.quietEnds,
    });

    // A sweep a minute before 08:00 local sends nothing.
    deps.clock.set(plusMinutes(when.quietEnds, -1));
    await runReminderSweep(deps);
    expect(question(child.phone)).toEqual([]);

    // The first sweep at 08:00 local sends it, once.
    deps.clock.set(when.quietEnds);
    const report = await runReminderSweep(deps);
    expect(report.sent).toBe(1);
    const sent = question(child.phone);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.at).toBe(when.quietEnds);
    const stored = await getBooking(store, booking.id);
    expect(stored?.dnaFollowUp).toMatchObject({ state: 'SENT', at: when.quietEnds });
    // Recorded like every text (metrics count it), under the question's kind so a reply is read as its answer.
    const messages = await messagesByPhone(store, child.phone, {});
    expect(messages.items.filter((m) => m.kind === 'dnaFollowUp').map((m) => m.id)).toEqual([
      stored?.dnaFollowUp?.messageId,
    ]);

    // Later sweeps find nothing more to send.
    deps.clock.set(plusMinutes(when.quietEnds, 5));
    await runReminderSweep(deps);
    expect(question(child.phone)).toHaveLength(1);
  });

  it('is sent exactly once with duplicate deliveries: a repeated outcome, a direct send, and sweeps racing', async () => {
    const { child, booking } = await missedAt(AUTUMN);

    // Act: the outcome delivered again, in quiet hours and after; the send called again; sweeps at once.
    const again = await callApi(deps, 'POST', `/bookings/${booking.id}/outcome`, { outcome: 'DNA' });
    expect(again.status).toBe(409);
    expect(await sendDnaFollowUp(deps, { ...booking, status: 'DNA' })).toBe('already-claimed');
    deps.clock.set(AUTUMN.quietEnds);
    await Promise.all([runReminderSweep(deps), runReminderSweep(deps), runReminderSweep(deps)]);
    const late = await callApi(deps, 'POST', `/bookings/${booking.id}/outcome`, { outcome: 'DNA' });
    expect(late.status).toBe(409);
    await runReminderSweep(deps);

    // Assess
    expect(question(child.phone)).toHaveLength(1);
    expect((await getBooking(store, booking.id))?.dnaFollowUp?.state).toBe('SENT');
  });

  it('is not sent if the family texts STOP before quiet hours end', async () => {
    const { child, booking } = await missedAt(AUTUMN);
    deps.clock.set(plusMinutes(AUTUMN.recordedAt, 30));
    await handleInboundSms(deps, anInboundSms(child.phone, 'STOP'));

    deps.clock.set(AUTUMN.quietEnds);
    await runReminderSweep(deps);

    expect(question(child.phone)).toEqual([]);
    expect((await getBooking(store, booking.id))?.dnaFollowUp).toMatchObject({
      state: 'NOT_SENT',
      reason: 'opted-out',
    });
  });

  it('is not sent if staff switch the family’s texts off meanwhile (said as sms-off, not do-not-text)', async () => {
    const { child, booking } = await missedAt(AUTUMN);
    const patched = await callApi(deps, 'PATCH', `/clients/${child.id}`, {
      contact: { sms: { on: false, reason: 'domestic abuse risk' } },
    });
    expect(patched.status).toBe(200);

    deps.clock.set(AUTUMN.quietEnds);
    await runReminderSweep(deps);

    expect(question(child.phone)).toEqual([]);
    expect((await getBooking(store, booking.id))?.dnaFollowUp).toMatchObject({
      state: 'NOT_SENT',
      reason: 'sms-off',
    });
  });

  it('is not sent if the family is erased meanwhile', async () => {
    const { child, booking } = await missedAt(AUTUMN);
    const erased = await callApi(deps, 'DELETE', `/clients/${child.id}`);
    expect(erased.status).toBe(200);

    deps.clock.set(AUTUMN.quietEnds);
    await runReminderSweep(deps);

    expect(question(child.phone)).toEqual([]);
    const after = await getBooking(store, booking.id);
    expect(after?.dnaFollowUp).toMatchObject({ state: 'NOT_SENT', reason: 'erased' });
  });

  it('outside quiet hours it still goes at once, as before', async () => {
    const daytime = { ...AUTUMN, recordedAt: '2026-10-24T15:00:00.000Z' };
    const { child, booking } = await missedAt(daytime);
    expect(question(child.phone)).toHaveLength(1);
    expect((await getBooking(store, booking.id))?.dnaFollowUp?.state).toBe('SENT');
  });
});
