/**
 * The short-notice list at scale: 100,000 waitlist entries in DynamoDB Local. Measures candidate
 * selection (items read per wave, time per selection) and the backfill handler's own time from a freed
 * slot to the first offer text. The poll interval of a stream is not included: the handler is called
 * directly, as the event source mapping would call it.
 */
import type { Client, Slot } from '#core/model.ts';
import type { WaitlistEntry } from '#core/waitlist.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import type { SmsSender } from '#messaging/sms-sender.ts';
import { selectCandidates, startBackfill } from '#services/backfill.ts';
import { slotItem } from '#store/slots.ts';
import { entryItem } from '#store/waitlist.ts';
import { batchWrite, benchDeps, benchTable } from './load.ts';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const CLIENTS = 2000;

export interface BackfillRow {
  entries: number;
  selections: number;
  itemsReadPerWave: { median: number; max: number };
  selectMs: { median: number; p95: number };
  firstOfferMs: { median: number; p95: number };
  waveSize: number;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

function client(i: number): Client {
  return {
    id: `bf-client-${i}`,
    firstName: 'Amelia',
    familyName: 'Bench',
    phone: `+447700900${String(i % 1000).padStart(3, '0')}`,
    language: 'en',
    flags: {
      imdDecile: 1 + (i % 10),
      needsCarer: i % 7 === 0,
      parentalMentalHealth: i % 11 === 0,
      vulnerable: i % 13 === 0,
      doNotText: false,
    },
    history: { attended: 0, dna: 0, wnb: 0, consecutiveWnb: 0 },
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
  };
}

function entry(i: number): WaitlistEntry {
  return {
    id: `bf-entry-${i}`,
    clientId: `bf-client-${i % CLIENTS}`,
    type: 'clinic',
    acceptableClinicIds: ['bf-clinic'],
    availability: [],
    consentToShortNotice: true,
    priorityInputs: { needsCarer: false, parentalMentalHealth: false, vulnerable: false },
    rebookRequests: 0,
    status: 'WAITING',
    addedAt: new Date(NOW.getTime() - (i % 60) * 86_400_000).toISOString(),
    updatedAt: '2026-11-01T10:00:00.000Z',
    // Spread over a realistic range so the index order matters.
    score: Math.round(((i * 7919) % 10_000) / 100),
  };
}

function freedSlot(n: number): Slot {
  const startsAt = new Date(NOW.getTime() + (26 + n) * 3_600_000).toISOString();
  return {
    id: `bf-slot-${n}`,
    clinicId: 'bf-clinic',
    type: 'clinic',
    startsAt,
    durationMinutes: 15,
    localDay: startsAt.slice(0, 10),
    status: 'FREE',
    freedAt: NOW.toISOString(),
    freedBy: 'bench',
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

export async function measureBackfill(endpoint: string, size: number, runs = 20): Promise<BackfillRow> {
  const table = `attend-bench-backfill-${size}`;
  const db = await benchTable(endpoint, table, {
    clinic: { id: 'bf-clinic', name: 'Bench' },
    clients: Array.from({ length: CLIENTS }, (_, i) => client(i)),
    now: NOW,
  });
  const config = loadTrustConfig('example');
  const loadStart = performance.now();
  await batchWrite(
    db,
    table,
    Array.from({ length: size }, (_, i) => entryItem(entry(i))),
  );
  console.log(
    `  loaded ${size.toLocaleString('en-GB')} entries in ${((performance.now() - loadStart) / 1000).toFixed(0)} s`,
  );

  let firstSendAt: number | undefined;
  const sms: SmsSender = {
    send: async () => {
      firstSendAt ??= performance.now();
      return { providerMessageId: `bench-${Math.random()}` };
    },
  };
  const deps = benchDeps({ db, table, config, sms, now: NOW });

  const reads: number[] = [];
  const selectMs: number[] = [];
  for (let n = 0; n < runs; n++) {
    const started = performance.now();
    const { ranked, itemsRead } = await selectCandidates(
      deps,
      freedSlot(1000 + n),
      config.shortNotice.waveSize,
      new Set(),
    );
    selectMs.push(performance.now() - started);
    reads.push(itemsRead);
    if (ranked.length !== config.shortNotice.waveSize)
      throw new Error(`selection found ${ranked.length} families`);
  }

  const firstOfferMs: number[] = [];
  for (let n = 0; n < runs; n++) {
    const slot = freedSlot(n);
    await batchWrite(db, table, [slotItem(slot)]);
    firstSendAt = undefined;
    const started = performance.now();
    const outcome = await startBackfill(deps, slot.id);
    if (outcome !== 'offered' || firstSendAt === undefined)
      throw new Error(`backfill ${outcome}, no offer text`);
    firstOfferMs.push(firstSendAt - started);
  }
  db.destroy();
  return {
    entries: size,
    selections: runs,
    waveSize: config.shortNotice.waveSize,
    itemsReadPerWave: { median: percentile(reads, 50), max: Math.max(...reads) },
    selectMs: { median: percentile(selectMs, 50), p95: percentile(selectMs, 95) },
    firstOfferMs: { median: percentile(firstOfferMs, 50), p95: percentile(firstOfferMs, 95) },
  };
}
