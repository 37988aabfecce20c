/**
 * Equity and service metrics, kept as per-day counters. Each change to a booking, a slot or an outbound
 * message becomes a set of counter increments on (local day, dimension) cells; GET /metrics adds the
 * cells of a date range up into weeks or months and derives the rates. Nothing here reads a booking
 * table: the counters are the only input of a report, so its cost grows with the days asked for, not
 * with the number of bookings. The reports are metrics-report.ts.
 *
 * Which day a change counts on:
 * - bookings and slots: the local day of the appointment (`localDay`), so "the week of 16 November"
 *   means the appointments of that week, whenever they were booked, cancelled or recorded;
 * - texts: the local day the text was sent.
 */

import * as z from '#core/zod.ts';
import { CANCEL_REASONS } from './cancel-reason.ts';
import { localDay } from './local-time.ts';
import { bookingSchema, messageSchema, slotSchema } from './model.ts';

// ---------------------------------------------------------------------------------------------------
// Counters

/** Time-to-fill histogram buckets (upper bound in minutes), for a median without keeping every time. */
export const FILL_BUCKETS = [
  { counter: 'fillUpTo15m', label: '0-15m', upTo: 15 },
  { counter: 'fillUpTo30m', label: '15-30m', upTo: 30 },
  { counter: 'fillUpTo1h', label: '30-60m', upTo: 60 },
  { counter: 'fillUpTo2h', label: '1-2h', upTo: 120 },
  { counter: 'fillUpTo4h', label: '2-4h', upTo: 240 },
  { counter: 'fillUpTo8h', label: '4-8h', upTo: 480 },
  { counter: 'fillUpTo24h', label: '8-24h', upTo: 1440 },
  { counter: 'fillOver24h', label: 'over 24h', upTo: Number.POSITIVE_INFINITY },
] as const;

/** How much notice a cancellation gave (upper bound in minutes). */
export const NOTICE_BUCKETS = [
  { counter: 'noticeUnder24h', label: 'under24h', upTo: 1440 },
  { counter: 'notice1To2Days', label: 'oneToTwoDays', upTo: 2880 },
  { counter: 'notice2To7Days', label: 'twoToSevenDays', upTo: 10_080 },
  { counter: 'noticeOver7Days', label: 'overSevenDays', upTo: Number.POSITIVE_INFINITY },
] as const;

export const COUNTERS = [
  'booked',
  'attended',
  'dna',
  'wnb',
  'cancelled',
  'cancelledLate',
  'cancelledMoved',
  'cancelNoticeMinutesSum',
  ...NOTICE_BUCKETS.map((b) => b.counter),
  'slotsFreed',
  'slotsFilled',
  'slotsUnfilled',
  'slotsFilledByStaff',
  'slotsWithdrawn',
  'fillMinutesSum',
  ...FILL_BUCKETS.map((b) => b.counter),
  'offersMade',
  'textsOut',
  'segmentsOut',
  /** Why families cancelled or missed (page, CANCEL text, staff outcome notes): one counter per reason. */
  ...CANCEL_REASONS.map((r) => `reason-${r}` as const),
  /** Texts whose latest delivery status is delivered, or failed (temporary or permanent), by send day. */
  'textsDelivered',
  'textsFailed',
  /** Numbers marked unreachable (services/delivery.ts), on the day marked, by their families' IMD quintile. */
  'numbersUnreachable',
  /** Letters put in a batch (services/letters.ts), on the batch's day, by kind. */
  'lettersBooking',
  'lettersReminder',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Partial<Record<Counter, number>>;

/** One cell: a local day and a dimension (`ALL`, `TYPE#…`, `CLINIC#…`, `IMD#1`…`IMD#5`, `IMD#unknown`). */
export interface Increment {
  day: string;
  dimension: string;
  counters: Counters;
}

export const ALL = 'ALL';
export const dimension = {
  type: (type: string) => `TYPE#${type}`,
  clinic: (clinicId: string) => `CLINIC#${clinicId}`,
  imd: (quintile: ImdQuintile) => `IMD#${quintile}`,
} as const;

export type ImdQuintile = 1 | 2 | 3 | 4 | 5 | 'unknown';

/** IMD quintile from a decile: deciles 1-2 are quintile 1 (most deprived), …, 9-10 quintile 5. */
export function quintileOf(decile: number | undefined): ImdQuintile {
  if (decile === undefined || !Number.isInteger(decile) || decile < 1 || decile > 10) return 'unknown';
  return Math.ceil(decile / 2) as 1 | 2 | 3 | 4 | 5;
}

// ---------------------------------------------------------------------------------------------------
// What a change counts

/** The parts of each record the counters read; everything else on an item is ignored. */
export const bookingFacts = z.pick(bookingSchema, {
  id: true,
  clientId: true,
  clinicId: true,
  type: true,
  localDay: true,
  status: true,
  cancelNoticeMinutes: true,
  lateCancellation: true,
  movedTo: true,
  cancelCategory: true,
});
export type BookingFacts = z.infer<typeof bookingFacts>;
export const slotFacts = z.pick(slotSchema, {
  id: true,
  clinicId: true,
  type: true,
  localDay: true,
  freedAt: true,
  backfill: true,
});
export type SlotFacts = z.infer<typeof slotFacts>;
export const messageFacts = z.pick(messageSchema, {
  id: true,
  direction: true,
  at: true,
  segments: true,
  delivery: true,
});
export type MessageFacts = z.infer<typeof messageFacts>;

/** An item as it was and as it is (either may be absent: INSERT has no old image). */
export type ItemChange =
  | { entity: 'Booking'; old?: BookingFacts; new?: BookingFacts; imdDecile?: number }
  | { entity: 'Slot'; old?: SlotFacts; new?: SlotFacts }
  | { entity: 'Message'; old?: MessageFacts; new?: MessageFacts };

/** A fill time's bucket: a bound belongs to the bucket below it (15 minutes is "0-15m"). */
function fillBucket(minutes: number): Counter {
  return (FILL_BUCKETS.find((b) => minutes <= b.upTo) ?? FILL_BUCKETS.at(-1)!).counter;
}

/** A notice's bucket: a bound belongs to the bucket above it (exactly 24 hours is "oneToTwoDays"). */
function noticeBucket(minutes: number): Counter {
  return (NOTICE_BUCKETS.find((b) => minutes < b.upTo) ?? NOTICE_BUCKETS.at(-1)!).counter;
}

/**
 * What one booking adds to the counters while it exists in this state. A booking is counted as booked
 * whatever became of it; its status adds the outcome or the cancellation.
 */
function bookingState(b: BookingFacts): Counters {
  const c: Counters = { booked: 1 };
  if (b.status === 'ATTENDED') c.attended = 1;
  if (b.status === 'DNA') c.dna = 1;
  if (b.status === 'WNB') c.wnb = 1;
  if (b.status === 'CANCELLED') {
    const notice = Math.max(0, b.cancelNoticeMinutes ?? 0);
    c.cancelled = 1;
    if (b.lateCancellation) c.cancelledLate = 1;
    if (b.movedTo) c.cancelledMoved = 1;
    c.cancelNoticeMinutesSum = notice;
    c[noticeBucket(notice)] = 1;
  }
  if (b.cancelCategory && b.status !== 'BOOKED' && b.status !== 'ATTENDED')
    c[`reason-${b.cancelCategory}`] = 1;
  return c;
}

function bookingDimensions(b: BookingFacts, imd: ImdQuintile): string[] {
  return [ALL, dimension.type(b.type), dimension.clinic(b.clinicId), dimension.imd(imd)];
}

/**
 * A booking is counted by its state: the change adds the new state's counters and takes away the old
 * state's, so BOOKED → DNA adds one DNA, an import that creates an ATTENDED booking adds a booking and
 * an attendance, and a change that moves nothing (a reminder sent) adds nothing.
 */
function bookingIncrements(change: Extract<ItemChange, { entity: 'Booking' }>): Increment[] {
  const imd = quintileOf(change.imdDecile);
  const out: Increment[] = [];
  if (change.new) {
    for (const dim of bookingDimensions(change.new, imd))
      out.push({ day: change.new.localDay, dimension: dim, counters: bookingState(change.new) });
  }
  if (change.old) {
    const negative = negate(bookingState(change.old));
    for (const dim of bookingDimensions(change.old, imd))
      out.push({ day: change.old.localDay, dimension: dim, counters: negative });
  }
  return out;
}

/**
 * Slots are counted by event, not state: one slot can be freed and refilled several times, and only the
 * latest run is on the item. A freeing is a new `freedAt`; a run's end is its state becoming one of the
 * outcomes (core/offer-run.ts), counted once, on the change that recorded it. Staff booking a slot under
 * offer fills it (and counts as filled by staff too); a withdrawn slot is neither filled nor unfilled.
 */
function slotIncrements(change: Extract<ItemChange, { entity: 'Slot' }>): Increment[] {
  const slot = change.new;
  if (!slot) return [];
  const c: Counters = {};
  if (slot.freedAt && slot.freedAt !== change.old?.freedAt) c.slotsFreed = 1;
  const run = slot.backfill;
  const before = change.old?.backfill;
  const ended = run && COUNTED_RUN_ENDS.has(run.state);
  const endedBefore = before && before.runId === run?.runId && before.state === run?.state;
  if (run && ended && !endedBefore) {
    c.offersMade = run.offersMade;
    if (run.state === 'UNFILLED') c.slotsUnfilled = 1;
    else if (run.state === 'WITHDRAWN') c.slotsWithdrawn = 1;
    else {
      const minutes = Math.max(
        0,
        Math.round((Date.parse(run.endedAt ?? run.startedAt) - Date.parse(run.startedAt)) / 60_000),
      );
      c.slotsFilled = 1;
      if (run.state === 'FILLED_BY_STAFF') c.slotsFilledByStaff = 1;
      c.fillMinutesSum = minutes;
      c[fillBucket(minutes)] = 1;
    }
  }
  return [ALL, dimension.type(slot.type), dimension.clinic(slot.clinicId)].map((dim) => ({
    day: slot.localDay,
    dimension: dim,
    counters: c,
  }));
}

/** The run outcomes the short-notice counters record (NOT_OFFERED is no outcome of offering). */
const COUNTED_RUN_ENDS: ReadonlySet<string> = new Set(['FILLED', 'FILLED_BY_STAFF', 'UNFILLED', 'WITHDRAWN']);

/** What one text adds while its delivery status is what it is: a failure can still become a delivery. */
function deliveryState(m: MessageFacts | undefined): Counters {
  const status = m?.delivery?.status;
  if (status === 'delivered') return { textsDelivered: 1 };
  if (status === 'failed-permanent' || status === 'failed-temporary') return { textsFailed: 1 };
  return {};
}

function messageIncrements(
  change: Extract<ItemChange, { entity: 'Message' }>,
  timeZone: string,
): Increment[] {
  const message = change.new;
  // Only a text's creation counts it as sent; its expiry (TTL) or erasure removes the text, not the fact
  // it was sent. Its delivery status counts as the new state's counters minus the old state's.
  if (message?.direction !== 'OUT') return [];
  const delivery = subtractCounters(deliveryState(message), deliveryState(change.old));
  const counters = change.old ? delivery : { textsOut: 1, segmentsOut: message.segments ?? 1, ...delivery };
  return [{ day: localDay(message.at, timeZone), dimension: ALL, counters }];
}

function subtractCounters(a: Counters, b: Counters): Counters {
  const out: Counters = { ...a };
  for (const [k, v] of Object.entries(b) as [Counter, number][]) out[k] = (out[k] ?? 0) - v;
  return out;
}

/** The increments of one number marked unreachable: one number, in its families' IMD quintile. */
export function unreachableIncrements(
  at: string,
  timeZone: string,
  imdDecile: number | undefined,
): Increment[] {
  const day = localDay(at, timeZone);
  return [
    { day, dimension: ALL, counters: { numbersUnreachable: 1 } },
    { day, dimension: dimension.imd(quintileOf(imdDecile)), counters: { numbersUnreachable: 1 } },
  ];
}

/** The increments of one letter put in a batch: on the batch's day, by clinic and IMD quintile too. */
export function letterIncrements(
  day: string,
  kind: 'booking' | 'reminder',
  clinicId: string,
  imdDecile: number | undefined,
): Increment[] {
  const counters: Counters = kind === 'booking' ? { lettersBooking: 1 } : { lettersReminder: 1 };
  return [
    { day, dimension: ALL, counters },
    { day, dimension: dimension.clinic(clinicId), counters },
    { day, dimension: dimension.imd(quintileOf(imdDecile)), counters },
  ];
}

/**
 * The counter increments one item change causes, one per (day, dimension) cell, with zero counters and
 * empty cells left out. A deleted item (no new image) counts nothing: history stays counted.
 */
export function incrementsFor(change: ItemChange, timeZone: string): Increment[] {
  if (!change.new) return [];
  let raw: Increment[];
  if (change.entity === 'Booking') raw = bookingIncrements(change);
  else if (change.entity === 'Slot') raw = slotIncrements(change);
  else raw = messageIncrements(change, timeZone);
  return mergeIncrements(raw);
}

/** Adds increments of the same cell together and drops zeros, in a stable order. */
export function mergeIncrements(increments: readonly Increment[]): Increment[] {
  const cells = new Map<string, Increment>();
  for (const inc of increments) {
    const key = `${inc.day}|${inc.dimension}`;
    const cell = cells.get(key) ?? { day: inc.day, dimension: inc.dimension, counters: {} };
    cell.counters = addCounters(cell.counters, inc.counters);
    cells.set(key, cell);
  }
  const out: Increment[] = [];
  for (const cell of cells.values()) {
    const counters = Object.fromEntries(Object.entries(cell.counters).filter(([, v]) => v !== 0)) as Counters;
    if (Object.keys(counters).length > 0) out.push({ ...cell, counters });
  }
  return out;
}

export function addCounters(a: Counters, b: Counters): Counters {
  const sum: Counters = { ...a };
  for (const [k, v] of Object.entries(b) as [Counter, number][]) sum[k] = (sum[k] ?? 0) + v;
  return sum;
}

function negate(c: Counters): Counters {
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, -v])) as Counters;
}
