/**
 * Issue 14, items 1 and 2, as a new user would try them on `npm start`: the local outbox's simulated
 * carrier reports on every text a few virtual seconds after it goes. A number in the drama-range block
 * 07700 900990–900999 fails permanently, so it is marked unreachable, texts to it stop and staff get an
 * inbox task; any other number is delivered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '#core/model.ts';
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

async function bookedClient(phone: string, firstName: string): Promise<string> {
  const client = await http.post<{ id: string }>('/clients', { firstName, phone });
  const slot = await http.post<{ id: string }>('/slots', {
    clinicId: 'oakwood',
    type: 'one-year-review',
    date: '2026-12-04',
    time: '14:30',
  });
  const booking = await http.post('/bookings', { slotId: slot.body.id, clientId: client.body.id });
  expect(booking.status).toBe(201);
  return client.body.id;
}

const messagesOf = async (clientId: string) =>
  (await http.get<{ items: Message[] }>(`/clients/${clientId}/messages`)).body.items;
const textsTo = async (phone: string) =>
  (await http.get<{ items: OutboxEntry[] }>('/dev/sms/outbox')).body.items.filter((e) => e.to === phone);

describe('delivery status in the local runtime', () => {
  it('a text is "sent" only until the simulated receipt, then delivered; a dead number fails, is marked and gets no more texts', async () => {
    // Prepare: two families, each booked (a confirmation goes at once)
    const reachable = await bookedClient('07700 900123', 'Ava');
    const dead = await bookedClient('07700 900991', 'Ben');
    expect((await messagesOf(reachable))[0]?.delivery).toBeUndefined();

    // Act: ten virtual seconds pass
    await http.post('/dev/clock', { now: '2026-11-23T09:00:10Z' });

    // Assess: the receipts came in through the delivery-status handler
    expect((await messagesOf(reachable))[0]?.delivery).toMatchObject({
      status: 'delivered',
      reason: expect.stringMatching(/^DELIVERED/),
    });
    expect((await messagesOf(dead))[0]?.delivery).toMatchObject({
      status: 'failed-permanent',
      reason: expect.stringMatching(/^INVALID/),
    });
    const deadView = await http.get<{ optedOut: boolean; consent: { reason?: string } }>(`/clients/${dead}`);
    expect(deadView.body).toMatchObject({ optedOut: true, consent: { reason: 'unreachable' } });
    const inbox = await http.get<{ items: { reason: string; clientIds: string[] }[] }>('/inbox');
    expect(inbox.body.items.filter((i) => i.reason === 'number-unreachable')).toEqual([
      expect.objectContaining({ clientIds: [dead] }),
    ]);
    const events = await http.get<{ items: { type: string }[] }>('/dev/events');
    expect(events.body.items.map((e) => e.type)).toEqual(
      expect.arrayContaining(['TextDeliveryFailed', 'NumberUnreachable']),
    );

    // The day's metrics: one text delivered, one failed, one number unreachable (no IMD decile on record)
    const metrics = await http.get<{
      totals: {
        summary: {
          texts: { delivered: number; failed: number; deliveryRate: number };
          reach: { numbersUnreachable: number };
        };
        byImdQuintile: Record<string, { reach: { numbersUnreachable: number } }>;
      };
    }>('/metrics?from=2026-11-23&to=2026-11-23');
    expect(metrics.body.totals.summary.texts).toMatchObject({ delivered: 1, failed: 1, deliveryRate: 0.5 });
    expect(metrics.body.totals.summary.reach).toEqual({ numbersUnreachable: 1 });
    expect(metrics.body.totals.byImdQuintile.unknown?.reach).toEqual({ numbersUnreachable: 1 });

    // And time passing over the reminders texts only the reachable family
    const before = (await textsTo('+447700900991')).length;
    await http.post('/dev/clock', { now: '2026-12-04T15:00:00Z' });
    expect(await textsTo('+447700900991')).toHaveLength(before);
    expect((await textsTo('+447700900123')).length).toBeGreaterThan(1);
  });
});
