/**
 * The sweep with more than one booking: two sweeps racing over the same due reminders (as when a
 * scheduled run overlaps a slow one) must still send each tier once, and a sweep's reads must follow
 * the number of reminders due rather than the size of the table.
 */
import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '#core/concurrency.ts';
import type { Booking } from '#core/model.ts';
import { runReminderSweep } from '#services/reminders.ts';
import { createBooking } from '#store/bookings.ts';
import { aBookingFor, aClient, aClinic, aSlotFor, aTier } from '#tests/support/builders.ts';
import { freshTable, testDeps } from '#tests/support/dynamo.ts';
import { dueIndex, scanEntity, seed, sweepAt } from './helpers.ts';

describe('two sweeps at once', () => {
  it('send each (booking, tier) exactly once between them', async () => {
    // Prepare: 40 bookings made at 21:00 (so the confirmation waits for 08:00) whose every tier falls
    // due at the same instant for all of them, the worst case for two racing sweeps.
    const store = await freshTable();
    const clinic = aClinic();
    const clients = Array.from({ length: 40 }, () => aClient());
    const slots = clients.map(() => aSlotFor(clinic, { startsAt: '2026-12-10T14:00:00.000Z' }));
    await seed(store, { clinic, clients, slots });
    const tiers = {
      confirmation: aTier({ kind: 'confirmation', dueAt: '2026-11-21T08:00:00.000Z' }),
      '7d': aTier({ dueAt: '2026-12-03T10:00:00.000Z' }),
      '2d': aTier({ dueAt: '2026-12-08T10:00:00.000Z' }),
    };
    const bookings = slots.map((slot, i) =>
      aBookingFor(slot, clients[i] ?? aClient(), { bookedAt: '2026-11-20T21:00:00.000Z', tiers }),
    );
    await mapWithConcurrency(bookings, 4, (booking) => createBooking(store, booking));
    const sweepA = testDeps(store, '2026-11-20T21:00:00.000Z');
    const sweepB = testDeps(store, '2026-11-20T21:00:00.000Z');
    const rounds = [
      { at: '2026-11-21T08:00:00.000Z', text: 'is booked for' },
      { at: '2026-12-03T10:00:00.000Z', text: 'reminder of' },
      { at: '2026-12-08T10:00:00.000Z', text: 'reminder of' },
    ];
    const phones = clients.map((c) => c.phone).sort();

    for (const round of rounds) {
      const seenA = sweepA.outbox.entries.length;
      const seenB = sweepB.outbox.entries.length;
      sweepA.clock.set(round.at);
      sweepB.clock.set(round.at);

      // Act
      const [a, b] = await Promise.all([runReminderSweep(sweepA), runReminderSweep(sweepB)]);

      // Assess
      const sent = [...sweepA.outbox.entries.slice(seenA), ...sweepB.outbox.entries.slice(seenB)];
      expect(sent.map((e) => e.to).sort()).toEqual(phones);
      for (const sms of sent) {
        expect(sms.at).toBe(round.at);
        expect(sms.body).toContain(round.text);
      }
      expect(a.sent + b.sent).toBe(clients.length);
      expect(a.failed + b.failed).toBe(0);
    }

    const after = await Promise.all([
      sweepAt(sweepA, '2026-12-08T10:05:00.000Z'),
      sweepAt(sweepB, '2026-12-08T10:05:00.000Z'),
    ]);
    for (const report of after) expect(report).toMatchObject({ due: 0, sent: 0 });
    const stored = await scanEntity(store, 'Booking');
    expect(stored).toHaveLength(bookings.length);
    for (const booking of stored) {
      for (const tier of Object.values(booking.tiers as Record<string, unknown>)) {
        expect(tier).toMatchObject({ status: 'SENT', attempts: 1 });
      }
    }
    // One Message per (booking, tier), each pointing at its booking.
    const messages = await scanEntity(store, 'Message');
    const perBooking = new Map<string, number>();
    for (const m of messages)
      perBooking.set(String(m.bookingId), (perBooking.get(String(m.bookingId)) ?? 0) + 1);
    expect([...perBooking.keys()].sort()).toEqual(bookings.map((b) => b.id).sort());
    expect(new Set(perBooking.values())).toEqual(new Set([rounds.length]));
  }, 120_000);
});

describe('the cost of a sweep', () => {
  it('reads only the bookings that are due, however many others the table holds', async () => {
    // Prepare: 300 bookings of which 10 have a tier due now; 240 are due later and 50 have nothing left.
    const now = '2026-12-08T10:00:00.000Z';
    const store = await freshTable();
    const clinic = aClinic();
    const clients = Array.from({ length: 10 }, () => aClient());
    const slots = Array.from({ length: 300 }, () =>
      aSlotFor(clinic, { startsAt: '2026-12-10T14:00:00.000Z' }),
    );
    await seed(store, { clinic, clients, slots });
    const bookings: Booking[] = slots.map((slot, i) => {
      const client = clients[i % clients.length] ?? aClient();
      if (i < 10) return aBookingFor(slot, client, { tiers: { '2d': aTier({ dueAt: now }) } });
      if (i < 250)
        return aBookingFor(slot, client, { tiers: { '2d': aTier({ dueAt: '2026-12-09T10:00:00.000Z' }) } });
      return aBookingFor(slot, client, {
        tiers: { '2d': aTier({ dueAt: '2026-12-08T09:00:00.000Z', status: 'SENT', attempts: 1 }) },
      });
    });
    await mapWithConcurrency(bookings, 8, (booking) => createBooking(store, booking));
    expect((await dueIndex(store)).size).toBe(250);
    const deps = testDeps(store, now);

    // Act
    const report = await runReminderSweep(deps);
    const next = await runReminderSweep(deps);

    // Assess
    expect(report).toMatchObject({ due: 10, sent: 10 });
    expect(report.itemsRead).toBeLessThanOrEqual(2 * report.sent);
    expect(next).toMatchObject({ due: 0, sent: 0, itemsRead: 0 });
    expect(deps.outbox.entries).toHaveLength(10);
  });
});
