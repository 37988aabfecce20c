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

  it('an imported patient on a number that texted STOP starts opted out, and staff see why', async () => {
    // Prepare
    await http.post('/dev/sms/inbound', { from: '07700 900627', body: 'Stop' });
    const csv = [
      'source_system,clinic_id,clinic_name,venue,patient_id,first_name,family_name,mobile,language,date_of_birth,due_date,imd_decile,needs_carer,parental_mental_health,vulnerable,do_not_text,appointment_id,appointment_type,date,time,duration_minutes,status',
      'systmone,oakwood,Oakwood Health Centre,Oakwood Health Centre,P9001,Cara,Jones,07700 900627,en,2025-12-10,,3,no,no,no,no,A9001,one-year-review,2026-12-10,10:00,45,booked',
    ].join('\n');

    // Act
    const imported = await fetch(`${runtime.url}/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
    const found = await http.get<{ items: { firstName: string; optedOut: boolean; consent: unknown }[] }>(
      '/clients?phone=07700900627',
    );

    // Assess
    expect(imported.status).toBe(200);
    expect(found.body.items).toEqual([
      expect.objectContaining({
        firstName: 'Cara',
        optedOut: true,
        consent: { state: 'opted-out', reason: 'stop-text', since: expect.any(String) },
      }),
    ]);
    expect(await textsTo('+447700900627')).toHaveLength(1); // the STOP confirmation only
  });
});

describe('staff record an opt-out for the number (POST /clients/{id}/opt-out, /opt-in)', () => {
  interface ErrorBody {
    error: { code: string; message: string };
  }

  it('opts the number out, and back in', async () => {
    // Prepare
    const client = await http.post<{ id: string }>('/clients', { firstName: 'Dan', phone: '07700 900628' });

    // Act
    const out = await http.post<{ optedOut: boolean; consent: unknown }>(
      `/clients/${client.body.id}/opt-out`,
    );
    const sibling = await http.post<{ optedOut: boolean }>('/clients', {
      firstName: 'Eve',
      phone: '07700900628',
    });
    const back = await http.post<{ optedOut: boolean; consent: unknown }>(
      `/clients/${client.body.id}/opt-in`,
    );

    // Assess
    expect(out).toMatchObject({
      status: 200,
      body: { optedOut: true, consent: { state: 'opted-out', reason: 'staff' } },
    });
    expect(sibling.body.optedOut).toBe(true);
    expect(back).toMatchObject({ status: 200, body: { optedOut: false, consent: { state: 'opted-in' } } });
  });

  it('refuses to lift a STOP in the error shape, and answers 404 for an unknown client', async () => {
    // Prepare
    const client = await http.post<{ id: string }>('/clients', { firstName: 'Finn', phone: '07700 900629' });
    await http.post('/dev/sms/inbound', { from: '07700 900629', body: 'STOP' });

    // Act
    const refused = await http.post<ErrorBody>(`/clients/${client.body.id}/opt-in`);
    const unknown = await http.post<ErrorBody>('/clients/nobody-here/opt-out');

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'OPTED_OUT_BY_TEXT',
      message: expect.stringMatching(/START/),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });
});
