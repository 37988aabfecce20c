/**
 * After a run: reads the whole table (a bench may scan; the system never does), the outbox, the dead
 * letters and /metrics, checks every invariant (invariants.ts), and works out the throughput figures.
 * What it returns is plain JSON, so a run in a child process can hand it to the report.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DateTime } from 'luxon';
import { messagesPerSecond } from '#core/config/sender.ts';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { phoneHash } from '#core/consent.ts';
import type { MetricsReport } from '#core/metrics-report.ts';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';
import { LOCAL_CONSENT_KEY } from '#local/runtime.ts';
import { createDocClient } from '#store/client.ts';
import type { RunResult } from './engine.ts';
import {
  type Block,
  type BookingRecord,
  type Breach,
  checkAll,
  type DeadLetterRecord,
  type MetricPair,
  type OfferRecord,
  type SentText,
  type SlotRecord,
  sameWordsForTwoPurposes,
} from './invariants.ts';
import type { Population } from './population.ts';
import type { Scenario } from './scenarios.ts';

export interface PeakSend {
  /** The local time of the busiest sweep tick at 10:00 (the tiers' due time). */
  at: string;
  texts: number;
  segments: number;
  /** Wall seconds from the tick's start to its last text leaving, on this machine (the local outbox does not throttle). */
  processingSeconds: number;
  /** What the carrier allows: the tick's segments at sender.messagesPerSecond. */
  carrierSeconds: number;
}

export interface ScenarioResult {
  scenario: Scenario;
  scale: number;
  shape: {
    clinics: number;
    weeks: number;
    slots: number;
    bookings: number;
    children: number;
    waiting: number;
  };
  timings: { setUpSeconds: number; startSeconds: number; loopSeconds: number; steps: number };
  /**
   * What the loop asked of DynamoDB Local: requests by operation, their total and rate, per booking in
   * the month, and the CPU seconds of both processes (DynamoDB Local's only where /proc is readable).
   */
  load?: {
    calls: Record<string, number>;
    totalCalls: number;
    callsPerSecond: number;
    callsPerBooking: number;
    nodeCpuSeconds: number;
    dynamoDbLocalCpuSeconds?: number;
    /** DynamoDB Local's SQLite thread, which runs every table operation one at a time. */
    sqliteThreadCpuSeconds?: number;
  };
  throughput: {
    bookings: number;
    texts: number;
    bookingsPerSecond: number;
    textsPerSecond: number;
    peak: PeakSend | undefined;
  };
  metrics: MetricsReport;
  /** Unprompted texts repeating the words of an earlier one to the phone for another purpose (two reminder tiers). */
  sameWordsTwice: number;
  /** Items each check looked at, so a reader sees the checks were not vacuous. */
  checked: Record<string, number>;
  breaches: Breach[];
  /** API answers nothing in the simulation should cause (5xx, or a 4xx the families did not provoke). */
  apiErrors: { call: string; status: number; body: string }[];
  families: Record<string, unknown>;
  staff: Record<string, unknown>;
}

export async function scanTable(endpoint: string, table: string): Promise<Record<string, unknown>[]> {
  const db = createDocClient({ ...LOCAL_AWS, endpoint });
  const items: Record<string, unknown>[] = [];
  try {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    db.destroy();
  }
  return items;
}

const ZONE = 'Europe/London';

export async function collect(
  run: RunResult,
  config: TrustConfig,
  population: Population,
): Promise<ScenarioResult> {
  // The table as the run left it, kept from the stream: a Scan of a Kent-sized table in DynamoDB Local
  // takes hours (each 1 MB page costs time that grows with the table).
  const items = run.tableItems();
  const of = (entity: string) => items.filter((i) => i.entity === entity);
  const bookings = of('Booking') as unknown as (BookingRecord & { bookedAt: string })[];
  const slots = of('Slot') as unknown as SlotRecord[];
  const offers = of('Offer') as unknown as OfferRecord[];
  const messages = of('Message') as unknown as { direction: string; segments?: number }[];
  const outbound = messages.filter((m) => m.direction === 'OUT');

  // What each text was for: a booking's tier names the message it sent, and the message its provider id.
  const tierOf = new Map<string, string>();
  for (const b of bookings as unknown as { id: string; tiers?: Record<string, { messageId?: string }> }[])
    for (const [tierId, tier] of Object.entries(b.tiers ?? {}))
      if (tier.messageId) tierOf.set(tier.messageId, `${b.id}#${tierId}`);
  const purposeOf = new Map<string, string>();
  for (const m of outbound as unknown as {
    id: string;
    providerMessageId?: string;
    kind?: string;
    offerId?: string;
  }[]) {
    // A booking's tier, or a text about one offer (the offer, "you're booked", "that time has gone").
    const purpose = tierOf.get(m.id) ?? (m.offerId ? `offer ${m.offerId} ${m.kind ?? ''}` : undefined);
    if (m.providerMessageId && purpose) purposeOf.set(m.providerMessageId, purpose);
  }
  const entries = run.runtime.outbox.entries;
  const texts: SentText[] = entries.map((e, index) => ({
    index,
    at: e.at,
    to: e.to,
    body: e.body,
    ...(run.answers.has(index) ? { answers: run.answers.get(index) } : {}),
    ...(purposeOf.has(e.id) ? { purpose: purposeOf.get(e.id) } : {}),
  }));

  // Opt-outs: STOP spans as the families saw them (by outbox position), and what the table holds now.
  const blocks: Block[] = [];
  for (const [phone, spans] of run.families.optedOut)
    for (const [fromIndex, toIndex] of spans) blocks.push({ phone, reason: 'stop-text', fromIndex, toIndex });
  const phones = new Set(
    [...population.children.values()].flatMap((c) => (c.client.phone ? [c.client.phone] : [])),
  );
  const consentByHash = new Map(
    of('Consent').map((c) => [String(c.pk).replace(/^CONSENT#/, ''), c as { reason: string; since: string }]),
  );
  for (const phone of phones) {
    const consent = consentByHash.get(phoneHash(LOCAL_CONSENT_KEY, phone));
    if (consent && consent.reason !== 'stop-text')
      blocks.push({ phone, reason: consent.reason as 'unreachable' | 'staff', since: consent.since });
  }

  const deadLetters: DeadLetterRecord[] = [
    ...run.runtime.poller.deadLetters.map((d) => ({
      queue: `${d.mapping} stream`,
      id: d.record.eventID ?? '?',
      reason: d.reason,
    })),
    // A schedule's failed invocation goes to its dead-letter queue in AWS; locally it is printed.
    ...run.printed
      .filter((line) => line.startsWith('[scheduler]') || line.startsWith('[stream]'))
      .map((line) => ({ queue: 'schedule', id: line.slice(0, 40), reason: line })),
  ];

  // /metrics for every day anything in the run happened on, beside the table's own counts.
  const firstDay = [
    population.calendar.simStart.toISOString().slice(0, 10),
    ...bookings.map((b) => b.bookedAt.slice(0, 10)),
  ].sort()[0]!;
  const lastDay = DateTime.fromJSDate(population.calendar.end, { zone: ZONE }).plus({ days: 1 }).toISODate()!;
  const res = await run.doors.api<MetricsReport>(
    'GET',
    `/metrics?from=${DateTime.fromISO(firstDay).minus({ days: 1 }).toISODate()}&to=${lastDay}&groupBy=week`,
  );
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}: ${JSON.stringify(res.body)}`);
  const metrics = res.body;
  const total = metrics.totals.summary;
  const count = (status: string) => bookings.filter((b) => b.status === status).length;
  const events = run.runtime.events.events;
  const eventCount = (type: string) => events.filter((e) => e.type === type).length;
  const pairs: MetricPair[] = [
    { name: 'appointments.booked', metrics: total.appointments.booked, truth: bookings.length },
    { name: 'appointments.attended', metrics: total.appointments.attended, truth: count('ATTENDED') },
    { name: 'appointments.dna', metrics: total.appointments.dna, truth: count('DNA') },
    { name: 'appointments.wnb', metrics: total.appointments.wnb, truth: count('WNB') },
    { name: 'cancellations.cancelled', metrics: total.cancellations.cancelled, truth: count('CANCELLED') },
    { name: 'texts.sent', metrics: total.texts?.sent ?? 0, truth: outbound.length },
    {
      name: 'texts.segments',
      metrics: total.texts?.segments ?? 0,
      truth: outbound.reduce((s, m) => s + (m.segments ?? 1), 0),
    },
    {
      name: 'texts.sent (outbox + set-up)',
      metrics: total.texts?.sent ?? 0,
      truth: entries.length + run.setUp.earlierTexts,
    },
    {
      name: 'shortNotice.slotsFilled (SlotFilled events)',
      metrics: total.shortNotice?.slotsFilled ?? 0,
      truth: eventCount('SlotFilled'),
    },
    {
      name: 'shortNotice.slotsUnfilled (SlotUnfilled events)',
      metrics: total.shortNotice?.slotsUnfilled ?? 0,
      truth: eventCount('SlotUnfilled'),
    },
  ];

  const breaches = checkAll({
    texts,
    quiet: config.quietHours,
    timeZone: config.timeZone,
    blocks,
    bookings,
    slots,
    offers,
    deadLetters,
    metrics: pairs,
  });

  // Throughput: the month's loop in wall time, and the busiest 10:00 sweep.
  const loopSeconds = run.timings.loopMs / 1000;
  const totalCalls = Object.values(run.load.calls).reduce((a, b) => a + b, 0);
  const madeInRun = run.staff.log.booked + offers.filter((o) => o.status === 'ACCEPTED').length;
  let peak: PeakSend | undefined;
  const byTick = new Map<number, number[]>();
  entries.forEach((e, i) => {
    if (run.answers.has(i)) return;
    const at = Date.parse(e.at);
    const local = DateTime.fromMillis(at, { zone: ZONE });
    if (local.hour !== 10 || local.minute !== 0 || !run.tickWall.has(at)) return;
    byTick.set(at, [...(byTick.get(at) ?? []), i]);
  });
  for (const [at, indexes] of byTick) {
    if (peak && indexes.length <= peak.texts) continue;
    const started = run.tickWall.get(at)!;
    const segments = indexes.reduce((s, i) => s + entries[i]!.segments, 0);
    peak = {
      at: DateTime.fromMillis(at, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm'),
      texts: indexes.length,
      segments,
      processingSeconds: Math.max(...indexes.map((i) => (run.sentWall[i] ?? started) - started)) / 1000,
      carrierSeconds: segments / messagesPerSecond(config.sender),
    };
  }

  return {
    scenario: run.scenario,
    scale: population.scale,
    shape: {
      clinics: population.clinics.length,
      weeks: population.weeks,
      slots: population.slots.length,
      bookings: population.bookings.length,
      children: population.children.size,
      waiting: population.waiting.length,
    },
    timings: {
      setUpSeconds: run.timings.setUpMs / 1000,
      startSeconds: run.timings.startMs / 1000,
      loopSeconds,
      steps: run.timings.steps,
    },
    load: {
      calls: run.load.calls,
      totalCalls,
      callsPerSecond: totalCalls / loopSeconds,
      callsPerBooking: bookings.length ? totalCalls / bookings.length : 0,
      nodeCpuSeconds: run.load.nodeCpuMs / 1000,
      ...(run.load.dynamoDbLocalCpuMs !== undefined && {
        dynamoDbLocalCpuSeconds: run.load.dynamoDbLocalCpuMs / 1000,
      }),
      ...(run.load.sqliteThreadCpuMs !== undefined && {
        sqliteThreadCpuSeconds: run.load.sqliteThreadCpuMs / 1000,
      }),
    },
    throughput: {
      bookings: bookings.length,
      texts: entries.length,
      bookingsPerSecond: madeInRun / loopSeconds,
      textsPerSecond: entries.length / loopSeconds,
      peak,
    },
    metrics,
    checked: {
      texts: texts.length,
      blocks: blocks.length,
      bookings: bookings.length,
      slots: slots.length,
      offers: offers.length,
      metricPairs: pairs.length,
    },
    sameWordsTwice: sameWordsForTwoPurposes(texts),
    breaches,
    apiErrors: run.staff.log.errors,
    families: { ...run.families.log },
    staff: { ...run.staff.log, errors: run.staff.log.errors.length },
  };
}
