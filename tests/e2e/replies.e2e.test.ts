/**
 * Parents replying by text, as a new user would try it on `npm start`: POST /dev/sms/inbound wraps each
 * reply in the SNS event End User Messaging produces and runs the same inbound handler as Lambda.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking } from '#core/model.ts';
import type { LocalRuntime } from '#local/runtime.ts';
import type { OutboxEntry } from '#messaging/outbox-sms-sender.ts';
import type { InboxItem } from '#store/inbox.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;
let http: Api;

interface InboundResponse {
  inboundMessageId: string;
  result: { handled: number };
  replies: OutboxEntry[];
}

beforeAll(async () => {
  // Monday 23 November 2026, 09:00 UK time.
  runtime = await startTestRuntime('2026-11-23T09:00:00Z');
  http = api(runtime.url);
  await http.post('/clinics', {
    id: 'oakwood',
    name: 'Oakwood Health Centre',
    venue: 'Oakwood Health Centre',
  });
});

afterAll(async () => {
  await runtime?.stop();
});

async function book(firstName: string, phone: string, date: string, time: string): Promise<Booking> {
  const client = await http.post<{ id: string }>('/clients', { firstName, phone });
  const slot = await http.post<{ id: string }>('/slots', {
    clinicId: 'oakwood',
    type: 'one-year-review',
    date,
    time,
  });
  const booking = await http.post<Booking>('/bookings', { slotId: slot.body.id, clientId: client.body.id });
  expect(booking.status).toBe(201);
  return booking.body;
}

const reply = (from: string, body: string, extra: Record<string, string> = {}) =>
  http.post<InboundResponse>('/dev/sms/inbound', { from, body, ...extra });

const textsTo = async (phone: string) =>
  (await http.get<{ items: OutboxEntry[] }>('/dev/sms/outbox')).body.items.filter((e) => e.to === phone);

describe('two-way SMS', () => {
  it('cancels on "Cancel pls", frees the slot, confirms once, and ignores a redelivery', async () => {
    // Prepare: a booking whose 2-day reminder goes out
    const booking = await book('Oliver', '07700 900301', '2026-12-04', '10:30');
    await http.post('/dev/clock', { now: '2026-12-02T12:00:00Z' });
    const before = await textsTo('+447700900301');
    expect(before.map((t) => t.body).some((b) => /reminder/i.test(b))).toBe(true);
    const reminder = before[before.length - 1]!;

    // Act
    const first = await reply('07700 900301', 'Cancel pls', { inReplyTo: reminder.id });

    // Assess
    expect(first.status).toBe(200);
    expect(first.body.replies).toHaveLength(1);
    expect(first.body.replies[0]?.body).toMatch(/cancelled/i);
    const after = await http.get<Booking>(`/bookings/${booking.id}`);
    expect(after.body.status).toBe('CANCELLED');
    expect(after.body.cancelledBy).toMatch(/^sms:/);
    const slot = await http.get<{ status: string }>(`/slots/${booking.slotId}`);
    expect(slot.body.status).toBe('FREE');

    // Act: SNS delivers the very same message again
    const again = await reply('07700 900301', 'Cancel pls', {
      inboundMessageId: first.body.inboundMessageId,
    });

    // Assess: nothing changes, nothing more is sent
    expect(again.body.replies).toHaveLength(0);
    expect(await textsTo('+447700900301')).toHaveLength(before.length + 1);

    // A new CANCEL for the same booking is answered "already cancelled", never an error
    const second = await reply('07700 900301', 'cancel', { inReplyTo: reminder.id });
    expect(second.body.replies[0]?.body).toMatch(/already cancelled/i);
  });

  it('asks a phone with two children booked to choose, then "cancel <code>" cancels the right one', async () => {
    const first = await book('Maja', '07700 900302', '2026-12-08', '09:30');
    const second = await book('Jakub', '07700 900302', '2026-12-09', '14:00');

    const ambiguous = await reply('07700 900302', 'I need to cancel');
    expect(ambiguous.body.replies).toHaveLength(1);
    expect(ambiguous.body.replies[0]?.body).toContain(`CANCEL ${first.ref}`);
    expect(ambiguous.body.replies[0]?.body).toContain(`CANCEL ${second.ref}`);
    expect((await http.get<Booking>(`/bookings/${first.id}`)).body.status).toBe('BOOKED');
    expect((await http.get<Booking>(`/bookings/${second.id}`)).body.status).toBe('BOOKED');

    await reply('07700 900302', `cancel ${second.ref}`);

    expect((await http.get<Booking>(`/bookings/${first.id}`)).body.status).toBe('BOOKED');
    expect((await http.get<Booking>(`/bookings/${second.id}`)).body.status).toBe('CANCELLED');
  });

  it('STOP silences every later reminder to that phone, and START turns texts back on', async () => {
    const booking = await book('Freya', '07700 900303', '2026-12-18', '15:00');
    const sentBefore = (await textsTo('+447700900303')).length;

    const stop = await reply('07700 900303', 'STOP');
    expect(stop.body.replies[0]?.body).toMatch(/START/);

    await http.post('/dev/clock', { now: '2026-12-18T16:00:00Z' });
    const texts = await textsTo('+447700900303');
    expect(texts).toHaveLength(sentBefore + 1); // only the STOP confirmation
    const after = await http.get<Booking>(`/bookings/${booking.id}`);
    expect(Object.values(after.body.tiers).filter((t) => t.status === 'SENT')).toHaveLength(1); // the confirmation

    const startAgain = await reply('07700 900303', 'start');
    expect(startAgain.body.replies[0]?.body).toMatch(/back on/i);
  });

  it('puts gibberish and unknown numbers in the staff inbox with a polite answer', async () => {
    const gibberish = await reply('07700 900304', 'asdf qwerty 🙃');
    expect(gibberish.body.replies).toHaveLength(1);
    const inbox = await http.get<{ items: InboxItem[] }>('/inbox');
    const item = inbox.body.items.find((i) => i.phone === '+447700900304');
    expect(item?.body).toBe('asdf qwerty 🙃');
    expect(item?.reason).toBe('unmatched-number');

    const handled = await http.post<InboxItem>(`/inbox/${item!.id}/handled`, { note: 'Wrong number' });
    expect(handled.status).toBe(200);
    const twice = await http.post<{ error: { code: string } }>(`/inbox/${item!.id}/handled`, {});
    expect(twice.status).toBe(409);
    const open = await http.get<{ items: InboxItem[] }>('/inbox');
    expect(open.body.items.some((i) => i.id === item!.id)).toBe(false);
  });
});
