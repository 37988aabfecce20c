/**
 * The short-notice list as a new user would try it on `npm start`: a cancellation by text frees a slot,
 * the stream hands it to the backfill, and the highest-priority eligible families are offered it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking, Slot } from '#core/model.ts';
import type { Offer } from '#core/waitlist.ts';
import type { LocalRuntime } from '#local/runtime.ts';
import type { OutboxEntry } from '#messaging/outbox-sms-sender.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;
let http: Api;

interface Family {
  phone: string;
  e164: string;
  clientId: string;
}

beforeAll(async () => {
  // Monday 23 November 2026, 09:00 UK time.
  runtime = await startTestRuntime('2026-11-23T09:00:00Z');
  http = api(runtime.url);
  await http.post('/clinics', { id: 'harbour', name: 'Harbour Family Hub', venue: 'Harbour Family Hub' });
});

afterAll(async () => {
  await runtime?.stop();
});

async function family(
  n: number,
  flags: Record<string, unknown>,
  waitlist = true,
  consent = true,
): Promise<Family> {
  const phone = `07700 900${String(400 + n)}`;
  const client = await http.post<{ id: string; phone: string }>('/clients', {
    firstName: `Child${n}`,
    phone,
    dateOfBirth: '2026-01-20', // ten months old: inside the 1-year review window
    flags: { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: false, ...flags },
  });
  expect(client.status).toBe(201);
  if (waitlist) {
    const entry = await http.post('/waitlist', {
      clientId: client.body.id,
      type: 'one-year-review',
      acceptableClinicIds: ['harbour'],
      consentToShortNotice: consent,
    });
    expect(entry.status).toBe(201);
  }
  return { phone, e164: client.body.phone, clientId: client.body.id };
}

async function bookedSlot(owner: Family, date: string, time: string): Promise<Booking> {
  const slot = await http.post<Slot>('/slots', { clinicId: 'harbour', type: 'one-year-review', date, time });
  const booking = await http.post<Booking>('/bookings', { slotId: slot.body.id, clientId: owner.clientId });
  expect(booking.status).toBe(201);
  return booking.body;
}

const outbox = async () => (await http.get<{ items: OutboxEntry[] }>('/dev/sms/outbox')).body.items;
const offersTo = async (since: number) =>
  (await outbox()).slice(since).filter((t) => /Reply YES to take it/.test(t.body));
const reply = (from: string, body: string) =>
  http.post<{ replies: OutboxEntry[] }>('/dev/sms/inbound', { from, body });

describe('short-notice list', () => {
  let vulnerableDeprived: Family;
  let carer: Family;
  let plain: Family;
  let noConsent: Family;
  let longWait: Family;
  let owner: Family;

  it('offers a slot cancelled by text to the top-scored eligible families; first YES wins', async () => {
    // Prepare: four eligible families with different priorities, one without consent
    vulnerableDeprived = await family(1, { vulnerable: true, imdDecile: 1 });
    carer = await family(2, { needsCarer: true, imdDecile: 5 });
    plain = await family(3, { imdDecile: 9 });
    noConsent = await family(4, { vulnerable: true, imdDecile: 1 }, true, false);
    longWait = await family(5, { imdDecile: 8 });
    owner = await family(6, {}, false);
    const booking = await bookedSlot(owner, '2026-11-25', '10:00');
    const before = (await outbox()).length;

    // Act: the family cancels by text
    const cancel = await reply(owner.phone, 'Sorry need to cancel');
    expect(cancel.body.replies[0]?.body).toMatch(/cancelled/i);

    // Assess: offers went to the three highest-scored eligible families, never to the one without consent
    const offered = (await offersTo(before)).map((t) => t.to);
    expect(offered).toHaveLength(3);
    expect(offered).toContain(vulnerableDeprived.e164);
    expect(offered).toContain(carer.e164);
    expect(offered).not.toContain(noConsent.e164);

    // Act: the top family says YES, then another
    const yes = await reply(vulnerableDeprived.phone, 'Yes please!');
    const late = await reply(carer.phone, 'YES');

    // Assess
    expect(yes.body.replies[0]?.body).toMatch(/booked/i);
    // The carer was told when the top family's YES took the slot, and is not told again in answer to
    // their own YES: one notice per family per event.
    expect(late.body.replies).toEqual([]);
    expect(
      (await outbox()).filter((t) => t.to === carer.e164 && /just been taken/i.test(t.body)),
    ).toHaveLength(1);
    const offers = await http.get<{ slot: Slot; items: Offer[] }>(`/offers?slot=${booking.slotId}`);
    expect(offers.body.slot.status).toBe('BOOKED');
    expect(offers.body.slot.backfill?.state).toBe('FILLED');
    const accepted = offers.body.items.filter((o) => o.status === 'ACCEPTED');
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.clientId).toBe(vulnerableDeprived.clientId);
    for (const offer of offers.body.items) {
      // The score is exactly what its breakdown explains.
      expect(offer.score).toBeCloseTo(
        offer.breakdown.reduce((sum, part) => sum + part.points, 0),
        2,
      );
    }
    const top = offers.body.items.find((o) => o.clientId === vulnerableDeprived.clientId)!;
    expect(top.breakdown.map((b) => b.factor)).toEqual(expect.arrayContaining(['vulnerable']));
  });

  it('sends the next wave when the holds lapse, and records the slot unfilled at the cutoff', async () => {
    // Prepare: two more families join the list; a second slot is cancelled by staff; nobody answers
    const laterA = await family(7, { imdDecile: 6 });
    const laterB = await family(8, { imdDecile: 7 });
    const second = await bookedSlot(owner, '2026-11-25', '14:00');
    const before = (await outbox()).length;
    await http.post(`/bookings/${second.id}/cancel`, { reason: 'Family moved away', notify: false });
    const firstWave = await offersTo(before);
    expect(firstWave.length).toBeGreaterThan(0);
    const firstOffers = await http.get<{ items: Offer[] }>(`/offers?slot=${second.slotId}`);
    const hold = firstOffers.body.items[0]!;

    // Act: past the hold
    await http.post('/dev/clock', {
      now: new Date(new Date(hold.expiresAt).getTime() + 60_000).toISOString(),
    });

    // Assess: the first wave expired and the next went to families not offered before
    const after = await http.get<{ items: Offer[] }>(`/offers?slot=${second.slotId}`);
    const wave1 = after.body.items.filter((o) => o.wave === 1);
    const wave2 = after.body.items.filter((o) => o.wave === 2);
    expect(wave1.every((o) => o.status === 'EXPIRED')).toBe(true);
    expect(wave2.length).toBeGreaterThan(0);
    for (const o of wave2) expect(wave1.map((w) => w.clientId)).not.toContain(o.clientId);
    // Five families are eligible (the booked one and the one without consent are not): three, then two.
    const everyone = [carer, plain, longWait, laterA, laterB].map((f) => f.clientId).sort();
    expect([...wave1, ...wave2].map((o) => o.clientId).sort()).toEqual(everyone);

    // Act: on to the cutoff, two hours before 14:00
    await http.post('/dev/clock', { now: '2026-11-25T12:30:00Z' });

    // Assess
    const end = await http.get<{ slot: Slot; items: Offer[] }>(`/offers?slot=${second.slotId}`);
    expect(end.body.slot.status).toBe('FREE');
    expect(end.body.slot.backfill?.state).toBe('UNFILLED');
    expect(end.body.items.some((o) => o.status === 'PENDING')).toBe(false);
    const events = await http.get<{ items: { type: string; detail: { slotId?: string } }[] }>('/dev/events');
    expect(
      events.body.items.some((e) => e.type === 'SlotUnfilled' && e.detail.slotId === second.slotId),
    ).toBe(true);
  });
});
