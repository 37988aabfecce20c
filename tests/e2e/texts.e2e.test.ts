/**
 * Issue 9, item 8, as a new user would try it on `npm start`: look-alike characters in a name cost
 * nothing extra, emoji are refused where staff type them, and no text is over six segments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '#local/runtime.ts';
import type { OutboxEntry } from '#messaging/outbox-sms-sender.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;
let http: Api;

interface ErrorBody {
  error: { code: string; message: string; fields?: { field: string; message: string }[] };
}

beforeAll(async () => {
  // Monday 23 November 2026, 09:00 UK time.
  runtime = await startTestRuntime('2026-11-23T09:00:00Z');
  http = api(runtime.url);
  await http.post('/clinics', {
    id: 'oakwood',
    name: 'Oakwood Health Centre',
    venue: 'Oakwood\u00a0Health Centre',
  });
});

afterAll(async () => {
  await runtime?.stop();
});

describe('look-alike characters', () => {
  it.each([
    { what: 'a no-break space', name: 'Anne\u00a0Marie', phone: '07700 900701' },
    { what: 'a non-breaking hyphen', name: 'Anne\u2011Marie', phone: '07700 900702' },
    { what: 'a modifier-letter apostrophe', name: 'O\u02bcBrien', phone: '07700 900703' },
  ])('keep the confirmation for a child named with $what to one GSM-7 segment', async ({ name, phone }) => {
    // Prepare
    const client = await http.post<{ id: string; phone: string }>('/clients', { firstName: name, phone });
    const slot = await http.post<{ id: string }>('/slots', {
      clinicId: 'oakwood',
      type: 'six-to-eight-week-review',
      date: '2026-12-03',
      time: '14:30',
    });

    // Act
    const booked = await http.post('/bookings', { slotId: slot.body.id, clientId: client.body.id });

    // Assess
    expect(booked.status).toBe(201);
    const outbox = (await http.get<{ items: OutboxEntry[] }>('/dev/sms/outbox')).body.items;
    const confirmation = outbox.filter((e) => e.to === client.body.phone);
    expect(confirmation).toEqual([expect.objectContaining({ encoding: 'GSM-7', segments: 1 })]);
    expect(confirmation[0]?.body).toContain('Oakwood Health Centre');
  });

  it('are sanitised in the preview too, so it shows what a family would get', async () => {
    // Act
    const preview = await http.post<{ text: string; encoding: string; segments: number }>(
      '/templates/preview',
      {
        key: 'reminder',
        vars: { name: 'O\u02bcBrien\u00a0\u2011 Ŵyn…' },
      },
    );

    // Assess
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(preview.body.text).toContain("O'Brien - Wyn...'s");
  });

  it('writes its sample day as a real text would: a real date, in the template’s language', async () => {
    // Act: the clock is Monday 23 November 2026, so the sample day is three days on, Thursday 26th
    const english = await http.post<{ text: string }>('/templates/preview', { key: 'reminder' });
    const welsh = await http.post<{ text: string }>('/templates/preview', {
      key: 'reminder',
      language: 'cy',
    });

    // Assess
    expect(english.body.text).toContain('Thu 26 Nov');
    expect(welsh.body.text).toContain('Iau 26 Tach');
  });
});

describe('emoji where staff type names and venues', () => {
  it('are refused with a 400 that names the field and says why', async () => {
    // Act
    const client = await http.post<ErrorBody>('/clients', { firstName: 'Ava 😊', phone: '07700 900704' });
    const clinic = await http.post<ErrorBody>('/clinics', { name: 'Hilltop', venue: 'Hilltop 🏥' });

    // Assess
    expect(client.status).toBe(400);
    expect(client.body.error.fields).toEqual([
      {
        field: 'firstName',
        message: expect.stringMatching(/emoji .*😊.* UCS-2, up to three times the cost/),
      },
    ]);
    expect(clinic.status).toBe(400);
    expect(clinic.body.error.fields?.map((f) => f.field)).toEqual(['venue']);
  });
});

describe('the 918-character cap', () => {
  it('refuses a preview over six segments with a clear 400', async () => {
    // Act
    const preview = await http.post<ErrorBody>('/templates/preview', {
      key: 'chooseBooking',
      vars: { choices: 'x'.repeat(900) },
    });

    // Assess
    expect(preview.status).toBe(400);
    expect(preview.body.error).toMatchObject({
      code: 'TEXT_TOO_LONG',
      message: expect.stringContaining('Attend sends at most 918 GSM-7 characters (6 segments)'),
      fields: [{ field: 'text', message: expect.stringContaining('942 GSM-7 characters, 7 segments') }],
    });
  });
});
