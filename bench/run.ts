/**
 * `npm run bench`: what a reminder sweep costs as the table grows. Loads 10,000 and 100,000 bookings
 * into DynamoDB Local with about 1.1% due (one client per booking, siblings sharing a phone), runs the real sweep, and compares the items it read per reminder
 * sent with a naive full-table Scan for the same due set. Prints a table; asserts nothing.
 */
import { parseArgs } from 'node:util';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
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
 * One client per booking, as in a real table: every due booking's child is a different client. About
 * one child in seven is a sibling of the booking before it, on the same family phone (and, one time in
 * a hundred, both siblings' reminders are due together, as for children seen on the same day).
 */
const isSibling = (i: number): boolean => i % 7 === 1;
const familyOf = (i: number): number => (isSibling(i) ? i - 1 : i);
const isDue = (i: number): boolean => i % 100 === 0 || i % 700 === 1;
const phoneOf = (family: number): string => `+4477${String(family).padStart(8, '0')}`;

function booking(i: number, due: boolean): Booking {
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

function client(i: number): Client {
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
  size: number;
  due: number;
  sent: number;
  oursRead: number;
  scanRead: number;
  sweepMs: number;
  scanMs: number;
}

async function measure(endpoint: string, size: number): Promise<Row> {
  const table = `attend-bench-${size}`;
  const db = await benchTable(endpoint, table, {
    clinic: { id: 'bench-clinic', name: 'Bench Clinic' },
    clients: [],
    now: NOW,
  });
  const config = loadTrustConfig('example');
  // The by-phone, by-clinic-day, by-client and lookup index keys are left off: neither the sweep nor the Scan reads them,
  // and maintaining two more indexes makes loading 100,000 items into DynamoDB Local far slower.
  const items = Array.from({ length: size }, (_, i) => {
    const { phonePk, phoneSk, clinicDayPk, clinicDaySk, clientPk, clientSk, lookupPk, lookupSk, ...item } =
      bookingItem(booking(i, isDue(i)));
    return item;
  });
  const loadStart = performance.now();
  // One client per booking, also without its by-phone key (the sweep reads clients by id).
  const clients = Array.from({ length: size }, (_, i) => {
    const { phonePk, phoneSk, lookupPk, lookupSk, clientPk, clientSk, ...item } = clientItem(client(i));
    return item;
  });
  await batchWrite(db, table, [...items, ...clients]);
  console.log(`  loaded in ${((performance.now() - loadStart) / 1000).toFixed(0)} s`);

  let sent = 0;
  const sms: SmsSender = {
    send: async () => ({ providerMessageId: `bench-${++sent}` }),
  };
  const deps = benchDeps({ db, table, config, sms, now: NOW });

  // The naive alternative: scan everything and keep what is due.
  let scanRead = 0;
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
    scanRead += out.ScannedCount ?? 0;
    scanDue += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  const scanMs = performance.now() - scanStart;

  const sweepStart = performance.now();
  const report = await runReminderSweep(deps);
  const sweepMs = performance.now() - sweepStart;
  db.destroy();
  if (report.sent !== scanDue) throw new Error(`sweep sent ${report.sent} but ${scanDue} were due`);
  return { size, due: scanDue, sent: report.sent, oursRead: report.itemsRead, scanRead, sweepMs, scanMs };
}

export async function runBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      sizes: { type: 'string', default: '10000,100000' },
      waitlist: { type: 'string', default: '100000' },
      /** Which tables: any of lambdas, sweep, backfill, pages. */
      only: { type: 'string', default: 'lambdas,sweep,backfill,pages' },
      /** Server-time requests per page in the pages table. */
      'page-requests': { type: 'string', default: '50' },
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
  if (!only.has('sweep') && !only.has('backfill')) return;
  const sizes = only.has('sweep') ? values.sizes.split(',').map(Number) : [];
  const waitlistSize = only.has('backfill') ? Number(values.waitlist) : 0;
  let backfill: BackfillRow | undefined;
  console.log('Starting DynamoDB Local (in memory)…');
  const ddb = await startDynamoDbLocal();
  const rows: Row[] = [];
  try {
    for (const size of sizes) {
      console.log(`Loading ${size.toLocaleString('en-GB')} bookings (about 1.1% due, one client each)…`);
      rows.push(await measure(ddb.endpoint, size));
    }
  } finally {
    await ddb.stop();
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
  const perSent = (read: number, sent: number) => (sent ? (read / sent).toFixed(2) : 'n/a');
  if (rows.length > 0)
    console.log(
      '\nReminder sweep: items read per reminder sent (goal: ours ≤ 2 and flat; Scan/ours ≥ 50 at 100,000)\n',
    );
  if (rows.length > 0)
    console.table(
      rows.map((r) => ({
        bookings: r.size,
        'due (≈1.1%)': r.due,
        sent: r.sent,
        'ours: items read': r.oursRead,
        'ours: read/sent': perSent(r.oursRead, r.sent),
        'scan: items read': r.scanRead,
        'scan: read/sent': perSent(r.scanRead, r.sent),
        'scan/ours': (r.scanRead / Math.max(1, r.oursRead)).toFixed(1),
        'sweep ms': Math.round(r.sweepMs),
        'scan ms': Math.round(r.scanMs),
      })),
    );
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
  }
}
