/**
 * A scheduler's day, as a new user would try it on `npm start`: create a clinic, a family, a slot and a
 * booking over HTTP, move the virtual clock to each tier, and read the outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking } from '#core/model.ts';
import type { LocalRuntime } from '#local/runtime.ts';
import type { OutboxEntry } from '#messaging/outbox-sms-sender.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;
let http: Api;

beforeAll(async () => {
  // Sunday 22 November 2026, 11:00 UK time (GMT).
  runtime = await startTestRuntime('2026-11-22T11:00:00Z');
  http = api(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

const outbox = async (phone: string) =>
  (await http.get<{ items: OutboxEntry[] }>('/dev/sms/outbox')).body.items.filter((e) => e.to === phone);

const setClock = (now: string) => http.post<{ now: string }>('/dev/clock', { now });

describe('tiered reminders over the admin API', () => {
  it('sends the confirmation, then each tier once at its local time, and nothing after a cancellation', async () => {
    // Prepare
    const clinic = await http.post<{ id: string }>('/clinics', {
      id: 'riverside',
      name: 'Riverside Children’s Centre',
      venue: 'Riverside Children’s Centre',
    });
    expect(clinic.status).toBe(201);
    const client = await http.post<{ id: string; phone: string }>('/clients', {
      firstName: 'Amelia',
      phone: '07700 900123',
    });
    expect(client.status).toBe(201);
    expect(client.body.phone).toBe('+447700900123');
    // Thursday 3 December 2026, 14:00 local.
    const slot = await http.post<{ id: string; startsAt: string }>('/slots', {
      clinicId: 'riverside',
      type: 'six-to-eight-week-review',
      date: '2026-12-03',
      time: '14:00',
    });
    expect(slot.status).toBe(201);
    expect(slot.body.startsAt).toBe('2026-12-03T14:00:00.000Z');

    // Act: book
    const booked = await http.post<Booking>('/bookings', { slotId: slot.body.id, clientId: client.body.id });

    // Assess: confirmation at once, plan stored
    expect(booked.status).toBe(201);
    expect(booked.body.tiers.confirmation?.status).toBe('SENT');
    expect(booked.body.tiers['7d']?.dueAt).toBe('2026-11-26T10:00:00.000Z');
    expect(booked.body.tiers['2d']?.dueAt).toBe('2026-12-01T10:00:00.000Z');
    expect(booked.body.tiers['morning-of']?.dueAt).toBe('2026-12-03T08:00:00.000Z');
    let texts = await outbox('+447700900123');
    expect(texts).toHaveLength(1);
    expect(texts[0]?.body).toContain('booked');
    expect(texts[0]?.encoding).toBe('GSM-7');
    expect(texts[0]?.segments).toBe(1);

    // Act: a week passes in one jump
    await setClock('2026-11-30T12:00:00Z');
    texts = await outbox('+447700900123');
    expect(texts.map((t) => t.at)).toEqual(['2026-11-22T11:00:00.000Z', '2026-11-26T10:00:00.000Z']);
    expect(texts[1]?.body).toMatch(/reminder/i);
    expect(texts[1]?.body).toContain('Thu 3 Dec');
    expect(texts[1]?.body).toContain('14:00');

    // Act: the 2-day tier
    await setClock('2026-12-02T07:00:00Z');
    texts = await outbox('+447700900123');
    expect(texts.map((t) => t.at)).toEqual([
      '2026-11-22T11:00:00.000Z',
      '2026-11-26T10:00:00.000Z',
      '2026-12-01T10:00:00.000Z',
    ]);
    // No text was stamped inside quiet hours (20:00–08:00 UK time; GMT in December).
    for (const t of texts) {
      const hour = new Date(t.at).getUTCHours();
      expect(hour >= 8 && hour < 20).toBe(true);
    }

    // Act: staff cancel the day before; the morning-of text must never go
    const cancelled = await http.post<{ booking: Booking; notified: boolean }>(
      `/bookings/${booked.body.id}/cancel`,
      {
        reason: 'Health visitor unwell',
      },
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.booking.status).toBe('CANCELLED');
    expect(cancelled.body.notified).toBe(false); // 07:00 is quiet hours: staff are told to phone instead
    await setClock('2026-12-03T16:00:00Z');

    // Assess
    texts = await outbox('+447700900123');
    expect(texts).toHaveLength(3);
    const slotAfter = await http.get<{ status: string }>(`/slots/${slot.body.id}`);
    expect(slotAfter.body.status).toBe('FREE');
    const again = await http.post<{ error: { code: string } }>(`/bookings/${booked.body.id}/cancel`, {
      reason: 'twice',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_CANCELLED');
  });
});

describe('admin API contract', () => {
  it('answers a malformed body with a 400 naming each bad field', async () => {
    const res = await http.post<{ error: { code: string; fields: { field: string; message: string }[] } }>(
      '/clients',
      {
        firstName: '',
        phone: '01622 123456',
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields.map((f) => f.field)).toContain('firstName');

    const landline = await http.post<{ error: { fields: { field: string; message: string }[] } }>(
      '/clients',
      {
        firstName: 'Amelia',
        phone: '01622 123456',
      },
    );
    expect(landline.status).toBe(400);
    expect(landline.body.error.fields[0]?.field).toBe('phone');
    expect(landline.body.error.fields[0]?.message).toMatch(/landline/i);
  });

  it('rejects invalid JSON, unknown appointment types and missing records clearly', async () => {
    const bad = await http.post<{ error: { code: string } }>('/clinics', '{"name":');
    expect(bad.status).toBe(400);
    const type = await http.post<{ error: { fields: { field: string }[] } }>('/slots', {
      clinicId: 'riverside',
      type: 'brain-surgery',
      date: '2026-12-10',
      time: '10:00',
    });
    expect(type.status).toBe(400);
    expect(type.body.error.fields[0]?.field).toBe('type');
    const missing = await http.get<{ error: { code: string } }>('/bookings/does-not-exist');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const route = await http.get<{ error: { code: string } }>('/no-such-route');
    expect(route.status).toBe(404);
  });

  it('refuses a local time that does not exist on the day the clocks go forward', async () => {
    const res = await http.post<{ error: { fields: { field: string }[] } }>('/slots', {
      clinicId: 'riverside',
      type: 'clinic',
      date: '2027-03-28',
      time: '01:30',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0]?.field).toBe('time');
  });

  it('previews a template with its encoding, segments and cost', async () => {
    const en = await http.post<{ text: string; encoding: string; segments: number }>('/templates/preview', {
      key: 'reminder',
      type: 'one-year-review',
    });
    expect(en.status).toBe(200);
    expect(en.body.encoding).toBe('GSM-7');
    expect(en.body.segments).toBe(1);
    expect(en.body.text).toContain('1 year review');
    const cy = await http.post<{ text: string; encoding: string; language: string }>('/templates/preview', {
      key: 'reminder',
      language: 'cy',
    });
    expect(cy.body.language).toBe('cy');
    const unknownKey = await http.post<{ error: { fields: { field: string }[] } }>('/templates/preview', {
      key: 'nope',
    });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.body.error.fields[0]?.field).toBe('key');
  });
});

describe('POST /dev/clock', () => {
  it('refuses a move of more than a year either way with a 400 naming the field, and leaves the clock', async () => {
    // Prepare
    const before = (await http.get<{ now: string }>('/dev/clock')).body.now;

    // Act
    const back = await http.post<{ error: { fields: { field: string; message: string }[] } }>('/dev/clock', {
      now: '2020-01-01T00:00:00Z',
    });
    const ahead = await http.post<{ error: { fields: { field: string; message: string }[] } }>('/dev/clock', {
      advance: 'P2Y',
    });

    // Assess
    expect(back.status).toBe(400);
    expect(back.body.error.fields[0]).toMatchObject({
      field: 'now',
      message: expect.stringMatching(/at most 366 days/),
    });
    expect(ahead.status).toBe(400);
    expect(ahead.body.error.fields[0]).toMatchObject({ field: 'advance' });
    const banana = await http.post<{ error: { fields: { field: string }[] } }>('/dev/clock', {
      advance: 'banana',
    });
    expect(banana.status).toBe(400);
    expect(banana.body.error.fields[0]?.field).toBe('advance');
    expect((await http.get<{ now: string }>('/dev/clock')).body.now).toBe(before);
  });
});
