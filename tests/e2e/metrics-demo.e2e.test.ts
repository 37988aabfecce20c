/**
 * The README's hand check, automated: the demo's two weeks of history (seeded straight into the table,
 * with counters from the same pure function the stream consumer uses) add up in GET /metrics to what
 * that week's bookings and slots say when listed one clinic and day at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsReport } from '#core/metrics-report.ts';
import type { Booking, Clinic, Slot } from '#core/model.ts';
import type { LocalRuntime } from '#local/runtime.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;
let http: Api;

beforeAll(async () => {
  // The demo, seeded on Monday 23 November 2026; its history is the two weeks before.
  runtime = await startTestRuntime('2026-11-23T09:00:00Z', { seed: true });
  http = api(runtime.url);
  // Seeding the whole demo writes thousands of items; on a loaded 2-core CI machine that can take
  // longer than the default hook timeout. A limit, not a speed assertion: the bench times the seed.
}, 240_000);

afterAll(async () => {
  await runtime?.stop();
});

describe('GET /metrics for the demo data', () => {
  it("adds the demo's history up to what that week's bookings and slots say", async () => {
    // Prepare: the week of 16 November, Monday to Friday, at every clinic
    const clinics = (await http.get<{ items: Clinic[] }>('/clinics')).body.items;
    const days = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];

    // Act: count the week by hand from the bookings and slots lists, and read /metrics
    const hand = { booked: 0, attended: 0, dna: 0, wnb: 0, cancelled: 0, freed: 0, filled: 0, unfilled: 0 };
    for (const clinic of clinics) {
      for (const date of days) {
        const q = `clinicId=${clinic.id}&date=${date}&limit=500`;
        const bookings = (await http.get<{ items: Booking[] }>(`/bookings?${q}`)).body.items;
        hand.booked += bookings.length;
        for (const b of bookings) {
          if (b.status === 'ATTENDED') hand.attended++;
          if (b.status === 'DNA') hand.dna++;
          if (b.status === 'WNB') hand.wnb++;
          if (b.status === 'CANCELLED') hand.cancelled++;
        }
        const slots = (await http.get<{ items: Slot[] }>(`/slots?${q}`)).body.items;
        hand.freed += slots.filter((s) => s.freedAt).length;
        hand.filled += slots.filter((s) => s.backfill?.state === 'FILLED').length;
        hand.unfilled += slots.filter((s) => s.backfill?.state === 'UNFILLED').length;
      }
    }
    const res = await http.get<MetricsReport>('/metrics?from=2026-11-16&to=2026-11-22');

    // Assess
    expect(res.status).toBe(200);
    const w47 = res.body.periods.find((p) => p.period === '2026-W47')!;
    expect(hand.booked).toBeGreaterThan(50);
    expect(hand.dna + hand.wnb).toBeGreaterThan(0);
    expect(hand.cancelled).toBeGreaterThan(0);
    expect(w47.summary.appointments).toEqual({
      booked: hand.booked,
      attended: hand.attended,
      dna: hand.dna,
      wnb: hand.wnb,
      dnaWnbRate:
        Math.round(((hand.dna + hand.wnb) / (hand.attended + hand.dna + hand.wnb)) * 10_000) / 10_000,
    });
    expect(w47.summary.cancellations.cancelled).toBe(hand.cancelled);
    expect(w47.summary.shortNotice).toMatchObject({
      slotsFreed: hand.freed,
      slotsFilled: hand.filled,
      slotsUnfilled: hand.unfilled,
    });
    expect(w47.summary.texts?.sent).toBeGreaterThan(0);
  });

  it('counts the upcoming bookings the demo seeded, so each coming week is booked as the table says', async () => {
    // Prepare: the two weeks from the seed's Monday, every clinic and day
    const clinics = (await http.get<{ items: Clinic[] }>('/clinics')).body.items;
    const days = Array.from({ length: 14 }, (_, i) =>
      new Date(Date.parse('2026-11-23') + i * 864e5).toISOString().slice(0, 10),
    );

    // Act: count them from the bookings lists, and read /metrics for the same days
    let booked = 0;
    for (const clinic of clinics) {
      for (const date of days) {
        const q = `clinicId=${clinic.id}&date=${date}&limit=500`;
        booked += (await http.get<{ items: Booking[] }>(`/bookings?${q}`)).body.items.length;
      }
    }
    const res = await http.get<MetricsReport>(`/metrics?from=${days[0]}&to=${days.at(-1)}`);

    // Assess: every booking counts as booked, the seed's as much as one made after start
    expect(booked).toBeGreaterThan(50);
    expect(res.body.totals.summary.appointments.booked).toBe(booked);
  });
});
