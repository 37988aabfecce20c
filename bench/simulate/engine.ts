/**
 * One simulated month through the real local system: DynamoDB Local, the table set up in bulk, then
 * `startLocal` (frozen clock, no demo seed) with its stream pollers and schedules, and the families and
 * staff acting through the doors. Time jumps straight to the next thing anyone does: the next action
 * on the agenda, or the next schedule tick with work (Scheduler.nextWorkAt), so a tick that sends texts
 * ends a step and families read them at the virtual time they arrived.
 */
import { performance } from 'node:perf_hooks';
import { type AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DateTime } from 'luxon';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { LOCAL_AWS, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { ensureTables, metricsTableOf } from '#local/tables.ts';
import { createDocClient } from '#store/client.ts';
import { type Action, Agenda } from './agenda.ts';
import { type Doors, openDoors } from './doors.ts';
import { calibrate, Families } from './families.ts';
import { type LoadReading, meterLoad } from './load-meter.ts';
import { PARAMETERS } from './parameters.ts';
import type { Population } from './population.ts';
import { TextReader } from './reading.ts';
import { type Scenario, textsOn } from './scenarios.ts';
import { type SetUpSummary, writeSetUp } from './setup.ts';
import { Staff } from './staff.ts';

const ZONE = 'Europe/London';
const MIN = 60_000;
/**
 * Virtual time one step's actions may span (ms): families' and staff's actions within a minute of the
 * first are taken together, each at its own time, and the stream is followed once after them, as a
 * stream's batching window and a carrier's delivery delay would make them in AWS. A schedule with work
 * inside the window ends it there. Without it, every text a family sends is a step of its own.
 */
export const STEP_WINDOW_MS = 60_000;

export interface RunOptions {
  config: TrustConfig;
  scenario: Scenario;
  population: Population;
  /** A DynamoDB Local to use (tests share one); otherwise one is started in memory for this run. */
  dynamoEndpoint?: string;
  tableName?: string;
  progress?: (line: string) => void;
}

/** Everything a run leaves for the checks and the report. */
export interface RunResult {
  scenario: Scenario;
  runtime: LocalRuntime;
  doors: Doors;
  families: Families;
  staff: Staff;
  setUp: SetUpSummary;
  /** Outbox index → the inbound message it answered (sent while the family's own text was handled). */
  answers: Map<number, string>;
  /** Outbox index → wall-clock milliseconds (performance.now) when it was sent. */
  sentWall: number[];
  /** Virtual tick time → wall-clock time the step that ran it began. */
  tickWall: Map<number, number>;
  printed: string[];
  /**
   * Every item in the table at the end of the run, from the stream (see runMonth): no Scan needed. The
   * metrics counters are in their own table, which has no stream, so none of them is here (the checks
   * read metrics through GET /metrics).
   */
  tableItems(): Record<string, unknown>[];
  timings: { setUpMs: number; startMs: number; loopMs: number; steps: number };
  /** The loop's requests to DynamoDB Local by operation, and the CPU it took (load-meter.ts). */
  load: LoadReading;
  stop(): Promise<void>;
}

export async function runMonth(options: RunOptions): Promise<RunResult> {
  const { config, scenario, population } = options;
  const progress = options.progress ?? (() => {});
  const { calendar } = population;
  const started = performance.now();

  const ddb = options.dynamoEndpoint ? undefined : await startDynamoDbLocal();
  const endpoint = options.dynamoEndpoint ?? ddb!.endpoint;
  const tableName = options.tableName ?? `attend-simulation-${scenario}`;
  const raw = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  await ensureTables(raw, {
    table: tableName,
    metricsTable: metricsTableOf(tableName),
    idempotencyTable: `${tableName}-idempotency`,
  });
  raw.destroy();
  const db = createDocClient({ ...LOCAL_AWS, endpoint });
  const {
    summary: setUp,
    bookings: setUpBookings,
    items: setUpItems,
  } = await writeSetUp(db, tableName, config, population);
  // The table's state, kept from the stream (each record's new image over the set-up's items) so the
  // checks need not read the table back: a Scan of a Kent-sized table in DynamoDB Local takes hours.
  const image = new Map<
    string,
    { plain: Record<string, unknown> } | { wire: Record<string, AttributeValue> }
  >();
  const keyOf = (pk: unknown, sk: unknown) => `${String(pk)}\u0000${String(sk)}`;
  for (const item of setUpItems) image.set(keyOf(item.pk, item.sk), { plain: item });
  db.destroy();
  progress(
    `set up ${setUp.items} items (${setUp.bookings} bookings, ${setUp.waiting} on the list) in ${(setUp.ms / 1000).toFixed(1)} s`,
  );

  const printed: string[] = [];
  const startAt = performance.now();
  const runtime = await startLocal({
    config,
    port: 0,
    dynamoEndpoint: endpoint,
    tableName,
    seed: false,
    frozenClock: true,
    startAt: calendar.simStart,
    print: (line) => printed.push(line),
    // The month's only writer is this process: the stream is not read while nothing can have been written.
    writesOnlyFromThisProcess: true,
    onStreamRecord: (record) => {
      const keys = record.dynamodb?.Keys as Record<string, AttributeValue> | undefined;
      if (!keys) return;
      const key = keyOf(keys.pk?.S, keys.sk?.S);
      if (record.eventName === 'REMOVE') image.delete(key);
      else if (record.dynamodb?.NewImage)
        image.set(key, { wire: record.dynamodb.NewImage as Record<string, AttributeValue> });
    },
  });
  const startMs = performance.now() - startAt;
  // The runtime's database watch reads the table once a second of wall time to notice a DynamoDB Local
  // that went away. The month's own calls would fail if it did; its reads would only add to the load.
  await runtime.database.stop();
  // Instrumentation only: when each text left, in wall time, for the peak send delay.
  const sentWall: number[] = [];
  const send = runtime.outbox.send.bind(runtime.outbox);
  runtime.outbox.send = async (sms) => {
    const result = await send(sms);
    sentWall[runtime.outbox.entries.length - 1] = performance.now();
    return result;
  };
  const doors = await openDoors(runtime, config.sender.originationNumber ?? '+447700900000');
  const agenda = new Agenda();
  const families = new Families({
    population,
    config,
    texting: textsOn(scenario),
    agenda,
    reader: new TextReader(config),
    k: calibrate(population),
  });
  const staff = new Staff(doors, families, agenda, population);

  for (const b of setUpBookings) {
    families.register({
      id: b.id,
      phone: b.phone!, // the simulated families all have a mobile
      ref: b.ref,
      clientId: b.clientId,
      slotId: b.slotId,
      type: b.type,
      startsAt: b.startsAt,
      bookedAt: b.bookedAt,
      source: 'staff',
    }).textsSeen = b.tiers.confirmation?.status === 'SENT' ? 1 : 0;
  }
  for (const plan of population.bookings)
    if (!plan.setUp) agenda.add(Date.parse(plan.bookedAt), { kind: 'book', planId: plan.id });
  const at = (day: string, hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: ZONE }).toMillis();
  for (const day of calendar.days) {
    for (const clinic of population.clinics)
      agenda.add(at(day, PARAMETERS.staff.outcomesAt.value), { kind: 'outcomes', clinicId: clinic.id, day });
  }
  for (
    let d = DateTime.fromJSDate(calendar.simStart, { zone: ZONE });
    d.toMillis() < calendar.end.getTime();
    d = d.plus({ days: 1 })
  ) {
    if (d.weekday <= 5) agenda.add(at(d.toISODate()!, PARAMETERS.staff.inboxAt.value), { kind: 'inbox' });
  }

  const answers = new Map<number, string>();
  const tickWall = new Map<number, number>();
  let seen = 0;
  const observe = () => {
    const entries = runtime.outbox.entries;
    for (; seen < entries.length; seen++) families.onText(seen, entries[seen]!);
  };

  const act = async (actions: Action[], now: number) => {
    const books = actions.filter((a) => a.kind === 'book').map((a) => a.planId);
    if (books.length) await staff.book(books);
    for (const action of actions) {
      switch (action.kind) {
        case 'text': {
          const state = action.stateKey ? families.stateByKey(action.stateKey) : undefined;
          if (state && (state.cancelled || Date.parse(state.startsAt) <= now)) break;
          const optOutFrom = runtime.outbox.entries.length;
          const { inboundMessageId, sent } = await doors.text(action.phone, action.body);
          for (const i of sent)
            if (runtime.outbox.entries[i]!.to === action.phone) answers.set(i, inboundMessageId);
          families.log.texts[action.purpose] = (families.log.texts[action.purpose] ?? 0) + 1;
          if (action.purpose === 'stop') families.noteOptOut(action.phone, optOutFrom, true);
          if (action.purpose === 'start') families.noteOptOut(action.phone, optOutFrom, false);
          observe();
          break;
        }
        case 'phone-cancel': {
          const state = families.stateByKey(action.stateKey);
          if (!state || state.cancelled || state.cancelSent || Date.parse(state.startsAt) <= now + 60 * MIN)
            break;
          // A family with Attend's texts who means to cancel anyway does it by reply, not by phone.
          if (state.fate.cancelAnyway && families.canText(state))
            families.reply(state, action.rebook ? 'rebook' : 'cancel', now, 0.5);
          else await staff.phoneCancel(state, action.rebook, now);
          break;
        }
        case 'outcomes':
          await staff.outcomes(action.clinicId, action.day);
          break;
        case 'inbox':
          await staff.inbox(now);
          break;
        case 'staff-rebook':
          await staff.rebook(action.clientId, action.type, action.clinicId, now);
          break;
        default:
          break;
      }
    }
  };

  const meter = meterLoad(endpoint, ddb?.pid);
  const loopStart = performance.now();
  let now = calendar.simStart.getTime();
  let steps = 0;
  const spent = { advance: 0, act: 0, settle: 0, work: 0 };
  let lastDay = '';
  const end = calendar.end.getTime();
  while (now < end) {
    // Straight to the next thing anyone or any schedule does: a tick that sends texts ends the step, so
    // the families read them (and plan their replies) at the virtual time they arrived.
    const t3 = performance.now();
    const work = await runtime.scheduler.nextWorkAt();
    spent.work += performance.now() - t3;
    const next = Math.max(
      now,
      Math.min(agenda.peek() ?? Number.POSITIVE_INFINITY, work ?? Number.POSITIVE_INFINITY, end),
    );
    tickWall.set(next, performance.now());
    const t0 = performance.now();
    // Nothing was written since nextWorkAt followed the stream: no need to follow it again first.
    await runtime.scheduler.advanceTo(new Date(next), { settled: true });
    spent.advance += performance.now() - t0;
    now = next;
    steps++;
    observe();
    // One step takes the actions of the next STEP_WINDOW_MS too, each at its own time, unless a schedule
    // has work sooner (then only those due now): the stream is followed once for them all.
    const horizon =
      work !== undefined && work <= now ? now : Math.min(now + STEP_WINDOW_MS, (work ?? end) - 1, end);
    const due = agenda.takeTimedUntil(horizon);
    if (due.length > 0) {
      const t1 = performance.now();
      for (let i = 0; i < due.length; ) {
        const at = due[i]!.at;
        const group: Action[] = [];
        for (; i < due.length && due[i]!.at === at; i++) group.push(due[i]!.action);
        if (at > now) {
          runtime.clock.set(new Date(at));
          now = at;
        }
        await act(group, now);
      }
      spent.act += performance.now() - t1;
      const t2 = performance.now();
      await doors.settle();
      spent.settle += performance.now() - t2;
      observe();
    }
    const day = DateTime.fromMillis(now, { zone: ZONE }).toISODate()!;
    if (day !== lastDay) {
      lastDay = day;
      progress(
        `${day}: ${runtime.outbox.entries.length} texts, ${staff.log.booked} booked, ${((performance.now() - loopStart) / 1000).toFixed(0)} s`,
      );
    }
  }
  await doors.settle();
  observe();
  const loopMs = performance.now() - loopStart;
  const load = meter.stop();
  progress(
    `wall ms in: schedules ${spent.advance.toFixed(0)}, families and staff ${spent.act.toFixed(0)}, stream ${spent.settle.toFixed(0)}, next-work look-ups ${spent.work.toFixed(0)}`,
  );
  const { ticks, tickMs, asked, reused } = runtime.scheduler.stats;
  progress(
    `${steps} steps; ticks ${Object.entries(ticks)
      .map(([k, v]) => `${k} ${v} (${((tickMs[k] ?? 0) / 1000).toFixed(0)} s)`)
      .join(', ')}; next-work questions ${asked} asked, ${reused} answered from the last answer`,
  );

  return {
    scenario,
    runtime,
    doors,
    families,
    staff,
    setUp,
    answers,
    sentWall,
    tickWall,
    printed,
    // Set-up items are plain; stream images are in DynamoDB's wire format.
    tableItems: () => [...image.values()].map((i) => ('wire' in i ? unmarshall(i.wire) : i.plain)),
    timings: { setUpMs: setUp.ms, startMs, loopMs, steps },
    load,
    async stop() {
      await runtime.stop();
      await ddb?.stop();
      void started;
    },
  };
}
