/**
 * GET /metrics over the local runtime, as a manager would read it: changes made through the API reach
 * the counters through the metrics stream poller before the next read. (The demo's history is checked
 * in demo.e2e.test.ts: the handlers are loaded once per process, so one runtime per file.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsReportSchema } from '#api/metrics.ts';
import type { MetricsReport, PeriodReport } from '#core/metrics-report.ts';
import type { Booking, Client, Slot } from '#core/model.ts';
import type { LocalRuntime } from '#local/runtime.ts';
import type { OutboxEntry } from '#messaging/outbox-sms-sender.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;
let http: Api;

beforeAll(async () => {
  // Monday 23 November 2026, 09:00 UK time (GMT)
  runtime = await startTestRuntime('2026-11-23T09:00:00Z');
  http = api(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

const week = (report: MetricsReport, period: string): PeriodReport => {
  const found = report.periods.find((p) => p.period === period);
  expect(found, `period ${period} is in the report`).toBeDefined();
  return found!;
};

describe('GET /metrics', () => {
  it('shows bookings, outcomes, a cancellation and the texts made through the API that week', async () => {
    // Prepare: a clinic and two families
    await http.post('/clinics', { id: 'hilltop', name: 'Hilltop Clinic', venue: 'Hilltop Clinic' });
    const family = async (name: string, phone: string, imdDecile: number) =>
      (
        await http.post<Client>('/clients', {
          firstName: name,
          phone,
          flags: { imdDecile },
        })
      ).body;
    const isla = await family('Isla', '07700 900501', 1);
    const noah = await family('Noah', '07700 900502', 10);
    const book = async (clientId: string, time: string) => {
      const slot = await http.post<Slot>('/slots', {
        clinicId: 'hilltop',
        type: 'one-year-review',
        date: '2026-11-25',
        time,
      });
      const booking = await http.post<Booking>('/bookings', { slotId: slot.body.id, clientId });
      expect(booking.status).toBe(201);
      return booking.body;
    };
    const first = await book(isla.id, '10:00');
    const second = await book(noah.id, '10:30');
    const third = await book(noah.id, '11:00');

    // Act: one is cancelled 50 hours ahead; on the day, Isla is not brought and Noah attends
    const cancel = await http.post(`/bookings/${third.id}/cancel`, { reason: 'family moving', notify: true });
    expect(cancel.status).toBe(200);
    await http.post('/dev/clock', { now: '2026-11-25T12:00:00Z' });
    expect((await http.post(`/bookings/${first.id}/outcome`, { outcome: 'WNB' })).status).toBe(200);
    expect((await http.post(`/bookings/${second.id}/outcome`, { outcome: 'ATTENDED' })).status).toBe(200);
    const res = await http.get<MetricsReport>('/metrics?from=2026-11-23&to=2026-11-29&groupBy=week');
    const outbox = await http.get<{ items: OutboxEntry[] }>('/dev/sms/outbox');

    // Assess
    expect(res.status).toBe(200);
    expect(() => metricsReportSchema.parse(res.body)).not.toThrow();
    const w48 = week(res.body, '2026-W48');
    expect(w48.summary.appointments).toEqual({ booked: 3, attended: 1, dna: 0, wnb: 1, dnaWnbRate: 0.5 });
    expect(w48.summary.cancellations).toMatchObject({
      cancelled: 1,
      late: 0,
      notice: expect.objectContaining({ twoToSevenDays: 1 }),
    });
    expect(w48.summary.shortNotice?.slotsFreed).toBe(1);
    expect(w48.byImdQuintile['1']?.appointments).toMatchObject({ wnb: 1, dnaWnbRate: 1 });
    expect(w48.byImdQuintile['5']?.appointments).toMatchObject({ attended: 1, dnaWnbRate: 0 });
    expect(w48.byClinic.hilltop?.appointments.booked).toBe(3);
    const segments = outbox.body.items.reduce((n, t) => n + t.segments, 0);
    expect(outbox.body.items.length).toBeGreaterThan(0);
    // Delivery receipts come from the outbox's simulated carrier (tests/e2e/delivery-status.e2e.test.ts).
    expect(w48.summary.texts).toMatchObject({
      sent: outbox.body.items.length,
      segments,
      costGbp: Math.round(segments * res.body.pricePerSegmentGbp * 100) / 100,
    });
  });

  it('rejects a bad query with the one error shape', async () => {
    const res = await http.get<{ error: { code: string; fields: { field: string }[] } }>(
      '/metrics?from=23-11-2026&groupBy=fortnight',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f) => f.field).sort()).toEqual(['query.from', 'query.groupBy']);
  });
});
