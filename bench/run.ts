/**
 * `npm run bench`: what a reminder sweep costs as the table grows. Loads 10,000 and 100,000 bookings
 * (or `--sizes`, up to a million, each load time-boxed) into a fresh DynamoDB Local with about 1.2% due
 * (one client per booking, one family in five with two children on one phone), runs the real sweep,
 * and compares the items it read per reminder sent with a naive full-table Scan for the same due set.
 * Prints a table; asserts nothing.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { parseArgsOrUsage } from '#bin/usage.ts';
import type { Booking, Client } from '#core/model.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import type { SmsSender } from '#messaging/sms-sender.ts';
import { runReminderSweep } from '#services/reminders.ts';
import { bookingItem } from '#store/bookings.ts';
import { clientItem } from '#store/clients.ts';
import { type BackfillRow, measureBackfill } from './backfill.ts';
import { measureLambdas, printLambdas } from './lambdas.ts';
import { batchWrite, benchDeps, benchTable } from './load.ts';

const NOW = new Date('2026-12-01T10:00:00.000Z'); // a Tuesday morning, outside quiet hours
/**
 * One client per booking, as in a real table: every booking's child is a different client. One child
 * in six is the younger sibling of the child before, on the same family phone: of every five families,
 * one has two children booked (about 20%). About 1% of bookings are due, and one due child in six has
 * a sibling due at the same time, as for children seen on the same day.
 */
export const isSibling = (i: number): boolean => i % 6 === 1;
export const familyOf = (i: number): number => (isSibling(i) ? i - 1 : i);
export const isDue = (i: number): boolean => i % 100 === 0 || i % 600 === 1;
const phoneOf = (family: number): string => `+4477${String(family).padStart(8, '0')}`;

export function booking(i: number, due: boolean): Booking {
  const startsAt = new Date(NOW.getTime() + (2 + (i % 20)) * 86_400_000).toISOString();
  const dueAt = due
    ? new Date(NOW.getTime() - (1 + (i % 50)) * 60_000).toISOString()
    : new Date(NOW.getTime() + (1 + (i % 5000)) * 60_000).toISOString();
  return {
    id: `bench-${i}`,
    ref: String(1000 + (i % 9000)),
    slotId: `bench-slot-${i}`,
    clientId: `bench-client-${i}`,
    clinicId: 'bench-clinic',
    type: 'clinic',
    startsAt,
    durationMinutes: 15,
    localDay: startsAt.slice(0, 10),
    phone: phoneOf(familyOf(i)),
    status: 'BOOKED',
    source: 'import',
    bookedAt: '2026-11-01T10:00:00.000Z',
    bookedBy: 'bench',
    tiers: { '2d': { kind: 'reminder', dueAt, status: 'PENDING', attempts: 0 } },
    updatedAt: '2026-11-01T10:00:00.000Z',
  };
}

export function client(i: number): Client {
  return {
    id: `bench-client-${i}`,
    firstName: 'Amelia',
    familyName: `Bench${familyOf(i)}`,
    phone: phoneOf(familyOf(i)),
    language: 'en',
    flags: { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: false },
    history: { attended: 0, dna: 0, wnb: 0, consecutiveWnb: 0 },
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
  };
}

interface Row {
  /** The bookings asked for; `size` is how many were loaded (fewer when the time box ran out). */
  asked: number;
  size: number;
  loadSeconds: number;
  due: number;
  sent: number;
  oursRead: number;
  /** Items the naive Scan read; undefined when the table was too large to scan in the time (see --scan-up-to). */
  scanRead: number | undefined;
  sweepMs: number;
  scanMs: number | undefined;
  /** Due bookings the sweep left for its next run because its own time box ran out. */
  leftForNext: number;
  /** Due bookings the sweep read (more than it sent when its time box ran out part-way through a page). */
  dueRead: number;
}

interface Limits {
  /** Minutes the load may take; past it, the bookings loaded so far are measured. */
  loadMinutes: number;
  /** Minutes the sweep may take; past it, it claims nothing more (as in Lambda near its timeout). */
  sweepMinutes: number;
  /** The naive Scan is run only for tables of at most this many bookings. */
  scanUpTo: number;
}

/**
 * The bench's bookings and their clients, booking i then its client, so a load cut short by the time
 * box (always a whole chunk of 24 at a time) leaves every loaded booking with its client. The index
 * keys neither the sweep nor the Scan reads (by phone, clinic day, client and look-up) are left off:
 * maintaining them makes loading a million items into DynamoDB Local far slower.
 */
export function* sweepItems(size: number): Generator<Record<string, unknown>> {
  for (let i = 0; i < size; i++) {
    const { phonePk, phoneSk, clinicDayPk, clinicDaySk, clientPk, clientSk, lookupPk, lookupSk, ...b } =
      bookingItem(booking(i, isDue(i)));
    yield b;
    const {
      phonePk: p,
      phoneSk: q,
      lookupPk: l,
      lookupSk: m,
      clientPk: c,
      clientSk: d,
      ...item
    } = clientItem(client(i));
    yield item;
  }
}

async function measure(endpoint: string, size: number, limits: Limits): Promise<Row> {
  const table = `attend-bench-${size}`;
  const db = await benchTable(endpoint, table, {
    clinic: { id: 'bench-clinic', name: 'Bench Clinic' },
    clients: [],
    now: NOW,
  });
  const config = loadTrustConfig('example');
  const loadStart = performance.now();
  const load = await batchWrite(db, table, sweepItems(size), {
    chunk: 24,
    stopAt: Date.now() + limits.loadMinutes * 60_000,
    progress: (n) =>
      console.log(
        `  ${(n / 2).toLocaleString('en-GB')} bookings loaded, ${((performance.now() - loadStart) / 1000).toFixed(0)} s`,
      ),
  });
  const loaded = load.written / 2;
  const loadSeconds = (performance.now() - loadStart) / 1000;
  console.log(
    load.complete
      ? `  loaded in ${loadSeconds.toFixed(0)} s`
      : `  TIME BOX of ${limits.loadMinutes} min ran out: ${loaded.toLocaleString('en-GB')} of ${size.toLocaleString('en-GB')} bookings loaded; measuring those`,
  );
  let expectedDue = 0;
  for (let i = 0; i < loaded; i++) if (isDue(i)) expectedDue++;

  let sent = 0;
  const sms: SmsSender = {
    send: async () => ({ providerMessageId: `bench-${++sent}` }),
  };
  const deps = benchDeps({ db, table, config, sms, now: NOW });

  // The naive alternative: scan everything and keep what is due (skipped for the largest tables,
  // where it alone would take longer on DynamoDB Local than the time there is).
  let scanRead: number | undefined;
  let scanMs: number | undefined;
  if (loaded <= limits.scanUpTo) {
    let scanned = 0;
    let scanDue = 0;
    const scanStart = performance.now();
    let start: Record<string, unknown> | undefined;
    do {
      const out = await db.send(
        new ScanCommand({
          TableName: table,
          FilterExpression: 'nextDueAt <= :now',
          ExpressionAttributeValues: { ':now': NOW.toISOString() },
          ExclusiveStartKey: start,
        }),
      );
      scanned += out.ScannedCount ?? 0;
      scanDue += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    scanMs = performance.now() - scanStart;
    scanRead = scanned;
    if (scanDue !== expectedDue)
      throw new Error(`the Scan found ${scanDue} due but ${expectedDue} were loaded due`);
  }

  const sweepStart = performance.now();
  const sweepEnds = Date.now() + limits.sweepMinutes * 60_000;
  const report = await runReminderSweep(deps, { remainingMs: () => sweepEnds - Date.now() });
  const sweepMs = performance.now() - sweepStart;
  db.destroy();
  if (!report.outOfTime && report.sent !== expectedDue)
    throw new Error(`sweep sent ${report.sent} but ${expectedDue} were due`);
  return {
    asked: size,
    size: loaded,
    loadSeconds,
    due: expectedDue,
    sent: report.sent,
    oursRead: report.itemsRead,
    scanRead,
    sweepMs,
    scanMs,
    // Out of time, the sweep leaves what it had claimed nothing of (read or not) for its next run.
    leftForNext: expectedDue - report.sent,
    dueRead: report.due,
  };
}

const n = (x: number) => Math.round(x).toLocaleString('en-GB');

/**
 * Items read per text. When the sweep's time box ran out part-way through a page it read bookings it
 * did not send; then the figure is per due booking read (each of which costs the same to send), marked.
 */
const perText = (r: Row): string =>
  r.sent === 0
    ? 'n/a'
    : r.dueRead > r.sent
      ? `${(r.oursRead / r.dueRead).toFixed(2)} per due booking read (${(r.oursRead / r.sent).toFixed(2)} per text sent)`
      : (r.oursRead / r.sent).toFixed(2);

/** The sweep table as the README shows it. */
function sweepMarkdown(rows: readonly Row[]): string {
  const lines = [
    '| bookings | loaded in | due | sent | left for next run | items read | read per text | Scan items | Scan/ours | sweep ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const size =
      r.size === r.asked ? n(r.size) : `${n(r.size)} (of ${n(r.asked)} asked: the load's time box ran out)`;
    const scan =
      r.scanRead === undefined
        ? 'not run | '
        : `${n(r.scanRead)} | ${n(r.scanRead / Math.max(1, r.oursRead))}`;
    lines.push(
      `| ${size} | ${n(r.loadSeconds)} s | ${n(r.due)} | ${n(r.sent)} | ${n(r.leftForNext)} | ${n(r.oursRead)} | ${perText(r)} | ${scan} | ${n(r.sweepMs)} |`,
    );
  }
  return lines.join('\n');
}

export async function runBench(args: string[]): Promise<void> {
  const { values } = parseArgsOrUsage({
    args,
    options: {
      sizes: { type: 'string', default: '10000,100000' },
      waitlist: { type: 'string', default: '100000' },
      /** Which tables: any of lambdas, sweep, backfill, pages, dynamodb. */
      only: { type: 'string', default: 'lambdas,sweep,backfill,pages,dynamodb' },
      /** Server-time requests per page in the pages table. */
      'page-requests': { type: 'string', default: '50' },
      /** Minutes each sweep size may spend loading; past it, the bookings loaded so far are measured. */
      'time-box': { type: 'string', default: '30' },
      /** Minutes each sweep may run; past it, it stops claiming and the rest is left for a next run. */
      'sweep-time-box': { type: 'string', default: '30' },
      /** The naive Scan is compared only up to this many bookings (it reads the whole table). */
      'scan-up-to': { type: 'string', default: '100000' },
    },
  });
  const only = new Set(values.only.split(','));
  if (only.has('lambdas')) {
    console.log('Bundling each function as the stack does, and timing its cold import…');
    printLambdas(await measureLambdas());
  }
  if (only.has('pages')) {
    const { measurePages, pagesMarkdown, pagesTable } = await import('./pages.ts');
    const rows = await measurePages({
      requests: Number(values['page-requests']),
      seed: true,
      slow3g: true,
      print: (line) => console.log(line),
    });
    console.log(
      `\nPages on the demo data, local runtime (goals: server p95 ≤ 300 ms; first load ≤ 250 KB staff, ≤ 100 KB parent; parent usable on Slow 3G ≤ 3 s)\n`,
    );
    console.table(pagesTable(rows));
    console.log(`\n${pagesMarkdown(rows)}\n`);
  }
  if (only.has('dynamodb')) {
    const { measureCeiling, ceilingMarkdown, ceilingTable } = await import('./dynamodb-ceiling.ts');
    const rows = await measureCeiling({ print: (line) => console.log(line) });
    console.log(
      "\nDynamoDB Local's ceiling: the simulated month's mix of calls on Attend's table, by calls in flight\n",
    );
    console.table(ceilingTable(rows));
    console.log(`\n${ceilingMarkdown(rows)}\n`);
  }
  if (!only.has('sweep') && !only.has('backfill')) return;
  const sizes = only.has('sweep') ? values.sizes.split(',').map(Number) : [];
  const waitlistSize = only.has('backfill') ? Number(values.waitlist) : 0;
  let backfill: BackfillRow | undefined;
  const rows: Row[] = [];
  for (const size of sizes) {
    // A fresh DynamoDB Local for each size: one still holding the last size's items slows under GC
    // pressure, which would measure the emulator's heap, not the sweep.
    console.log('Starting DynamoDB Local (in memory)…');
    const ddb = await startDynamoDbLocal();
    try {
      console.log(`Loading ${size.toLocaleString('en-GB')} bookings (about 1.2% due, one client each)…`);
      rows.push(
        await measure(ddb.endpoint, size, {
          loadMinutes: Number(values['time-box']),
          sweepMinutes: Number(values['sweep-time-box']),
          scanUpTo: Number(values['scan-up-to']),
        }),
      );
    } finally {
      await ddb.stop();
    }
  }
  if (waitlistSize > 0) {
    // A fresh DynamoDB Local: one still holding 110,000 bookings slows to a crawl under GC pressure,
    // which would measure the emulator's heap, not the waitlist.
    const fresh = await startDynamoDbLocal();
    try {
      console.log(`Loading ${waitlistSize.toLocaleString('en-GB')} waitlist entries…`);
      backfill = await measureBackfill(fresh.endpoint, waitlistSize);
    } finally {
      await fresh.stop();
    }
  }
  if (rows.length > 0)
    console.log(
      '\nReminder sweep: items read per reminder sent (goal: ours ≤ 2 and flat; Scan/ours ≥ 50 at 100,000)\n',
    );
  if (rows.length > 0) {
    console.table(
      rows.map((r) => ({
        bookings: r.size,
        'load s': Math.round(r.loadSeconds),
        'due (≈1.2%)': r.due,
        sent: r.sent,
        'ours: items read': r.oursRead,
        'ours: read/text': perText(r),
        'scan: items read': r.scanRead ?? 'not run',
        'scan/ours': r.scanRead === undefined ? '' : (r.scanRead / Math.max(1, r.oursRead)).toFixed(1),
        'left for next run': r.leftForNext,
        'sweep ms': Math.round(r.sweepMs),
        'scan ms': r.scanMs === undefined ? '' : Math.round(r.scanMs),
      })),
    );
    console.log(`\n${sweepMarkdown(rows)}\n`);
  }
  if (backfill) {
    console.log(
      `\nShort-notice list: candidate selection and time to first offer (goal: items read a small multiple of K=${backfill.waveSize}, never a scan)\n`,
    );
    console.table([
      {
        'waitlist entries': backfill.entries,
        'live bookings': backfill.liveBookings,
        selections: backfill.selections,
        'found (median / min)': `${backfill.found.median} / ${backfill.found.min}`,
        'items read/wave (median)': backfill.itemsReadPerWave.median,
        'items read/wave (p95)': backfill.itemsReadPerWave.p95,
        'items read/wave (max)': backfill.itemsReadPerWave.max,
        'select ms (median)': Math.round(backfill.selectMs.median),
        'select ms (p95)': Math.round(backfill.selectMs.p95),
        'freed slot → first offer text ms (median)': Math.round(backfill.firstOfferMs.median),
        'freed slot → first offer text ms (p95)': Math.round(backfill.firstOfferMs.p95),
      },
    ]);
    console.log(`\n${backfillMarkdown(backfill)}\n`);
  }
}

/** The short-notice tables as the README shows them. */
function backfillMarkdown(b: BackfillRow): string {
  const est = (label: string, e: BackfillRow['uncapped']) =>
    `| ${label} | ${n(e.itemsRead.median)} / ${n(e.itemsRead.p95)} / ${n(e.itemsRead.max)} | ${e.foundK} of ${b.selections} |`;
  return [
    '| short-notice list | live bookings | selections | found (median / min) | items read per wave (median / p95 / max) | selection ms (median / p95) | freed slot → first offer text ms (median / p95) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| ${n(b.entries)} entries | ${n(b.liveBookings)} | ${b.selections} | ${b.found.median} / ${b.found.min} | ${b.itemsReadPerWave.median} / ${b.itemsReadPerWave.p95} / ${b.itemsReadPerWave.max} | ${n(b.selectMs.median)} / ${n(b.selectMs.p95)} | ${n(b.firstOfferMs.median)} / ${n(b.firstOfferMs.p95)} |`,
    '',
    `| reading the list for K = ${b.waveSize} (worked out in memory from the same list) | items read per wave (median / p95 / max) | selections that found K |`,
    '| --- | --- | --- |',
    est('by type, capped at 5 pages (as built; a check on the estimate)', b.capped),
    est('by type, no cap', b.uncapped),
    est('by type and clinic (not built), no cap', b.byClinic),
  ].join('\n');
}
