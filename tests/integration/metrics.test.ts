/**
 * The metrics counters against DynamoDB Local's real stream: bookings, outcomes, cancellations, freed
 * and refilled slots and texts, made by the services, reach the counters through the stream with the
 * metrics filters; the report reads only the counter cells; and a record delivered twice counts once.
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clinic } from '#core/model.ts';
import { StreamPoller } from '#local/stream-poller.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import {
  type CountOutcome,
  countStreamRecord,
  countStreamRecords,
  type ItemRecord,
  metricsReport,
} from '#services/metrics.ts';
import { recordOutcome } from '#services/outcomes.ts';
import type { StoreContext } from '#store/context.ts';
import { keys } from '#store/keys.ts';
import { METRICS_FILTER_PATTERNS } from '#store/metrics-stream-filters.ts';
import { createSlots } from '#store/slots.ts';
import { aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { seed } from './helpers.ts';

/** Monday 23 November 2026, 09:00 in London (GMT, so local time and UTC agree). */
const MONDAY = '2026-11-23T09:00:00.000Z';
const WEEK = { from: '2026-11-23', to: '2026-11-29' };

let store: StoreContext & { endpoint: string };
let deps: TestDeps;
let clinic: Clinic;
let poller: StreamPoller;
/** Every record the poller handed over, to deliver again. */
let delivered: DynamoDBRecord[];
/** Every record the poller read from the table's stream, before its filters. */
let read: DynamoDBRecord[];

const image = (value: Record<string, AttributeValue> | undefined) =>
  value ? (unmarshall(value as never) as Record<string, unknown>) : undefined;

const asItemRecord = (record: DynamoDBRecord): ItemRecord => ({
  eventId: record.eventID!,
  eventName: record.eventName,
  oldImage: image(record.dynamodb?.OldImage),
  newImage: image(record.dynamodb?.NewImage),
});

/** As the Lambda handler does: the batch counted together, then any record left out on its own. */
async function countBatch(records: readonly ItemRecord[]) {
  const together = await countStreamRecords(deps, records);
  const outcomes: CountOutcome[] = [];
  for (const r of records) outcomes.push(together.get(r.eventId) ?? (await countStreamRecord(deps, r)));
  return outcomes;
}

beforeEach(async () => {
  store = await freshTable();
  deps = testDeps(store, MONDAY);
  clinic = aClinic({ id: 'riverside' });
  await seed(store, { clinic });
  delivered = [];
  read = [];
  // The Lambda handler's work, minus its module-scope environment: each record through the service.
  poller = new StreamPoller({
    endpoint: store.endpoint,
    tableName: store.table,
    filters: METRICS_FILTER_PATTERNS,
    onRecord: (record) => read.push(record),
    handler: async (event) => {
      delivered.push(...event.Records);
      await countBatch(event.Records.map(asItemRecord));
    },
  });
  await poller.init();
});

afterEach(async () => {
  await poller.close();
});

describe('metrics from the table stream', () => {
  it('counts bookings, outcomes, a cancellation with its notice, the freed slot and the texts', async () => {
    // Prepare: two families, one in the most deprived fifth of areas, one in the least; three slots
    const deprived = aClient({ flags: { ...aClient().flags, imdDecile: 2 } });
    const affluent = aClient({ flags: { ...aClient().flags, imdDecile: 9 } });
    const slots = ['10:00', '10:30', '11:00'].map((t) =>
      aSlotFor(clinic, { type: 'one-year-review', startsAt: `2026-11-24T${t}:00.000Z` }),
    );
    await seed(store, { clients: [deprived, affluent], slots });
    const book = (slotId: string, clientId: string) =>
      bookSlot(deps, { slotId, clientId, by: 'hv', source: 'staff' });
    const notBrought = await book(slots[0]!.id, deprived.id);
    const seen = await book(slots[1]!.id, affluent.id);
    const cancelled = await book(slots[2]!.id, affluent.id);

    // Act: cancelled 26 hours ahead; the next day one child is not brought and one attends
    await cancelByStaff(deps, { bookingId: cancelled.id, by: 'hv', reason: 'clinic closed', notify: false });
    deps.clock.set('2026-11-24T12:00:00.000Z');
    await recordOutcome(deps, { bookingId: notBrought.id, outcome: 'WNB', by: 'hv' });
    await recordOutcome(deps, { bookingId: seen.id, outcome: 'ATTENDED', by: 'hv' });
    await poller.drain();
    const report = await metricsReport(deps, { ...WEEK, groupBy: 'week' });

    // Assess
    const week = report.periods[0]!;
    expect(report.periods).toHaveLength(1);
    expect(week.summary.appointments).toEqual({ booked: 3, attended: 1, dna: 0, wnb: 1, dnaWnbRate: 0.5 });
    expect(week.summary.cancellations).toMatchObject({
      cancelled: 1,
      late: 0,
      averageNoticeHours: 26,
      notice: { under24h: 0, oneToTwoDays: 1, twoToSevenDays: 0, overSevenDays: 0 },
    });
    expect(week.summary.shortNotice).toMatchObject({ slotsFreed: 1, slotsFilled: 0, fillRate: null });
    const texts = deps.outbox.entries;
    expect(texts.length).toBeGreaterThan(0);
    expect(week.summary.texts).toEqual({
      sent: texts.length,
      segments: texts.reduce((n, t) => n + t.segments, 0),
      costGbp: Math.round(texts.reduce((n, t) => n + t.segments, 0) * 0.0364 * 100) / 100,
      // No delivery receipt was fed in here (tests/integration/delivery-status.test.ts does that).
      delivered: 0,
      failed: 0,
      deliveryRate: null,
    });
    expect(week.byImdQuintile['1']?.appointments).toMatchObject({ booked: 1, wnb: 1, dnaWnbRate: 1 });
    expect(week.byImdQuintile['5']?.appointments).toMatchObject({ booked: 2, attended: 1, dnaWnbRate: 0 });
    expect(week.byClinic.riverside?.appointments.booked).toBe(3);
    expect(week.byType['one-year-review']?.cancellations.cancelled).toBe(1);
  });

  it('keeps the counters and their markers in the metrics table: none in the Attend table or its stream', async () => {
    // Prepare
    const client = aClient();
    const slot = aSlotFor(clinic, { startsAt: '2026-11-24T10:00:00.000Z' });
    await seed(store, { clients: [client], slots: [slot] });

    // Act: a booking (with its confirmation text) counted, then a second drain for anything it wrote
    await bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'hv', source: 'staff' });
    await poller.drain();
    await poller.drain();

    // Assess
    const entities = async (table: string) =>
      ((await store.db.send(new ScanCommand({ TableName: table }))).Items ?? []).map((i) => String(i.entity));
    const inMetricsTable = await entities(store.metricsTable);
    expect(inMetricsTable).toContain('MetricsCell');
    expect(inMetricsTable).toContain('MetricsApplied');
    // and the local runtime's marker (local/metrics-move.ts), nothing else
    expect(new Set(inMetricsTable)).toEqual(new Set(['MetricsCell', 'MetricsApplied', 'MetricsMoved']));
    const counting = ['MetricsCell', 'MetricsApplied'];
    expect((await entities(store.table)).filter((e) => counting.includes(e))).toEqual([]);
    expect(read.length).toBeGreaterThan(0);
    const streamed = read.map((r) => String(image(r.dynamodb?.NewImage ?? r.dynamodb?.OldImage)?.entity));
    expect(streamed.filter((e) => counting.includes(e))).toEqual([]);
    const report = await metricsReport(deps, { ...WEEK, groupBy: 'week' });
    expect(report.totals.summary.appointments.booked).toBe(1);
  });

  it('counts a short-notice run that fills, with its time to fill and offers', async () => {
    // Prepare: a slot freed on Monday morning
    const slot = aSlotFor(clinic, { startsAt: '2026-11-25T10:00:00.000Z', freedAt: MONDAY });
    await createSlots(store, [slot]);
    const run = { runId: MONDAY, state: 'OFFERING', wave: 1, offersMade: 4, startedAt: MONDAY };
    const setRun = (backfill: Record<string, unknown>) =>
      store.db.send(
        new UpdateCommand({
          TableName: store.table,
          Key: keys.slot(slot.id),
          UpdateExpression: 'SET backfill = :run',
          ExpressionAttributeValues: { ':run': backfill },
        }),
      );

    // Act: offered, then filled 50 minutes after the run began (and touched again afterwards)
    await setRun(run);
    await setRun({ ...run, state: 'FILLED', endedAt: '2026-11-23T09:50:00.000Z' });
    await setRun({ ...run, state: 'FILLED', endedAt: '2026-11-23T09:50:00.000Z', bookingId: 'b-1' });
    await poller.drain();
    const report = await metricsReport(deps, { ...WEEK, groupBy: 'week' });

    // Assess
    expect(report.totals.summary.shortNotice).toMatchObject({
      slotsFreed: 1,
      slotsFilled: 1,
      slotsUnfilled: 0,
      fillRate: 1,
      // One fill in the 30-60 minute bucket: the median is the bucket's middle, the average exact.
      medianMinutesToFill: 45,
      averageMinutesToFill: 50,
      fillTimes: expect.objectContaining({ '30-60m': 1 }),
      offersMade: 4,
      offersPerFill: 4,
    });
  });

  it('counts a record delivered twice only once', async () => {
    // Prepare
    const client = aClient({ flags: { ...aClient().flags, imdDecile: 5 } });
    const slot = aSlotFor(clinic, { type: 'one-year-review', startsAt: '2026-11-24T10:00:00.000Z' });
    await seed(store, { clients: [client], slots: [slot] });
    const booking = await bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'hv', source: 'staff' });
    deps.clock.set('2026-11-24T12:00:00.000Z');
    await recordOutcome(deps, { bookingId: booking.id, outcome: 'DNA', by: 'hv' });
    await poller.drain();
    const once = await metricsReport(deps, { ...WEEK, groupBy: 'week' });

    // Act: the stream (or a retried batch) delivers every record again
    const again = [];
    for (const record of delivered) again.push(await countStreamRecord(deps, asItemRecord(record)));
    const twice = await metricsReport(deps, { ...WEEK, groupBy: 'week' });

    // Assess
    expect(delivered.length).toBeGreaterThan(0);
    expect(again.every((outcome) => outcome === 'duplicate' || outcome === 'nothing-to-count')).toBe(true);
    expect(again).toContain('duplicate');
    expect(once.totals.summary.appointments).toEqual({
      booked: 1,
      attended: 0,
      dna: 1,
      wnb: 0,
      dnaWnbRate: 1,
    });
    expect(twice).toEqual(once);
  });

  it('counts a redelivered batch with new records in it once each: the counted ones are duplicates', async () => {
    // Prepare: one booking counted; then a second booking whose records are not yet counted
    const [first, second] = [aClient(), aClient()];
    const slots = ['10:00', '10:30'].map((t) =>
      aSlotFor(clinic, { type: 'one-year-review', startsAt: `2026-11-24T${t}:00.000Z` }),
    );
    await seed(store, { clients: [first, second], slots });
    await bookSlot(deps, { slotId: slots[0]!.id, clientId: first.id, by: 'hv', source: 'staff' });
    await poller.drain();
    const counted = delivered.map(asItemRecord);
    const onlyNew: DynamoDBRecord[] = [];
    const keep = poller;
    poller = new StreamPoller({
      endpoint: store.endpoint,
      tableName: store.table,
      filters: METRICS_FILTER_PATTERNS,
      handler: async (event) => {
        onlyNew.push(...event.Records);
      },
    });
    await poller.init();
    await keep.close();
    await bookSlot(deps, { slotId: slots[1]!.id, clientId: second.id, by: 'hv', source: 'staff' });
    await poller.drain();

    // Act: one batch holding the counted records again and the new ones
    const outcomes = await countBatch([...counted, ...onlyNew.map(asItemRecord)]);

    // Assess: the old ones are duplicates, the new ones counted, and two bookings in all
    expect(outcomes.slice(0, counted.length).every((o) => o !== 'counted')).toBe(true);
    expect(outcomes.slice(counted.length)).toContain('counted');
    const report = await metricsReport(deps, { ...WEEK, groupBy: 'week' });
    expect(report.totals.summary.appointments.booked).toBe(2);
  });

  it('counts a batch whose cells do not fit one transaction, every record once', async () => {
    // Prepare: 40 bookings on 40 different days, each in its own IMD decile's cells: well over 100 cells
    const clients = Array.from({ length: 40 }, (_, i) =>
      aClient({ flags: { ...aClient().flags, imdDecile: (i % 10) + 1 } }),
    );
    const slots = clients.map((_, i) =>
      aSlotFor(clinic, {
        type: 'one-year-review',
        startsAt: new Date(Date.parse('2026-11-24T10:00:00.000Z') + i * 86_400_000).toISOString(),
      }),
    );
    await seed(store, { clients, slots });
    const records: ItemRecord[] = [];
    const keep = poller;
    poller = new StreamPoller({
      endpoint: store.endpoint,
      tableName: store.table,
      filters: METRICS_FILTER_PATTERNS,
      batchSize: 1000,
      handler: async (event) => {
        records.push(...event.Records.map(asItemRecord));
      },
    });
    await poller.init();
    await keep.close();
    for (const [i, c] of clients.entries())
      await bookSlot(deps, { slotId: slots[i]!.id, clientId: c.id, by: 'hv', source: 'staff' });

    // Act: everything in one batch
    await poller.drain();
    const send = store.db.send.bind(store.db);
    let transactions = 0;
    store.db.send = ((command: { constructor: { name: string } }, ...rest: unknown[]) => {
      if (command.constructor.name === 'TransactWriteCommand') transactions++;
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as typeof store.db.send;
    const outcomes = await countBatch(records);
    const together = transactions;
    store.db.send = send;
    const again = await countBatch(records);

    // Assess
    expect(records.length).toBeGreaterThanOrEqual(40);
    expect(outcomes.filter((o) => o === 'counted').length).toBeGreaterThanOrEqual(40);
    expect(again.every((o) => o !== 'counted')).toBe(true);
    // Counted together: a few transactions of many records each (at most 100 actions), not one per record
    expect(together).toBeGreaterThan(1);
    expect(together).toBeLessThanOrEqual(Math.ceil(records.length / 10));
    const report = await metricsReport(deps, { from: '2026-11-23', to: '2027-01-10', groupBy: 'week' });
    expect(report.totals.summary.appointments.booked).toBe(40);
  });

  it('refuses a range over a year and a range that ends before it starts', async () => {
    await expect(metricsReport(deps, { from: '2025-01-01', to: '2026-01-02' })).rejects.toMatchObject({
      fields: [{ field: 'query.to' }],
    });
    await expect(metricsReport(deps, { from: '2026-11-02', to: '2026-11-01' })).rejects.toMatchObject({
      fields: [{ field: 'query.from' }],
    });
  });
});
