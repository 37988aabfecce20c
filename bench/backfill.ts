/**
 * The short-notice list at scale: 100,000 waitlist entries in DynamoDB Local, mixed as a real list is
 * (types, clinics, availability and date windows, siblings, live bookings that clash; see entry()). Measures candidate
 * selection (items read per wave, time per selection) and the backfill handler's own time from a freed
 * slot to the first offer text. The poll interval of a stream is not included: the handler is called
 * directly, as the event source mapping would call it.
 */
import type { TrustConfig } from '#core/config/trust-config.ts';
import { preRankCandidates, takeEligible, type UnbookedCandidate } from '#core/eligibility.ts';
import type { Booking, Client, Slot } from '#core/model.ts';
import type { WaitlistEntry } from '#core/waitlist.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import type { SmsSender } from '#messaging/sms-sender.ts';
import { selectCandidates, startBackfill } from '#services/backfill.ts';
import { bookingItem } from '#store/bookings.ts';
import { clientItem } from '#store/clients.ts';
import { clinicItem } from '#store/clinics.ts';
import { slotItem } from '#store/slots.ts';
import { entryItem } from '#store/waitlist.ts';
import { batchWrite, benchDeps, benchTable } from './load.ts';

const NOW = new Date('2026-12-01T10:00:00.000Z'); // a Tuesday
const CLINICS = 20;
/** The appointment types of the example trust, weighted roughly as a health-visiting list holds them. */
const TYPES: readonly [string, number][] = [
  ['clinic', 35],
  ['six-to-eight-week-review', 20],
  ['one-year-review', 18],
  ['two-year-review', 15],
  ['new-birth-visit', 7],
  ['antenatal', 5],
];
const TYPE_WHEEL = TYPES.flatMap(([type, weight]) => Array.from({ length: weight }, () => type));
const day = (offsetDays: number): string =>
  new Date(NOW.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);

export interface BackfillRow {
  entries: number;
  liveBookings: number;
  selections: number;
  itemsReadPerWave: { median: number; p95: number; max: number };
  /** Eligible families found per selection (the wave size when the list has enough). */
  found: { median: number; min: number };
  selectMs: { median: number; p95: number };
  firstOfferMs: { median: number; p95: number };
  waveSize: number;
  /** Worked out in memory from the same list, with the page cap: a check on the estimate. */
  capped: IndexEstimate;
  /** Worked out in memory from the same list: what finding K would read with no page cap. */
  uncapped: IndexEstimate;
  /** The same, if the list were read from an index keyed by type and clinic. */
  byClinic: IndexEstimate;
}

export interface IndexEstimate {
  /** Items read until K eligible were found or the partition ran out (median / p95 / max). */
  itemsRead: { median: number; p95: number; max: number };
  /** Selections that found K eligible families. */
  foundK: number;
}

/** selectCandidates' page cap (MAX_CANDIDATE_PAGES in services/offer-run.ts). */
const MAX_PAGES = 5;
/** The page size selectCandidates reads the list in (max(10, 4K)). */
const pageSize = (k: number) => Math.max(10, k * 4);

/**
 * What a selection would read from an index partition holding `list` (in score order), page by page
 * as selectCandidates reads, with no page cap: each page's entries and their clients, then the live
 * bookings of each number the first time it is looked up, which is only for families who pass every
 * other check, best first, until K are eligible. Stops once K are eligible.
 */
async function readsFrom(
  list: readonly WaitlistEntry[],
  slot: Slot,
  data: { clients: readonly Client[]; liveByPhone: ReadonlyMap<string, Booking[]> },
  config: TrustConfig,
  k: number,
  maxPages = Number.POSITIVE_INFINITY,
): Promise<{ items: number; found: number }> {
  const now = NOW.toISOString();
  let items = 0;
  const seen = new Set<string>();
  const pool: UnbookedCandidate[] = [];
  const bookingsOf = ({ client: c }: UnbookedCandidate): Booking[] => {
    const live = (c.phone && data.liveByPhone.get(c.phone)) || [];
    if (c.phone && !seen.has(c.phone)) {
      seen.add(c.phone);
      items += live.length;
    }
    return live.filter((b) => b.clientId === c.id);
  };
  let found = 0;
  for (
    let start = 0;
    start < list.length && found < k && start < maxPages * pageSize(k);
    start += pageSize(k)
  ) {
    for (const e of list.slice(start, start + pageSize(k))) {
      const c = data.clients[Number(e.id.slice('bf-entry-'.length))];
      if (!c?.phone) continue;
      items += 2; // the entry and its client
      pool.push({ entry: e, client: c, suppressed: false });
    }
    const prospects = preRankCandidates(pool, slot, config, now);
    found = (await takeEligible(prospects, slot, config, now, k, bookingsOf)).length;
  }
  return { items, found };
}

/**
 * For each freed slot, what finding K eligible families costs read from the type's index with no page
 * cap, and from an index keyed by type and clinic (where an entry with three acceptable clinics is
 * three index items). In memory, from the same data the bench loads: an estimate of a design not built.
 */
export async function estimateIndexes(
  size: number,
  runs: number,
  config: TrustConfig,
): Promise<{ capped: IndexEstimate; uncapped: IndexEstimate; byClinic: IndexEstimate }> {
  const k = config.shortNotice.waveSize;
  const clients = Array.from({ length: size }, (_, i) => client(i));
  const entries = Array.from({ length: size }, (_, i) => entry(i)).filter((e) => e.status === 'WAITING');
  const liveByPhone = new Map<string, Booking[]>();
  for (let i = 0; i < size; i++) {
    const b = liveBooking(i, runs);
    if (b?.phone) liveByPhone.set(b.phone, [...(liveByPhone.get(b.phone) ?? []), b]);
  }
  // Highest score first, as the index returns them (ties in id order here; DynamoDB's is unspecified).
  entries.sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || a.id.localeCompare(b.id));
  const capped: { items: number; found: number }[] = [];
  const uncapped: { items: number; found: number }[] = [];
  const byClinic: { items: number; found: number }[] = [];
  for (let n = 0; n < runs; n++) {
    const slot = freedSlot(n);
    const ofType = entries.filter((e) => e.type === slot.type);
    capped.push(await readsFrom(ofType, slot, { clients, liveByPhone }, config, k, MAX_PAGES));
    uncapped.push(await readsFrom(ofType, slot, { clients, liveByPhone }, config, k));
    byClinic.push(
      await readsFrom(
        ofType.filter((e) => e.acceptableClinicIds.includes(slot.clinicId)),
        slot,
        { clients, liveByPhone },
        config,
        k,
      ),
    );
  }
  const summary = (xs: { items: number; found: number }[]): IndexEstimate => {
    const items = xs.map((x) => x.items);
    return {
      itemsRead: { median: percentile(items, 50), p95: percentile(items, 95), max: Math.max(...items) },
      foundK: xs.filter((x) => x.found >= k).length,
    };
  };
  return { capped: summary(capped), uncapped: summary(uncapped), byClinic: summary(byClinic) };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

/** A deterministic hash of i, 0–9,999, so the mix is the same every run. */
const mix = (i: number, salt: number): number => ((i * 7919 + salt * 104_729) % 10_007) % 10_000;

/** One child per entry; about one in seven is a sibling of the entry before, on the same phone. */
export const familyOf = (i: number): number => (i % 7 === 1 ? i - 1 : i);
const phoneOf = (family: number): string => `+4477${String(family).padStart(8, '0')}`;

export function client(i: number): Client {
  return {
    id: `bf-client-${i}`,
    firstName: 'Amelia',
    familyName: `Bench${familyOf(i)}`,
    phone: phoneOf(familyOf(i)),
    language: 'en',
    dateOfBirth: day(-30 - (mix(i, 1) % 800)),
    flags: {
      imdDecile: 1 + (mix(i, 2) % 10),
      needsCarer: mix(i, 3) % 7 === 0,
      parentalMentalHealth: mix(i, 4) % 11 === 0,
      vulnerable: mix(i, 5) % 13 === 0,
      doNotText: mix(i, 6) % 50 === 0,
    },
    history: { attended: 0, dna: 0, wnb: 0, consecutiveWnb: 0 },
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
  };
}

/**
 * A waitlist entry as a trust's list holds them: mixed types, one to three acceptable clinics of 20,
 * about half with availability windows (weekday mornings, afternoons, or a couple of days), explicit
 * date windows of which some have closed or not yet opened, and scores spread over the range.
 */
export function entry(i: number): WaitlistEntry {
  const type = TYPE_WHEEL[mix(i, 7) % TYPE_WHEEL.length] ?? 'clinic';
  const home = mix(i, 8) % CLINICS;
  const clinics = Array.from(
    { length: 1 + (mix(i, 9) % 3) },
    (_, k) => `bf-clinic-${(home + k * 3) % CLINICS}`,
  );
  const a = mix(i, 10) % 10;
  const availability =
    a < 5
      ? []
      : a < 7
        ? [{ days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] as const, from: '09:00', to: '12:30' }]
        : a < 9
          ? [{ days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] as const, from: '13:00', to: '17:00' }]
          : [{ days: ['TUE', 'THU'] as const, from: '09:00', to: '17:00' }];
  const w = mix(i, 11) % 20;
  const dates =
    w < 2
      ? { earliestDate: day(-60), latestDate: day(-1) } // closed
      : w < 4
        ? { earliestDate: day(14), latestDate: day(60) } // not open yet
        : { earliestDate: day(-30), latestDate: day(30 + (mix(i, 12) % 60)) };
  return {
    id: `bf-entry-${i}`,
    clientId: `bf-client-${i}`,
    type,
    acceptableClinicIds: clinics,
    availability: availability.map((x) => ({ ...x, days: [...x.days] })),
    ...dates,
    consentToShortNotice: mix(i, 13) % 25 !== 0,
    priorityInputs: { needsCarer: false, parentalMentalHealth: false, vulnerable: false },
    rebookRequests: 0,
    status: 'WAITING',
    addedAt: new Date(NOW.getTime() - (i % 60) * 86_400_000).toISOString(),
    updatedAt: '2026-11-01T10:00:00.000Z',
    score: Math.round(mix(i, 14) / 100),
  };
}

/** The n-th freed slot: types and clinics in turn, on weekday mornings and afternoons 1–3 days ahead. */
export function freedSlot(n: number): Slot {
  const dayAhead = 1 + (n % 3);
  const hour = [9, 10, 11, 14, 15][n % 5] ?? 10;
  const startsAt = new Date(
    Date.parse(`${day(dayAhead)}T00:00:00.000Z`) + (hour * 60 + (n % 4) * 15) * 60_000,
  ).toISOString();
  return {
    id: `bf-slot-${n}`,
    clinicId: `bf-clinic-${n % CLINICS}`,
    type: TYPE_WHEEL[(n * 13) % TYPE_WHEEL.length] ?? 'clinic',
    startsAt,
    durationMinutes: 30,
    localDay: startsAt.slice(0, 10),
    status: 'FREE',
    freedAt: NOW.toISOString(),
    freedBy: 'bench',
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

/**
 * Live bookings: one child in five already has one, and for the first freed slots some of those sit at
 * the freed slot's very time (a clash the selection must read and skip).
 */
export function liveBooking(i: number, runs: number): Booking | undefined {
  if (mix(i, 15) % 5 !== 0) return undefined;
  const clash = mix(i, 16) % 4 === 0 ? freedSlot(mix(i, 17) % runs) : undefined;
  const startsAt =
    clash?.startsAt ?? new Date(NOW.getTime() + (5 + (mix(i, 18) % 30)) * 86_400_000).toISOString();
  return {
    id: `bf-booking-${i}`,
    ref: String(1000 + (i % 9000)),
    slotId: `bf-booked-slot-${i}`,
    clientId: `bf-client-${i}`,
    clinicId: `bf-clinic-${mix(i, 8) % CLINICS}`,
    type: 'clinic',
    startsAt,
    durationMinutes: 30,
    localDay: startsAt.slice(0, 10),
    phone: phoneOf(familyOf(i)),
    status: 'BOOKED',
    source: 'import',
    bookedAt: '2026-11-01T10:00:00.000Z',
    bookedBy: 'bench',
    tiers: {},
    updatedAt: '2026-11-01T10:00:00.000Z',
  };
}

export async function measureBackfill(endpoint: string, size: number, runs = 40): Promise<BackfillRow> {
  const table = `attend-bench-backfill-${size}`;
  const db = await benchTable(endpoint, table, {
    clinic: { id: 'bf-clinic-0', name: 'Bench' },
    clients: [],
    now: NOW,
  });
  for (let c = 1; c < CLINICS; c++) {
    await batchWrite(db, table, [
      clinicItem({
        id: `bf-clinic-${c}`,
        name: `Bench ${c}`,
        venue: 'Bench Clinic',
        address: '',
        area: '',
        createdAt: NOW.toISOString(),
      }),
    ]);
  }
  const config = loadTrustConfig('example');
  const loadStart = performance.now();
  const live = Array.from({ length: size }, (_, i) => liveBooking(i, runs)).filter(
    (b): b is Booking => b !== undefined,
  );
  await batchWrite(db, table, [
    ...Array.from({ length: size }, (_, i) => clientItem(client(i))),
    ...Array.from({ length: size }, (_, i) => entryItem(entry(i))),
    ...live.map(bookingItem),
  ]);
  console.log(
    `  loaded ${size.toLocaleString('en-GB')} entries, their clients and ${live.length.toLocaleString('en-GB')} live bookings in ${((performance.now() - loadStart) / 1000).toFixed(0)} s`,
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
  const found: number[] = [];
  const selectMs: number[] = [];
  for (let n = 0; n < runs; n++) {
    const started = performance.now();
    const { ranked, itemsRead } = await selectCandidates(
      deps,
      freedSlot(n),
      config.shortNotice.waveSize,
      new Set(),
    );
    selectMs.push(performance.now() - started);
    reads.push(itemsRead);
    found.push(ranked.length);
  }

  const firstOfferMs: number[] = [];
  for (let n = 0; n < runs; n++) {
    const slot = { ...freedSlot(n), id: `bf-freed-${n}` };
    await batchWrite(db, table, [slotItem(slot)]);
    firstSendAt = undefined;
    const started = performance.now();
    const outcome = await startBackfill(deps, slot.id);
    // A slot nobody on the list can take is not offered: it has no time to first offer.
    if (outcome === 'offered' && firstSendAt !== undefined) firstOfferMs.push(firstSendAt - started);
  }
  db.destroy();
  const { capped, uncapped, byClinic } = await estimateIndexes(size, runs, config);
  return {
    capped,
    uncapped,
    byClinic,
    entries: size,
    liveBookings: live.length,
    selections: runs,
    waveSize: config.shortNotice.waveSize,
    itemsReadPerWave: { median: percentile(reads, 50), p95: percentile(reads, 95), max: Math.max(...reads) },
    found: { median: percentile(found, 50), min: Math.min(...found) },
    selectMs: { median: percentile(selectMs, 50), p95: percentile(selectMs, 95) },
    firstOfferMs: { median: percentile(firstOfferMs, 50), p95: percentile(firstOfferMs, 95) },
  };
}
