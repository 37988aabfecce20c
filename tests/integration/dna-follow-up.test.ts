/**
 * The optional after-DNA question (trust config `dnaFollowUp`) against DynamoDB Local and the real table
 * stream: sent once per DNA outcome however often the outcome arrives, only through the consent guard
 * and outside quiet hours, counted in the metrics' texts and cost; its answer ("2", "childcare") is
 * recorded as the missed booking's reason, and anything else goes to the inbox for staff to tag.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrustConfig } from '#core/config/trust-config.ts';
import type { Booking, Client, Clinic } from '#core/model.ts';
import { StreamPoller } from '#local/stream-poller.ts';
import { optOutNumber } from '#services/consent.ts';
import { sendDnaFollowUp } from '#services/dna-follow-up.ts';
import { countStreamRecord } from '#services/metrics.ts';
import { handleInboundSms } from '#services/replies.ts';
import { getBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { openInbox } from '#store/inbox.ts';
import { messagesByPhone } from '#store/messages.ts';
import { METRICS_FILTER_PATTERNS } from '#store/metrics-stream-filters.ts';
import { aClient, aClinic, anInboundSms, aSlotFor, type ClientWithPhone } from '#tests/support/builders.ts';
import { exampleConfig, freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, type ErrorResult } from '#tests/support/function-url.ts';
import { seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London. */
const NOW = '2026-11-23T10:00:00.000Z';
const TUESDAY = '2026-11-24T10:00:00.000Z';
/** Tuesday 12:00, after the appointment: staff record the outcome. */
const AFTER = '2026-11-24T12:00:00.000Z';
/** Tuesday 21:30: quiet hours (20:00 to 08:00). */
const EVENING = '2026-11-24T21:30:00.000Z';

const ON: TrustConfig = { ...exampleConfig, dnaFollowUp: { ...exampleConfig.dnaFollowUp, enabled: true } };

let store: StoreContext & { endpoint: string };
let clinic: Clinic;
let deps: TestDeps;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic();
  await seed(store, { clinic });
  deps = testDeps(store, NOW, ON);
});

async function missed(
  overrides: Partial<Client> = {},
  outcome: 'DNA' | 'WNB' = 'DNA',
  at = AFTER,
): Promise<{ child: ClientWithPhone; booking: Booking; status: number }> {
  const child = aClient(overrides);
  const slot = aSlotFor(clinic, { startsAt: TUESDAY });
  await seed(store, { clients: [child], slots: [slot] });
  deps.clock.set(NOW);
  const made = await callApi<Booking>(deps, 'POST', '/bookings', { slotId: slot.id, clientId: child.id });
  expect(made.status).toBe(201);
  deps.clock.set(at);
  const res = await callApi(deps, 'POST', `/bookings/${made.body.id}/outcome`, { outcome });
  return { child, booking: made.body, status: res.status };
}

const textsTo = (phone: string) => deps.outbox.entries.filter((e) => e.to === phone).map((e) => e.body);
const question = (phone: string) => textsTo(phone).filter((b) => b.includes('Reply 1 work'));

describe('sending the question', () => {
  it('sends it once per DNA: a repeated outcome and a second send change nothing', async () => {
    // Act
    const { child, booking, status } = await missed({ phone: '+447700900401' });
    const again = await callApi(deps, 'POST', `/bookings/${booking.id}/outcome`, { outcome: 'DNA' });
    const direct = await sendDnaFollowUp(deps, { ...booking, status: 'DNA' });

    // Assess
    expect(status).toBe(200);
    expect([again.status, (again.body as ErrorResult).error.code]).toEqual([409, 'OUTCOME_ALREADY_RECORDED']);
    expect(direct).toBe('already-claimed');
    expect(question(child.phone)).toEqual([
      `${ON.shortName}: sorry we missed you. If you can, tell us why. Reply 1 work, 2 childcare, 3 transport, 4 unwell, 5 forgot, 6 other`,
    ]);
    const stored = await getBooking(store, booking.id);
    expect(stored?.dnaFollowUp).toMatchObject({ state: 'SENT', at: AFTER });
    const sent = (await messagesByPhone(store, child.phone)).items.find((m) => m.kind === 'dnaFollowUp');
    expect(sent).toMatchObject({ bookingId: booking.id, segments: 1, encoding: 'GSM-7' });
  });

  it('hands the guard the reading of the number it checked, so the guard need not read it again', async () => {
    // Prepare
    const calls = vi.spyOn(deps.sms, 'send');

    // Act
    const { child } = await missed({ phone: '+447700900402' });

    // Assess
    const asked = calls.mock.calls.filter(([sms]) => sms.body.includes('Reply 1 work'));
    expect(asked.map(([sms]) => sms.consentRead?.phone)).toEqual([child.phone]);
  });

  it('is in the family’s language', async () => {
    const { child } = await missed({ phone: '+447700900402', language: 'cy' });
    expect(textsTo(child.phone).at(-1)).toContain('Atebwch 1 gwaith, 2 gofal plant');
  });

  it('is not sent when the trust leaves it off (the example config), nor after a WNB unless asked for', async () => {
    deps = testDeps(store, NOW, exampleConfig);
    const off = await missed({ phone: '+447700900403' });
    deps = testDeps(store, NOW, ON);
    const wnb = await missed({ phone: '+447700900404' }, 'WNB');
    deps = testDeps(store, NOW, { ...ON, dnaFollowUp: { ...ON.dnaFollowUp, afterWnb: true } });
    const wnbOn = await missed({ phone: '+447700900405' }, 'WNB');

    expect(question(off.child.phone)).toEqual([]);
    expect((await getBooking(store, off.booking.id))?.dnaFollowUp).toBeUndefined();
    expect(question(wnb.child.phone)).toEqual([]);
    expect(question(wnbOn.child.phone)).toHaveLength(1);
  });

  it('honours STOP, do-not-text and quiet hours: nothing is sent now and the booking says why', async () => {
    // Prepare: a number that texted STOP after booking.
    const stopped = aClient({ phone: '+447700900406' });
    const slot = aSlotFor(clinic, { startsAt: TUESDAY });
    await seed(store, { clients: [stopped], slots: [slot] });
    const made = await callApi<Booking>(deps, 'POST', '/bookings', { slotId: slot.id, clientId: stopped.id });
    await optOutNumber(deps, stopped.phone, { reason: 'stop-text', at: NOW });
    deps.clock.set(AFTER);
    await callApi(deps, 'POST', `/bookings/${made.body.id}/outcome`, { outcome: 'DNA' });
    const flags = { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: true };

    // Act
    const dnt = await missed({ phone: '+447700900407', flags });
    // Texts switched off by staff (the sms channel), not the flag: said as its own reason.
    const off = await missed({
      phone: '+447700900409',
      contact: { sms: { on: false, reason: 'family asked for letters' }, letter: { on: true } },
    });
    const evening = await missed({ phone: '+447700900408' }, 'DNA', EVENING);

    // Assess
    for (const phone of [stopped.phone, dnt.child.phone, evening.child.phone])
      expect(question(phone)).toEqual([]);
    expect((await getBooking(store, made.body.id))?.dnaFollowUp).toMatchObject({
      state: 'NOT_SENT',
      reason: 'opted-out',
    });
    expect((await getBooking(store, dnt.booking.id))?.dnaFollowUp).toMatchObject({ reason: 'do-not-text' });
    expect(question(off.child.phone)).toEqual([]);
    expect((await getBooking(store, off.booking.id))?.dnaFollowUp).toMatchObject({
      state: 'NOT_SENT',
      reason: 'sms-off',
    });
    // Quiet hours hold the question until they end (tests/integration/dna-follow-up-quiet.test.ts).
    expect((await getBooking(store, evening.booking.id))?.dnaFollowUp).toMatchObject({
      state: 'HELD',
      dueAt: '2026-11-25T08:00:00.000Z',
    });
  });
});

describe('metrics', () => {
  let poller: StreamPoller;
  afterEach(async () => poller?.close());

  it('counts the question in texts sent and their cost', async () => {
    // Prepare
    poller = new StreamPoller({
      endpoint: store.endpoint,
      tableName: store.table,
      filters: METRICS_FILTER_PATTERNS,
      handler: async (event) => {
        for (const record of event.Records) {
          const image = (i: unknown) => (i ? (unmarshall(i as never) as Record<string, unknown>) : undefined);
          await countStreamRecord(deps, {
            eventId: record.eventID!,
            eventName: record.eventName,
            oldImage: image(record.dynamodb?.OldImage),
            newImage: image(record.dynamodb?.NewImage),
          });
        }
      },
    });
    await poller.init();
    type Texts = { totals: { summary: { texts: { sent: number; segments: number; costGbp: number } } } };
    const texts = async () => {
      await poller.drain();
      const res = await callApi<Texts>(deps, 'GET', '/metrics?from=2026-11-23&to=2026-11-29');
      return res.body.totals.summary.texts;
    };
    deps = testDeps(store, NOW, { ...ON, quietHours: { start: '23:00', end: '23:00' } });
    const child = aClient({ phone: '+447700900409' });
    const slot = aSlotFor(clinic, { startsAt: TUESDAY });
    await seed(store, { clients: [child], slots: [slot] });
    const made = await callApi<Booking>(deps, 'POST', '/bookings', { slotId: slot.id, clientId: child.id });
    const before = await texts();

    // Act
    deps.clock.set(AFTER);
    await callApi(deps, 'POST', `/bookings/${made.body.id}/outcome`, { outcome: 'DNA' });
    const after = await texts();

    // Assess
    expect(question(child.phone)).toHaveLength(1);
    expect(after.sent - before.sent).toBe(1);
    expect(after.segments - before.segments).toBe(1);
    // The report prices segments to the penny.
    const price = ON.costs.pricePerSegmentGbp;
    expect(after.costGbp).toBe(Math.round(after.segments * price * 100) / 100);
    expect(after.costGbp).toBeGreaterThan(before.costGbp);
  });
});

describe('the answer', () => {
  it.each([
    ['2', 'childcare'],
    ['childcare', 'childcare'],
    ['3.', 'transport'],
    ['we missed the bus', 'transport'],
  ] as const)('records %j as the missed booking’s reason, with no text back', async (body, reason) => {
    const { child, booking } = await missed({ phone: '+447700900410' });
    const before = deps.outbox.entries.length;
    const result = await handleInboundSms(deps, anInboundSms(child.phone, body));
    expect(result).toMatchObject({ outcome: 'dna-reason-recorded', bookingId: booking.id });
    expect(await getBooking(store, booking.id)).toMatchObject({ status: 'DNA', cancelCategory: reason });
    expect(deps.outbox.entries.length).toBe(before);
  });

  it('a redelivered answer changes nothing twice, and does not overwrite a reason staff recorded', async () => {
    const { child, booking } = await missed({ phone: '+447700900411' });
    const sms = anInboundSms(child.phone, '1');
    await handleInboundSms(deps, sms);
    await handleInboundSms(deps, sms);
    const later = await handleInboundSms(deps, anInboundSms(child.phone, '4'));
    expect(later.outcome).toBe('dna-reason-recorded');
    expect((await getBooking(store, booking.id))?.cancelCategory).toBe('work');
  });

  it('sends anything else to the inbox, where a staff tag records the reason', async () => {
    // Act
    const { child, booking } = await missed({ phone: '+447700900412' });
    const result = await handleInboundSms(deps, anInboundSms(child.phone, 'my sister was getting married'));
    const item = (await openInbox(store)).items.find((i) => i.phone === child.phone);
    const tagged = await callApi(deps, 'POST', `/inbox/${item?.id}/reason`, { reason: 'other' });

    // Assess
    expect(result.outcome).toBe('dna-reason-to-inbox');
    expect(item).toMatchObject({ reason: 'dna-reason', bookingIds: [booking.id] });
    expect(tagged.status).toBe(200);
    expect(tagged.body).toMatchObject({ taggedReason: 'other' });
    expect(await getBooking(store, booking.id)).toMatchObject({ cancelCategory: 'other' });
  });

  it('is not read as an answer after the reply window', async () => {
    const late = await missed({ phone: '+447700900413' });
    deps.clock.set('2026-11-27T13:00:00.000Z');
    const afterWindow = await handleInboundSms(deps, anInboundSms(late.child.phone, '2'));
    expect(afterWindow.outcome).toBe('to-inbox');
    expect((await getBooking(store, late.booking.id))?.cancelCategory).toBeUndefined();
  });
});
