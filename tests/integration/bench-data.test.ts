/**
 * The reminder-sweep and short-notice benches' data (bench/run.ts, bench/backfill.ts) has the shapes
 * the README claims: one client per booking, siblings sharing a phone, a mixed waitlist with live
 * bookings that clash. And the sweep bench's loader and count on a small table: each text costs its
 * booking and its child's client. No timing is asserted (speed lives in `npm run bench`).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { entry, freedSlot, liveBooking, client as waitlistClient } from '#bench/backfill.ts';
import { batchWrite, benchDeps } from '#bench/load.ts';
import { booking, client, isDue, sweepItems } from '#bench/run.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import type { SmsSender } from '#messaging/sms-sender.ts';
import { runReminderSweep } from '#services/reminders.ts';
import { clinicItem } from '#store/clinics.ts';
import { freshTable } from '#tests/support/dynamo.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('the reminder-sweep bench data', () => {
  it('gives every booking its own client, and one family in five two children on one phone', () => {
    // Act
    const bookings = range(6_000).map((i) => booking(i, isDue(i)));
    const clients = range(6_000).map(client);

    // Assess
    expect(new Set(bookings.map((b) => b.clientId)).size).toBe(6_000);
    bookings.forEach((b, i) => {
      expect(b.clientId).toBe(clients[i]?.id);
      expect(b.phone).toBe(clients[i]?.phone);
    });
    const childrenByPhone = new Map<string, number>();
    for (const c of clients)
      childrenByPhone.set(c.phone ?? '', (childrenByPhone.get(c.phone ?? '') ?? 0) + 1);
    const families = [...childrenByPhone.values()];
    expect(families.length).toBe(5_000);
    expect(families.filter((n) => n === 2).length).toBe(1_000);
    expect(Math.max(...families)).toBe(2);
  });

  it('has about 1.2% due, some of them two siblings due together', () => {
    // Act
    const due = range(60_000).filter(isDue);

    // Assess
    expect(due.length).toBe(700);
    const dueSiblings = due.filter((i) => due.includes(i - 1) && client(i).phone === client(i - 1).phone);
    expect(dueSiblings.length).toBe(100);
  });

  it('yields each booking then its client, so a load cut at a chunk of 24 leaves no booking without its client', () => {
    // Act
    const items = [...sweepItems(36)];

    // Assess
    expect(items).toHaveLength(72);
    for (let start = 0; start < items.length; start += 24) {
      const chunk = items.slice(start, start + 24);
      const bookingClients = chunk.filter((x) => x.entity === 'Booking').map((x) => x.clientId);
      const clientIds = chunk.filter((x) => x.entity === 'Client').map((x) => x.id);
      expect(bookingClients).toEqual(clientIds);
    }
  });
});

describe('the short-notice bench data', () => {
  it('mixes types, clinics, availability and date windows, siblings, and live bookings that clash', () => {
    // Act
    const entries = range(2_000).map(entry);
    const live = range(2_000).flatMap((i) => liveBooking(i, 40) ?? []);
    const slots = range(40).map(freedSlot);

    // Assess
    expect(new Set(entries.map((e) => e.type)).size).toBe(6);
    expect(new Set(entries.flatMap((e) => e.acceptableClinicIds)).size).toBe(20);
    expect(new Set(entries.map((e) => e.acceptableClinicIds.length))).toEqual(new Set([1, 2, 3]));
    const withWindows = entries.filter((e) => e.availability.length > 0).length;
    expect(withWindows).toBeGreaterThan(800);
    expect(withWindows).toBeLessThan(1_200);
    const today = '2026-12-01';
    expect(entries.some((e) => (e.latestDate ?? '9') < today)).toBe(true);
    expect(entries.some((e) => (e.earliestDate ?? '0') > today)).toBe(true);
    expect(new Set(entries.map((e) => e.clientId)).size).toBe(2_000);
    expect(waitlistClient(1).phone).toBe(waitlistClient(0).phone);
    expect(waitlistClient(2).phone).not.toBe(waitlistClient(1).phone);
    expect(live.length).toBeGreaterThan(300);
    const slotTimes = new Set(slots.map((s) => s.startsAt));
    expect(live.filter((b) => slotTimes.has(b.startsAt)).length).toBeGreaterThan(50);
  });
});

describe('the sweep bench on a small table', () => {
  it('reads two items per text: the due booking and its own client', async () => {
    // Prepare: 1,200 bookings and their clients, loaded as the bench loads them.
    const store = await freshTable();
    await batchWrite(store.db, store.table, [
      clinicItem({
        id: 'bench-clinic',
        name: 'Bench',
        venue: 'Bench',
        address: '',
        area: '',
        createdAt: '2026-11-01T10:00:00.000Z',
      }),
    ]);
    const load = await batchWrite(store.db, store.table, sweepItems(1_200), { chunk: 24 });
    expect(load).toEqual({ written: 2_400, complete: true });
    const sent: string[] = [];
    const sms: SmsSender = {
      send: async (message) => {
        sent.push(message.to);
        return { providerMessageId: `t-${sent.length}` };
      },
    };
    const now = new Date('2026-12-01T10:00:00.000Z');
    const deps = benchDeps({
      db: store.db,
      table: store.table,
      config: loadTrustConfig('example'),
      sms,
      now,
    });

    // Act
    const report = await runReminderSweep(deps);

    // Assess: 14 due (two pairs of siblings, each pair on one phone), each sent once, each costing two items.
    const due = range(1_200).filter(isDue);
    expect(due).toHaveLength(14);
    expect(report.sent).toBe(14);
    expect(report.itemsRead).toBe(28);
    expect(sent.sort()).toEqual(due.map((i) => client(i).phone).sort());
    expect(new Set(sent).size).toBe(12);
  });

  it('stops loading at its time box and says the load is not complete', async () => {
    // Prepare
    const store = await freshTable();

    // Act: a time box already over.
    const load = await batchWrite(store.db, store.table, sweepItems(100), { chunk: 24, stopAt: 0 });

    // Assess
    expect(load).toEqual({ written: 0, complete: false });
    const table = await store.db.send(new ScanCommand({ TableName: store.table, Select: 'COUNT' }));
    expect(table.Count).toBe(0);
  });
});
