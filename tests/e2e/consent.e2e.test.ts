/**
 * Issue 9, item 1, as a new user would try it on `npm start`: a STOP belongs to the phone number, not to
 * the child whose record happened to be on it when the text came in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '#local/runtime.ts';
import type { OutboxEntry } from '#messaging/outbox-sms-sender.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;
let http: Api;

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

const textsTo = async (phone: string) =>
  (await http.get<{ items: OutboxEntry[] }>('/dev/sms/outbox')).body.items.filter((e) => e.to === phone);

async function bookSlot(clientId: string, date: string, time: string): Promise<{ status: number }> {
  const slot = await http.post<{ id: string }>('/slots', {
    clinicId: 'oakwood',
    type: 'one-year-review',
    date,
    time,
  });
  return http.post('/bookings', { slotId: slot.body.id, clientId });
}

describe('consent belongs to the phone number', () => {
  it('a second child registered on a number that texted STOP gets no confirmation and no reminders', async () => {
    // Prepare: a client on 07700 900626, and the number texts STOP
    const first = await http.post<{ id: string }>('/clients', { firstName: 'Ava', phone: '07700 900626' });
    expect(first.status).toBe(201);
    const stop = await http.post('/dev/sms/inbound', { from: '07700 900626', body: 'STOP' });
    expect(stop.status).toBe(200);
    const afterStop = (await textsTo('+447700900626')).length;

    // Act: a second child on the same number, booked in, and time passes over every reminder
    const second = await http.post<{ id: string; optedOut: boolean; consent: unknown }>('/clients', {
      firstName: 'Ben',
      phone: '07700 900626',
    });
    const booked = await bookSlot(second.body.id, '2026-12-04', '14:30');
    await http.post('/dev/clock', { now: '2026-12-04T15:00:00Z' });

    // Assess: nothing more went to the number, and staff can see why
    expect(second.status).toBe(201);
    expect(booked.status).toBe(201);
    expect((await textsTo('+447700900626')).slice(afterStop)).toEqual([]);
    const read = await http.get<{ optedOut: boolean; consent: Record<string, unknown> }>(
      `/clients/${second.body.id}`,
    );
    expect(read.body).toMatchObject({
      optedOut: true,
      consent: { state: 'opted-out', reason: 'stop-text', since: '2026-11-23T09:00:00.000Z' },
    });
  });
});
