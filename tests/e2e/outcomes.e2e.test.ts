/**
 * A health visitor's week, as a new user would try it on `npm start`: a child is booked twice, is not
 * brought either time, and the second WNB puts a follow-up in front of the named health visitor (and
 * WasNotBroughtEscalation on the bus); the child stays on the books until someone closes it with a note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking, Client } from '#core/model.ts';
import type { LocalRuntime } from '#local/runtime.ts';
import type { RecordedEvent } from '#messaging/event-publisher.ts';
import type { OutcomeResult } from '#services/outcomes.ts';
import type { FollowUp } from '#store/follow-ups.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;
let http: Api;

interface ErrorBody {
  error: { code: string; message: string };
}

beforeAll(async () => {
  // Monday 23 November 2026, 09:00 UK time (GMT).
  runtime = await startTestRuntime('2026-11-23T09:00:00Z');
  http = api(runtime.url);
  await http.post('/clinics', { id: 'hilltop', name: 'Hilltop Clinic', venue: 'Hilltop Clinic' });
});

afterAll(async () => {
  await runtime?.stop();
});

const setClock = (now: string) => http.post<{ now: string }>('/dev/clock', { now });

async function bookSlot(clientId: string, date: string, time: string): Promise<Booking> {
  const slot = await http.post<{ id: string }>('/slots', {
    clinicId: 'hilltop',
    type: 'one-year-review',
    date,
    time,
  });
  const booking = await http.post<Booking>('/bookings', { slotId: slot.body.id, clientId });
  expect(booking.status).toBe(201);
  return booking.body;
}

const outcome = (bookingId: string, body: Record<string, unknown>) =>
  http.post<OutcomeResult & ErrorBody>(`/bookings/${bookingId}/outcome`, body);

describe('outcomes and Was-Not-Brought follow-up over the admin API', () => {
  it('a child twice not brought is flagged to the named health visitor, who closes it with a note', async () => {
    // Prepare: Isla is booked on Tuesday and on Thursday
    const isla = await http.post<Client>('/clients', {
      firstName: 'Isla',
      phone: '07700 900411',
      namedHealthVisitor: 'Priya Shah',
    });
    expect(isla.status).toBe(201);
    const tuesday = await bookSlot(isla.body.id, '2026-11-24', '10:00');
    const thursday = await bookSlot(isla.body.id, '2026-11-26', '14:00');

    // Act: too early, then Tuesday's visit is over and she was not brought
    const early = await outcome(tuesday.id, { outcome: 'WNB' });
    await setClock('2026-11-24T12:00:00Z');
    const first = await outcome(tuesday.id, { outcome: 'WNB', note: 'No answer at the door' });

    // Assess: one WNB is recorded, nothing is escalated yet
    expect([early.status, early.body.error.code]).toEqual([409, 'NOT_STARTED']);
    expect(first.status).toBe(200);
    expect(first.body.booking.status).toBe('WNB');
    expect(first.body.followUp).toBeUndefined();
    expect((await http.get<{ items: FollowUp[] }>('/follow-ups')).body.items).toEqual([]);

    // Act: Thursday's visit is over, and again she was not brought
    await setClock('2026-11-26T16:00:00Z');
    const second = await outcome(thursday.id, { outcome: 'WNB' });
    const again = await outcome(thursday.id, { outcome: 'WNB' });

    // Assess: the follow-up is open for Priya, and the integration engine heard about it
    expect(second.status).toBe(200);
    expect([again.status, again.body.error.code]).toEqual([409, 'OUTCOME_ALREADY_RECORDED']);
    const open = await http.get<{ items: FollowUp[] }>('/follow-ups');
    expect(open.body.items).toEqual([
      expect.objectContaining({
        id: second.body.followUp?.id,
        clientId: isla.body.id,
        bookingId: thursday.id,
        namedHealthVisitor: 'Priya Shah',
        reason: 'repeated-wnb',
        consecutiveWnb: 2,
        status: 'OPEN',
        openedBy: 'local-dev',
      }),
    ]);
    const events = await http.get<{ items: RecordedEvent[] }>('/dev/events');
    expect(
      events.body.items.filter((e) => e.type === 'WasNotBroughtEscalation').map((e) => e.detail),
    ).toEqual([
      {
        clientId: isla.body.id,
        bookingId: thursday.id,
        followUpId: second.body.followUp?.id,
        consecutiveWnb: 2,
        reason: 'repeated-wnb',
        at: '2026-11-26T16:00:00.000Z',
      },
    ]);
    // Never discharged or removed: Isla is still on the books, with her history.
    const client = await http.get<Client>(`/clients/${isla.body.id}`);
    expect(client.body).toMatchObject({
      firstName: 'Isla',
      history: { attended: 0, dna: 0, wnb: 2, consecutiveWnb: 2 },
    });

    // Act: Priya phones the family and closes the follow-up
    const followUpId = second.body.followUp!.id;
    const closed = await http.post<FollowUp>(`/follow-ups/${followUpId}/close`, {
      note: 'Phoned mum: car broke down twice. New date booked; will visit at home.',
    });
    const closedAgain = await http.post<ErrorBody>(`/follow-ups/${followUpId}/close`, { note: 'again' });

    // Assess
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'CLOSED',
      closedBy: 'local-dev',
      closedAt: '2026-11-26T16:00:00.000Z',
    });
    expect([closedAgain.status, closedAgain.body.error.code]).toEqual([409, 'ALREADY_CLOSED']);
    expect((await http.get<{ items: FollowUp[] }>('/follow-ups')).body.items).toEqual([]);
    expect((await http.get<FollowUp>(`/follow-ups/${followUpId}`)).body.note).toMatch(/^Phoned mum/);
  });
});
