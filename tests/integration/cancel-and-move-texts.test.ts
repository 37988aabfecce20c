/**
 * What a family is told when staff cancel or move their appointment (session 5 tester's faults, item 4):
 * a cancellation because it is no longer needed promises no rebooking; any other staff cancellation
 * still does; a moved booking's text says it has moved, not that a new one is booked. Each text stays
 * GSM-7 with no clinical detail. Called as the function URL calls the API, on DynamoDB Local.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { analyseSms } from '#core/sms-segments.ts';
import { bookSlot } from '#services/bookings.ts';
import { messagesByPhone } from '#store/messages.ts';
import { aClient, aClinic, aSlotFor, type ClientWithPhone } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi } from '#tests/support/function-url.ts';
import { seed } from './helpers.ts';

// Monday 30 November, 10:00 in London: outside quiet hours, so every text goes at once.
const NOW = '2026-11-30T10:00:00Z';
let deps: TestDeps;
let client: ClientWithPhone;
let bookingId: string;

beforeEach(async () => {
  deps = testDeps(await freshTable(), NOW);
  const clinic = aClinic({ id: 'riverside' });
  client = aClient({ firstName: 'Amelia' });
  const slot = aSlotFor(clinic, { id: 'thu-1400', startsAt: '2026-12-03T14:00:00.000Z' });
  const later = aSlotFor(clinic, { id: 'thu-1530', startsAt: '2026-12-03T15:30:00.000Z' });
  await seed(deps.store, { clinic, clients: [client], slots: [slot, later] });
  bookingId = (
    await bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'staff:hv-1', source: 'staff' })
  ).id;
});

/**
 * The last text to the family, and the templates of the texts after the booking's confirmation (the
 * virtual clock stands still, so the stored messages share one instant and are not told apart by it).
 */
async function lastText(): Promise<{ body: string; kind: string }> {
  const texts = deps.outbox.entries.filter((e) => e.to === client.phone);
  expect(texts).toHaveLength(2);
  const { items } = await messagesByPhone(deps.store, client.phone);
  const kinds = items.map((m) => String(m.kind)).filter((k) => k !== 'confirmation');
  expect(kinds).toHaveLength(1);
  return { body: texts.at(-1)!.body, kind: kinds[0]! };
}

function expectPlainText(body: string): void {
  const sms = analyseSms(body);
  expect(sms.encoding).toBe('GSM-7');
  expect(sms.segments).toBeLessThanOrEqual(2);
}

describe('a staff cancellation', () => {
  it('because it is no longer needed: the family is not told they will be rebooked', async () => {
    // Act
    const res = await callApi(deps, 'POST', `/bookings/${bookingId}/cancel`, {
      reason: 'Family moved out of area; GP confirmed not needed',
      category: 'no-longer-needed',
    });

    // Assess
    expect(res.status).toBe(200);
    const text = await lastText();
    expect(text.kind).toBe('cancelledNotNeeded');
    expect(text.body).toBe(
      "ECHT: Amelia's 6-8 week baby review on Thu 3 Dec at 14:00 has been cancelled. Call 0300 123 4024 with questions.",
    );
    expect(text.body).not.toMatch(/rebook|in touch/i);
    expectPlainText(text.body);
  });

  it.each([['work'], [undefined]])(
    'for any other reason (%s): the family is still told staff will be in touch to rebook',
    async (category) => {
      const res = await callApi(deps, 'POST', `/bookings/${bookingId}/cancel`, {
        reason: 'Health visitor off sick',
        ...(category && { category }),
      });
      expect(res.status).toBe(200);
      const text = await lastText();
      expect(text.kind).toBe('cancelledByStaff');
      expect(text.body).toContain('We will be in touch to rebook.');
    },
  );
});

describe('a moved booking', () => {
  it('the text says the appointment has moved, to the new day and time, with the same reference', async () => {
    // Act
    const res = await callApi(deps, 'POST', `/bookings/${bookingId}/move`, {
      slotId: 'thu-1530',
      reason: 'clinic room double-booked',
    });

    // Assess
    expect(res.status).toBe(200);
    const text = await lastText();
    expect(text.kind).toBe('moved');
    expect(text.body).toMatch(
      /^ECHT: Amelia's 6-8 week baby review has moved to Thu 3 Dec at 15:30, Riverside Children's Centre\. Ref \d+\. Reply CANCEL if you can't come\.$/,
    );
    expect(text.body).not.toContain('is booked for');
    expect(text.body).not.toContain('double-booked');
    expectPlainText(text.body);
  });
});

describe('in the family’s language', () => {
  /** A family in `language`, booked into a slot of their own, with a later one free to move to. */
  async function family(language: 'cy' | 'pl' | 'ro', phone: string) {
    const clinic = aClinic({ id: 'riverside' });
    const them = aClient({ firstName: 'Ffion', phone, language });
    const first = aSlotFor(clinic, { id: `${language}-1400`, startsAt: '2026-12-04T14:00:00.000Z' });
    const later = aSlotFor(clinic, { id: `${language}-1530`, startsAt: '2026-12-04T15:30:00.000Z' });
    await seed(deps.store, { clients: [them], slots: [first, later] });
    const booked = await bookSlot(deps, {
      slotId: first.id,
      clientId: them.id,
      by: 'staff:hv-1',
      source: 'staff',
    });
    return { them, booked, later };
  }
  const lastTo = (phone: string) => deps.outbox.entries.filter((e) => e.to === phone).at(-1)!.body;

  it.each([
    ['cy', '+447700900711', 'wedi symud i'],
    ['pl', '+447700900712', 'termin przeniesiony'],
    ['ro', '+447700900713', 'a fost mutată'],
  ] as const)(
    'a moved booking’s text is in the family’s language (%s), not English',
    async (language, phone, words) => {
      const { booked, later } = await family(language, phone);
      const res = await callApi(deps, 'POST', `/bookings/${booked.id}/move`, {
        slotId: later.id,
        reason: 'room',
      });
      expect(res.status).toBe(200);
      expect(lastTo(phone)).toContain(words);
      expect(lastTo(phone)).not.toContain('has moved to');
    },
  );

  it.each([
    ['cy', '+447700900714', "wedi'i ganslo", 'Byddwn yn cysylltu i aildrefnu'],
    ['pl', '+447700900715', 'został odwołany', 'Skontaktujemy się'],
    ['ro', '+447700900716', 'a fost anulată', 'Vă vom contacta'],
  ] as const)(
    'a staff cancellation’s text is in the family’s language (%s), rebooking promised or not',
    async (language, phone, cancelled, rebook) => {
      const { booked } = await family(language, phone);
      await callApi(deps, 'POST', `/bookings/${booked.id}/cancel`, { reason: 'Health visitor off sick' });
      expect(lastTo(phone)).toContain(cancelled);
      expect(lastTo(phone)).toContain(rebook);
      expect(lastTo(phone)).not.toContain('has been cancelled');
    },
  );
});
