/**
 * The invariants a simulated month must keep. Each checker is a pure function over plain records (the
 * texts that left, the bookings, slots and offers in the table, the dead letters, /metrics beside the
 * table's own counts), so a unit test can hand it a made-up breach and see it caught
 * (tests/unit/simulate-invariants.test.ts). `collect.ts` gathers the records from a run.
 */
import { DateTime } from 'luxon';

export const INVARIANTS = [
  'quiet-hours',
  'identical-text-twice',
  'opted-out-or-unreachable',
  'slot-booked-twice',
  'offer-run-not-ended',
  'offer-not-settled',
  'dead-letter',
  'metrics-differ',
] as const;
export type Invariant = (typeof INVARIANTS)[number];

export interface Breach {
  invariant: Invariant;
  detail: string;
}

/** A text that left the system (the outbox, in order). */
export interface SentText {
  /** Its position in the outbox: the order texts left in. */
  index: number;
  at: string;
  to: string;
  body: string;
  /** The family's text this one answered, sent while that text was handled; undefined if unprompted. */
  answers?: string;
  /**
   * What the text is for, where the table says (`<bookingId>#<tierId>` for a booking's confirmation or
   * reminder tier, `offer <offerId> <kind>` for a text about one offer): two tiers of one booking, or
   * "that time has gone" about two different offers, are two texts even when their words are the same.
   */
  purpose?: string;
}

/** The last four digits only: breaches are printed, and a number is personal data in a real trust. */
const masked = (phone: string) => `…${phone.slice(-4)}`;

/** Minutes after local midnight of `hh:mm`. */
const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/**
 * No text in quiet hours. An answer to a family's own text (STOP's confirmation, "you're booked" after
 * a YES at 21:00) is not a text sent into quiet hours: the family has just written.
 */
export function checkQuietHours(
  texts: readonly SentText[],
  quiet: { start: string; end: string },
  timeZone: string,
): Breach[] {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const breaches: Breach[] = [];
  for (const t of texts) {
    if (t.answers) continue;
    const local = DateTime.fromISO(t.at, { zone: timeZone });
    const m = local.hour * 60 + local.minute;
    const inQuiet = start > end ? m >= start || m < end : m >= start && m < end;
    if (inQuiet)
      breaches.push({
        invariant: 'quiet-hours',
        detail: `text #${t.index} to ${masked(t.to)} at ${local.toFormat('yyyy-MM-dd HH:mm')} local, inside ${quiet.start}-${quiet.end}`,
      });
  }
  return breaches;
}

/**
 * No identical text twice to one phone. Two answers to two different texts from the family may read
 * the same ("Reply CANCEL …" to two questions), and so may two reminder tiers of one booking (see
 * `sameWordsForTwoPurposes`); the same text for the same purpose twice (a tier sent twice, the same
 * unprompted text twice, the same answer twice to one text) is a breach.
 */
export function checkIdenticalTexts(texts: readonly SentText[]): Breach[] {
  const seen = new Map<string, number>();
  const breaches: Breach[] = [];
  for (const t of texts) {
    const key = `${t.to}\u0000${t.answers ?? ''}\u0000${t.purpose ?? ''}\u0000${t.body}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, t.index);
    else
      breaches.push({
        invariant: 'identical-text-twice',
        detail: `text #${t.index} to ${masked(t.to)} repeats text #${first}: "${t.body.slice(0, 60)}…"`,
      });
  }
  return breaches;
}

/** Unprompted texts whose words repeat an earlier text to the phone sent for another purpose (a finding, not a breach). */
export function sameWordsForTwoPurposes(texts: readonly SentText[]): number {
  const seen = new Set<string>();
  let repeats = 0;
  for (const t of texts) {
    if (t.answers) continue;
    const key = `${t.to}\u0000${t.body}`;
    if (seen.has(key)) repeats++;
    else seen.add(key);
  }
  return repeats;
}

/**
 * A span in which a number must get no text: from a STOP (by outbox position, since a STOP and a
 * reminder may share a virtual minute) or from being marked unreachable or opted out by staff (by time,
 * strictly after `since`), until a START (exclusive) or for ever.
 */
export type Block =
  | { phone: string; reason: 'stop-text'; fromIndex: number; toIndex: number }
  | { phone: string; reason: 'unreachable' | 'staff'; since: string };

/** No text to an opted-out or unreachable number. Answers to STOP and START themselves are allowed. */
export function checkBlockedNumbers(texts: readonly SentText[], blocks: readonly Block[]): Breach[] {
  const byPhone = new Map<string, Block[]>();
  for (const b of blocks) byPhone.set(b.phone, [...(byPhone.get(b.phone) ?? []), b]);
  const breaches: Breach[] = [];
  for (const t of texts) {
    for (const b of byPhone.get(t.to) ?? []) {
      const inside =
        b.reason === 'stop-text'
          ? t.index > b.fromIndex && t.index < b.toIndex && !t.answers
          : Date.parse(t.at) > Date.parse(b.since);
      if (inside)
        breaches.push({
          invariant: 'opted-out-or-unreachable',
          detail: `text #${t.index} to ${masked(t.to)} at ${t.at}, which is ${b.reason === 'stop-text' ? 'opted out (STOP)' : b.reason === 'unreachable' ? `unreachable since ${b.since}` : `opted out by staff since ${b.since}`}`,
        });
    }
  }
  return breaches;
}

export interface BookingRecord {
  id: string;
  slotId: string;
  status: string;
}
export interface SlotRecord {
  id: string;
  status: string;
  bookingId?: string;
  backfill?: { state: string; runId: string };
}

/** No slot booked twice: one live (not cancelled) booking per slot, and a BOOKED slot names it. */
export function checkSlotsBookedOnce(
  bookings: readonly BookingRecord[],
  slots: readonly SlotRecord[],
): Breach[] {
  const live = new Map<string, string[]>();
  for (const b of bookings) {
    if (b.status === 'CANCELLED') continue;
    live.set(b.slotId, [...(live.get(b.slotId) ?? []), b.id]);
  }
  const breaches: Breach[] = [];
  for (const [slotId, ids] of live)
    if (ids.length > 1)
      breaches.push({
        invariant: 'slot-booked-twice',
        detail: `slot ${slotId} has ${ids.length} bookings that were not cancelled: ${ids.join(', ')}`,
      });
  for (const s of slots) {
    if (s.status !== 'BOOKED') continue;
    const ids = live.get(s.id) ?? [];
    if (!s.bookingId || !ids.includes(s.bookingId))
      breaches.push({
        invariant: 'slot-booked-twice',
        detail: `slot ${s.id} is BOOKED by ${s.bookingId ?? 'nobody'}, but its live bookings are [${ids.join(', ')}]`,
      });
  }
  return breaches;
}

const OPEN_RUNS = new Set(['OFFERING', 'WAITING_FOR_DAYTIME']);

/** Every freed slot's offer run ended (checked after the last slot's start). */
export function checkRunsEnded(slots: readonly SlotRecord[]): Breach[] {
  return slots
    .filter((s) => s.status === 'OFFERING' || (s.backfill && OPEN_RUNS.has(s.backfill.state)))
    .map((s) => ({
      invariant: 'offer-run-not-ended' as const,
      detail: `slot ${s.id} is ${s.status}, run ${s.backfill?.runId ?? '?'} still ${s.backfill?.state ?? 'open'}`,
    }));
}

export interface OfferRecord {
  id: string;
  slotId: string;
  status: string;
  clientId?: string;
  runId?: string;
  /** The number the offer was texted to. */
  phone?: string;
}

/**
 * One run never offers its slot to one family twice: two offers would be the same text twice (their
 * words are the same, and the check on texts takes each offer as its own purpose, so it is checked here).
 * A family is a child, and also a phone: two siblings on the list who share a phone, offered the same
 * slot in one run, would read two identical texts (an offer's text names neither the child nor the
 * offer), so that is a breach too.
 */
export function checkOffersOncePerRun(offers: readonly OfferRecord[]): Breach[] {
  const seen = new Map<string, string>();
  const breaches: Breach[] = [];
  for (const o of offers) {
    if (!o.runId) continue;
    const families = [
      ...(o.clientId ? [`child ${o.clientId}`] : []),
      ...(o.phone ? [`phone ${o.phone}`] : []),
    ];
    for (const family of families) {
      const key = `${o.slotId}\u0000${o.runId}\u0000${family}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, o.id);
        continue;
      }
      breaches.push({
        invariant: 'identical-text-twice',
        detail: `slot ${o.slotId} was offered twice in run ${o.runId} to one ${family.startsWith('child') ? 'child' : 'phone'} (offers ${first} and ${o.id})`,
      });
      break;
    }
  }
  return breaches;
}

/** Every offer settled: none still PENDING once its run is over. */
export function checkOffersSettled(offers: readonly OfferRecord[]): Breach[] {
  return offers
    .filter((o) => o.status === 'PENDING')
    .map((o) => ({
      invariant: 'offer-not-settled' as const,
      detail: `offer ${o.id} for slot ${o.slotId} is still PENDING`,
    }));
}

export interface DeadLetterRecord {
  /** Which queue: the backfill stream, the metrics stream, a schedule. */
  queue: string;
  id: string;
  reason: string;
}

/** Nothing left in a dead-letter queue. */
export function checkDeadLetters(letters: readonly DeadLetterRecord[]): Breach[] {
  return letters.map((l) => ({
    invariant: 'dead-letter' as const,
    detail: `${l.queue}: ${l.id} (${l.reason})`,
  }));
}

/** One figure of /metrics beside the same figure counted from the table (or the events sent). */
export interface MetricPair {
  name: string;
  metrics: number;
  truth: number;
}

/** /metrics equals the ground truth counted from the table. */
export function checkMetrics(pairs: readonly MetricPair[]): Breach[] {
  return pairs
    .filter((p) => p.metrics !== p.truth)
    .map((p) => ({
      invariant: 'metrics-differ' as const,
      detail: `${p.name}: /metrics says ${p.metrics}, the table says ${p.truth}`,
    }));
}

export interface InvariantInput {
  texts: readonly SentText[];
  quiet: { start: string; end: string };
  timeZone: string;
  blocks: readonly Block[];
  bookings: readonly BookingRecord[];
  slots: readonly SlotRecord[];
  offers: readonly OfferRecord[];
  deadLetters: readonly DeadLetterRecord[];
  metrics: readonly MetricPair[];
}

/** Every check over one run; an empty list means the month kept every invariant. */
export function checkAll(input: InvariantInput): Breach[] {
  return [
    ...checkQuietHours(input.texts, input.quiet, input.timeZone),
    ...checkIdenticalTexts(input.texts),
    ...checkBlockedNumbers(input.texts, input.blocks),
    ...checkSlotsBookedOnce(input.bookings, input.slots),
    ...checkRunsEnded(input.slots),
    ...checkOffersSettled(input.offers),
    ...checkOffersOncePerRun(input.offers),
    ...checkDeadLetters(input.deadLetters),
    ...checkMetrics(input.metrics),
  ];
}
