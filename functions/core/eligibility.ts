/**
 * Who may be offered a freed slot, and in what order. Pure: the caller reads the slot, the waiting
 * entries, their clients and their other bookings, and passes `now`.
 */
import { textsOffReason } from '#core/client.ts';
import type { AppointmentTypeConfig } from '#core/config/appointment-types.ts';
import type { EventPathConfig } from '#core/config/event-path-config.ts';
import { addDays } from '#core/dates.ts';
import type { Booking, Client, Slot } from '#core/model.ts';
import { compareByPriority, type PriorityScore, scorePriority } from '#core/priority.ts';
import { type AvailabilityWindow, DAYS_OF_WEEK, type WaitlistEntry } from '#core/waitlist.ts';
import { isoDay, type WallTime, wallTimeAt } from '#core/wall-clock.ts';

export const INELIGIBLE_REASONS = [
  'wrong-type',
  'clinic-not-acceptable',
  'outside-availability',
  'outside-age-window',
  /** The type has an age window but neither the entry's dates nor the child's date of birth (or due date) say where it falls. */
  'age-unknown',
  'no-consent',
  'opted-out',
  'do-not-text',
  /** The family's texts are switched off by staff (their sms channel), not the do-not-text flag. */
  'sms-off',
  /**
   * The family has no mobile, so an offer (a text with a short hold) cannot reach them. They stay on the
   * list, shown with this reason, so staff may ring them when a slot frees; the run never offers to them.
   */
  'no-phone',
  'not-waiting',
  'slot-started',
  'clash',
  /** The family already holds a booking for this contact at or before the slot, so it would not help them. */
  'not-earlier',
] as const;
export type IneligibleReason = (typeof INELIGIBLE_REASONS)[number];

export type Eligibility = { eligible: true } | { eligible: false; reasons: IneligibleReason[] };

export type OtherBooking = Pick<Booking, 'id' | 'type' | 'startsAt' | 'durationMinutes' | 'status'>;

export interface LocalDateRange {
  earliest: string;
  latest: string;
}

function isoDate(t: WallTime): string {
  return isoDay(t);
}

/**
 * The Healthy Child Programme window for a contact, as local dates. A window that starts before birth
 * (antenatal) is counted from the expected date of delivery, since there is no date of birth yet;
 * every other window is counted from the date of birth.
 */
export function ageWindow(
  type: AppointmentTypeConfig,
  client: Pick<Client, 'dateOfBirth' | 'dueDate'>,
): LocalDateRange | undefined {
  const days = type.ageWindowDays;
  if (days === undefined) return undefined;
  const anchor = days.from < 0 ? client.dueDate : client.dateOfBirth;
  if (anchor === undefined) return undefined;
  return { earliest: addDays(anchor, days.from), latest: addDays(anchor, days.to) };
}

/**
 * The dates a slot must fall between for this entry. Staff-set dates on the entry win over the age
 * window, bound by bound. `ageUnknown` marks an entry whose type has an age window that cannot be
 * worked out: offering blind could book a review at a clinically wrong age, so such entries wait for
 * staff to add the date of birth or explicit dates.
 */
export function dateRangeFor(
  entry: Pick<WaitlistEntry, 'earliestDate' | 'latestDate'>,
  client: Pick<Client, 'dateOfBirth' | 'dueDate'>,
  type: AppointmentTypeConfig,
): { earliest?: string; latest?: string; ageUnknown: boolean } {
  const window = ageWindow(type, client);
  const earliest = entry.earliestDate ?? window?.earliest;
  const latest = entry.latestDate ?? window?.latest;
  const ageUnknown =
    type.ageWindowDays !== undefined &&
    window === undefined &&
    (earliest === undefined || latest === undefined);
  return {
    ...(earliest === undefined ? {} : { earliest }),
    ...(latest === undefined ? {} : { latest }),
    ageUnknown,
  };
}

function minutesOfDay(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** The whole appointment, start to end, must sit inside the window on one of its days, in local time. */
function fitsWindow(window: AvailabilityWindow, start: WallTime, end: WallTime): boolean {
  const day = DAYS_OF_WEEK[start.weekday - 1];
  if (day === undefined || !window.days.includes(day)) return false;
  if (end.year !== start.year || end.month !== start.month || end.day !== start.day) return false;
  const startMinute = start.hour * 60 + start.minute;
  const endMinute = end.hour * 60 + end.minute + (end.second > 0 || end.millisecond > 0 ? 1 : 0);
  return startMinute >= minutesOfDay(window.from) && endMinute <= minutesOfDay(window.to);
}

function instantMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO instant: ${iso}`);
  return ms;
}

export interface EligibilityInput {
  slot: Slot;
  entry: WaitlistEntry;
  client: Client;
  /** The client's number is opted out of texts (its Consent record; consent belongs to the number). */
  suppressed: boolean;
  typeConfig: AppointmentTypeConfig;
  timeZone: string;
  otherBookings: OtherBooking[];
  now: string;
}

/** Every reason that applies is returned, not just the first, so staff can see all that needs fixing. */
export function checkEligibility(input: EligibilityInput): Eligibility {
  const { slot, entry, client, suppressed, typeConfig, timeZone, otherBookings, now } = input;
  if (entry.clientId !== client.id) {
    throw new Error(`entry ${entry.id} belongs to another client than the one passed`);
  }
  const reasons: IneligibleReason[] = [];

  if (slot.type !== entry.type) reasons.push('wrong-type');
  if (!entry.acceptableClinicIds.includes(slot.clinicId)) reasons.push('clinic-not-acceptable');

  const startMs = instantMs(slot.startsAt);
  const endMs = startMs + slot.durationMinutes * 60_000;
  const localStart = wallTimeAt(startMs, timeZone);
  const localEnd = wallTimeAt(endMs, timeZone);
  if (
    entry.availability.length > 0 &&
    !entry.availability.some((window) => fitsWindow(window, localStart, localEnd))
  ) {
    reasons.push('outside-availability');
  }

  const range = dateRangeFor(entry, client, typeConfig);
  const localDay = isoDate(localStart);
  if (range.ageUnknown) {
    reasons.push('age-unknown');
  } else if (
    (range.earliest !== undefined && localDay < range.earliest) ||
    (range.latest !== undefined && localDay > range.latest)
  ) {
    reasons.push('outside-age-window');
  }

  if (!entry.consentToShortNotice) reasons.push('no-consent');
  if (client.phone === undefined) reasons.push('no-phone');
  if (suppressed) reasons.push('opted-out');
  const off = textsOffReason(client);
  if (off) reasons.push(off);
  if (entry.status !== 'WAITING') reasons.push('not-waiting');
  if (startMs <= instantMs(now)) reasons.push('slot-started');

  let clash = false;
  let notEarlier = false;
  for (const booking of otherBookings) {
    if (booking.status !== 'BOOKED') continue;
    const bookingStartMs = instantMs(booking.startsAt);
    const isCurrent = booking.id === entry.currentBookingId && booking.type === entry.type;
    // The booking the family would give up: taking the earlier slot frees it, so it cannot clash.
    if (isCurrent && bookingStartMs > startMs) continue;
    if (isCurrent) notEarlier = true;
    const bookingEndMs = bookingStartMs + booking.durationMinutes * 60_000;
    if (bookingStartMs < endMs && startMs < bookingEndMs) clash = true;
  }
  if (clash) reasons.push('clash');
  if (notEarlier) reasons.push('not-earlier');

  return reasons.length === 0 ? { eligible: true } : { eligible: false, reasons };
}

/**
 * The entry's score at `now`. The equity flags come from the client record rather than the entry's
 * snapshot, so a safeguarding flag raised after the family joined the list counts straight away.
 */
export function scoreEntry(
  entry: WaitlistEntry,
  client: Client,
  typeConfig: AppointmentTypeConfig,
  config: Pick<EventPathConfig, 'shortNotice' | 'timeZone'>,
  now: string,
): PriorityScore {
  const { latest } = dateRangeFor(entry, client, typeConfig);
  const { imdDecile, needsCarer, parentalMentalHealth, vulnerable } = client.flags;
  return scorePriority(
    {
      ...(imdDecile === undefined ? {} : { imdDecile }),
      needsCarer,
      parentalMentalHealth,
      vulnerable,
      addedAt: entry.addedAt,
      rebookRequests: entry.rebookRequests,
      ...(latest === undefined ? {} : { latestDate: latest }),
    },
    config.shortNotice.priorityWeights,
    now,
    config.timeZone,
  );
}

export interface Candidate {
  entry: WaitlistEntry;
  client: Client;
  /** The client's number is opted out of texts: required, so no caller can forget to look. */
  suppressed: boolean;
  otherBookings: OtherBooking[];
}

export interface RankedCandidate extends PriorityScore {
  entry: WaitlistEntry;
  client: Client;
}

/** The k eligible families to offer the slot to, best first, each with the score that put them there. */
export function rankCandidates(
  candidates: readonly Candidate[],
  slot: Slot,
  config: EventPathConfig,
  now: string,
  k: number,
): RankedCandidate[] {
  const ranked: RankedCandidate[] = [];
  for (const { otherBookings, ...candidate } of candidates) {
    const typeConfig = eligibleTypeConfig(candidate, otherBookings, slot, config, now);
    if (typeConfig === undefined) continue;
    const { entry, client } = candidate;
    ranked.push({ entry, client, ...scoreEntry(entry, client, typeConfig, config, now) });
  }
  ranked.sort(byPriority);
  return ranked.slice(0, Math.max(0, k));
}

/**
 * The type's config when the candidate may be offered the slot with these other bookings (checkEligibility
 * finds no reason), else undefined. An entry for a type the trust no longer runs cannot be offered anything.
 */
function eligibleTypeConfig(
  { entry, client, suppressed }: UnbookedCandidate,
  otherBookings: OtherBooking[],
  slot: Slot,
  config: EventPathConfig,
  now: string,
): AppointmentTypeConfig | undefined {
  const typeConfig = config.appointmentTypes[entry.type];
  if (typeConfig === undefined) return undefined;
  const verdict = checkEligibility({
    slot,
    entry,
    client,
    suppressed,
    typeConfig,
    timeZone: config.timeZone,
    otherBookings,
    now,
  });
  return verdict.eligible ? typeConfig : undefined;
}

/** A waiting entry before its family's other bookings are read: a Candidate without `otherBookings`. */
export type UnbookedCandidate = Omit<Candidate, 'otherBookings'>;

/**
 * A candidate that passes every check that does not look at other bookings, scored at `now`: whether
 * it is eligible still hangs on its bookings (`clash`, `not-earlier`), which can only add reasons.
 */
export interface Prospect extends RankedCandidate {
  suppressed: boolean;
}

/**
 * The candidates that pass checkEligibility with no other bookings, best first by compareByPriority
 * (the order rankCandidates gives). An entry left out here is ineligible whatever its bookings, so
 * only these need their bookings read. Pure, and reads nothing.
 */
export function preRankCandidates(
  candidates: readonly UnbookedCandidate[],
  slot: Slot,
  config: EventPathConfig,
  now: string,
): Prospect[] {
  const prospects: Prospect[] = [];
  for (const { entry, client, suppressed } of candidates) {
    const typeConfig = eligibleTypeConfig({ entry, client, suppressed }, [], slot, config, now);
    if (typeConfig === undefined) continue;
    prospects.push({ entry, client, suppressed, ...scoreEntry(entry, client, typeConfig, config, now) });
  }
  return prospects.sort(byPriority);
}

function byPriority(a: RankedCandidate, b: RankedCandidate): number {
  return compareByPriority(
    { score: a.score, addedAt: a.entry.addedAt, id: a.entry.id },
    { score: b.score, addedAt: b.entry.addedAt, id: b.entry.id },
  );
}

/**
 * The k eligible families among `prospects` (preRankCandidates' list, best first), best first: walks
 * the list in order, asks `bookingsOf` for each family's other bookings (the same list a Candidate's
 * `otherBookings` holds) and re-checks eligibility with them, stopping at the k-th eligible one, so
 * bookings are asked for only down to there. preRankCandidates then takeEligible equals rankCandidates
 * on the same candidates with the same bookings. `bookingsOf` may read (and should cache) them.
 */
export async function takeEligible(
  prospects: readonly Prospect[],
  slot: Slot,
  config: EventPathConfig,
  now: string,
  k: number,
  bookingsOf: (candidate: UnbookedCandidate) => OtherBooking[] | Promise<OtherBooking[]>,
): Promise<RankedCandidate[]> {
  const ranked: RankedCandidate[] = [];
  for (const { suppressed, ...candidate } of prospects) {
    if (ranked.length >= k) break;
    const { entry, client } = candidate;
    // Bookings are not asked for an entry whose type the trust no longer runs (none from preRankCandidates).
    if (config.appointmentTypes[entry.type] === undefined) continue;
    const otherBookings = await bookingsOf({ entry, client, suppressed });
    if (eligibleTypeConfig({ entry, client, suppressed }, otherBookings, slot, config, now))
      ranked.push(candidate);
  }
  return ranked;
}
