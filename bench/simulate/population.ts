/**
 * The simulated trust: clinics across Kent, their weekday sessions, the children booked into them this
 * month (with siblings sharing a phone), and the families on the short-notice list. Everything is drawn
 * from PARAMETERS with a fixed seed, so every run of a scale sees the same trust and the same families.
 */
import { DateTime } from 'luxon';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { localToUtc } from '#core/local-time.ts';
import type { Client, Clinic, Slot } from '#core/model.ts';
import { newSlot } from '#core/slot.ts';
import type { AvailabilityWindow } from '#core/waitlist.ts';
import { type AppointmentTypeId, PARAMETERS } from './parameters.ts';
import { Rng } from './random.ts';

const P = PARAMETERS.population;
const ZONE = 'Europe/London';
/** Contacts in one clinic-week at Kent scale: 24,000 a month over 25 clinics and four weeks. */
const CONTACTS_PER_CLINIC_WEEK = P.contactsPerMonth.value / (P.clinics.value * 4);

/** [town, venue, deprivation tilt]: positive leans to the more deprived deciles (Thanet, Swale, Dover). */
const SITES: readonly [string, string, number][] = [
  ['Maidstone', 'Maidstone Family Hub', 0],
  ['Margate', "Margate Children's Centre", 1.2],
  ['Ashford', 'Ashford Health Centre', 0.1],
  ['Folkestone', 'Folkestone Family Hub', 0.6],
  ['Canterbury', 'Canterbury Clinic', -0.1],
  ['Dover', 'Dover Family Hub', 0.7],
  ['Tunbridge Wells', 'Tunbridge Wells Clinic', -1],
  ['Sevenoaks', 'Sevenoaks Health Centre', -1],
  ['Dartford', 'Dartford Family Hub', 0.3],
  ['Gravesend', "Gravesend Children's Centre", 0.5],
  ['Sittingbourne', 'Sittingbourne Clinic', 0.5],
  ['Sheerness', 'Sheerness Family Hub', 1.1],
  ['Ramsgate', "Ramsgate Children's Centre", 1],
  ['Herne Bay', 'Herne Bay Clinic', 0.2],
  ['Whitstable', 'Whitstable Health Centre', -0.3],
  ['Faversham', 'Faversham Clinic', -0.2],
  ['Deal', 'Deal Family Hub', 0],
  ['Tonbridge', 'Tonbridge Clinic', -0.6],
  ['Swanley', "Swanley Children's Centre", 0.2],
  ['Hythe', 'Hythe Clinic', -0.4],
  ['Broadstairs', 'Broadstairs Clinic', -0.2],
  ['Tenterden', 'Tenterden Health Centre', -0.8],
  ['Edenbridge', 'Edenbridge Clinic', -0.9],
  ['Cranbrook', 'Cranbrook Clinic', -0.9],
  ['New Romney', 'New Romney Family Hub', 0.3],
];

const FIRST_NAMES = [
  'Amelia',
  'Oliver',
  'Isla',
  'Noah',
  'Ava',
  'Muhammad',
  'Freya',
  'Leo',
  'Ivy',
  'George',
  'Maja',
  'Jakub',
  'Zofia',
  'Andrei',
  'Ioana',
  'Elena',
  'Cerys',
  'Osian',
  'Aarav',
  'Sita',
  'Grace',
  'Harry',
  'Lily',
  'Jack',
  'Poppy',
  'Alfie',
  'Mia',
  'Theo',
  'Sofia',
  'Oscar',
  'Evie',
  'Archie',
];
const FAMILY_NAMES = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Nowak',
  'Kowalski',
  'Popescu',
  'Ionescu',
  'Evans',
  'Gurung',
  'Rai',
  'Khan',
  'Patel',
  'Begum',
  'Wilson',
  'Thomas',
  'Roberts',
  'Walker',
  'Wright',
  'Hughes',
  'Green',
];

/** Child's age in days at the appointment, by type (antenatal: days before the due date, negative). */
const AGE_AT: Record<AppointmentTypeId, [number, number]> = {
  antenatal: [-84, -1],
  'new-birth-visit': [10, 14],
  'six-to-eight-week-review': [42, 56],
  'three-to-four-month-contact': [84, 140],
  'one-year-review': [270, 365],
  'two-year-review': [730, 913],
  clinic: [14, 700],
  'follow-up': [14, 1000],
};
/** Types a family waits on the short-notice list for (the early visits are booked straight away). */
const WAITLIST_TYPES: Partial<Record<AppointmentTypeId, number>> = {
  'six-to-eight-week-review': 0.12,
  'three-to-four-month-contact': 0.12,
  'one-year-review': 0.15,
  'two-year-review': 0.18,
  clinic: 0.25,
  'follow-up': 0.18,
};
const SESSIONS = [
  ['09:00', 180],
  ['13:30', 180],
] as const;

export interface Calendar {
  /** When the clock starts: eight days before the month, so the first week's 7-day reminders go out. */
  simStart: Date;
  /** The local days of the month's clinics (weekdays), in order. */
  days: string[];
  /** When the run stops: midday after the last clinic day. */
  end: Date;
}

export interface Child {
  client: Client;
  clinicId: string;
  /** Earlier DNA or WNB on record (also in client.history). */
  priorMisses: number;
}

/** A booking the month holds: made before the clock starts (set-up) or by staff on `bookedAt`. */
export interface PlannedBooking {
  id: string;
  slot: Slot;
  clientId: string;
  bookedAt: string;
  leadDays: number;
  setUp: boolean;
}

export interface WaitingFamily {
  clientId: string;
  type: AppointmentTypeId;
  acceptableClinicIds: string[];
  availability: AvailabilityWindow[];
  consentToShortNotice: boolean;
  /** A set-up booking later in the month for the same contact, given up if an earlier slot is taken. */
  currentBookingId?: string;
}

export interface Population {
  scale: number;
  weeks: number;
  calendar: Calendar;
  clinics: Clinic[];
  children: Map<string, Child>;
  slots: Slot[];
  bookings: PlannedBooking[];
  waiting: WaitingFamily[];
}

/**
 * 100 clinic-weeks at scale 1 (25 clinics, four weeks); a small scale keeps whole weeks and whole
 * clinics, and below one clinic-week runs one clinic for one week with fewer sessions (`density`, the
 * share of a clinic-week's contacts), so CI can run it in under a minute.
 */
export function shapeOf(scale: number): { clinics: number; weeks: number; density: number } {
  const clinicWeeks = P.clinics.value * 4 * scale;
  if (clinicWeeks >= 4)
    return {
      weeks: 4,
      clinics: Math.max(1, Math.min(SITES.length, Math.round(clinicWeeks / 4))),
      density: 1,
    };
  if (clinicWeeks >= 1) return { weeks: Math.round(clinicWeeks), clinics: 1, density: 1 };
  return { weeks: 1, clinics: 1, density: Math.max(0.05, clinicWeeks) };
}

/** The month starts on Monday 5 October 2026; its last week has the clocks going back (25 October). */
export function calendarOf(weeks: number, firstMonday = '2026-10-05'): Calendar {
  const monday = DateTime.fromISO(firstMonday, { zone: ZONE });
  const days: string[] = [];
  for (let d = 0; d < weeks * 7; d++) {
    const day = monday.plus({ days: d });
    if (day.weekday <= 5) days.push(day.toISODate()!);
  }
  return {
    simStart: monday.minus({ days: 8 }).set({ hour: 12 }).toJSDate(),
    days,
    end: DateTime.fromISO(days.at(-1)!, { zone: ZONE }).plus({ days: 1 }).set({ hour: 12 }).toJSDate(),
  };
}

export function buildPopulation(config: TrustConfig, scale: number, seed = 20261005): Population {
  const rng = new Rng(seed);
  const { clinics: clinicCount, weeks, density } = shapeOf(scale);
  const calendar = calendarOf(weeks);
  const nowIso = calendar.simStart.toISOString();
  const mix = P.typeMix.value;
  const types = Object.keys(mix) as AppointmentTypeId[];
  const clinics: Clinic[] = SITES.slice(0, clinicCount).map(([town, venue]) => ({
    id: town.toLowerCase().replace(/[^a-z]+/g, '-'),
    name: venue,
    venue,
    address: `1 High Street, ${town}`,
    area: town,
    createdAt: nowIso,
  }));
  const children = new Map<string, Child>();
  const slots: Slot[] = [];
  const bookings: PlannedBooking[] = [];
  let childCount = 0;

  const decileFor = (tilt: number) => {
    const weights = P.imdDecileShares.value.map((w, i) => w * Math.exp((tilt * (4.5 - i)) / 4.5));
    return 1 + Number(rng.weighted(Object.fromEntries(weights.map((w, i) => [String(i), w]))));
  };
  const newChild = (clinicId: string, tilt: number, sibling?: Child): Child => {
    childCount++;
    const id = `child-${String(childCount).padStart(6, '0')}`;
    const language = sibling?.client.language ?? rng.weighted(P.languages.value);
    const flags = {
      imdDecile: sibling?.client.flags.imdDecile ?? decileFor(tilt),
      needsCarer: rng.chance(P.needsCarer.value),
      parentalMentalHealth:
        sibling?.client.flags.parentalMentalHealth ?? rng.chance(P.parentalMentalHealth.value),
      vulnerable: rng.chance(P.vulnerable.value),
      doNotText: sibling?.client.flags.doNotText ?? rng.chance(P.doNotText.value),
    };
    const client: Client = {
      id,
      firstName: rng.pick(FIRST_NAMES),
      familyName: sibling?.client.familyName ?? rng.pick(FAMILY_NAMES),
      // Fictional numbers, never sent anywhere: the local outbox is the only SMS provider.
      phone: sibling?.client.phone ?? `+447700${String(900_000 + childCount).slice(-6)}`,
      language,
      flags,
      history: { attended: 0, dna: 0, wnb: 0, consecutiveWnb: 0 },
      createdAt: nowIso,
      updatedAt: nowIso,
    };
    const child = { client, clinicId, priorMisses: 0 };
    children.set(id, child);
    return child;
  };
  const setAge = (child: Child, type: AppointmentTypeId, day: string) => {
    const [from, to] = AGE_AT[type];
    const age = rng.int(from, to);
    const anchor = DateTime.fromISO(day, { zone: 'utc' }).minus({ days: age }).toISODate()!;
    if (type === 'antenatal') child.client.dueDate = anchor;
    else child.client.dateOfBirth = anchor;
    // Earlier misses only for children old enough to have had contacts.
    if (age > 60 && rng.chance(PARAMETERS.attendance.priorMissShare.value)) {
      child.priorMisses = rng.int(1, 3);
      const wnb = rng.int(0, child.priorMisses);
      child.client.history = {
        attended: rng.int(1, 4),
        dna: child.priorMisses - wnb,
        wnb,
        consecutiveWnb: wnb > 0 && rng.chance(0.3) ? 1 : 0,
      };
    }
  };

  for (const [c, clinic] of clinics.entries()) {
    const tilt = SITES[c]![2];
    const recent: Child[] = [];
    for (let w = 0; w < weeks; w++) {
      const weekDays = calendar.days.slice(w * 5, w * 5 + 5);
      // Sessions: each half-day of each line (a health visitor's room) runs one type.
      const sessions: { type: AppointmentTypeId; slots: number }[] = [];
      const wanted = new Map<AppointmentTypeId, number>();
      for (const type of types) {
        const need = Math.max(1, Math.round(CONTACTS_PER_CLINIC_WEEK * density * mix[type]));
        wanted.set(type, need);
        const per = Math.floor(SESSIONS[0][1] / config.appointmentTypes[type]!.durationMinutes);
        const count = Math.ceil((need * P.slotsPerContact.value) / per);
        for (let i = 0; i < count; i++) sessions.push({ type, slots: per });
      }
      // Interleaved, so each type is spread across the days of the week.
      sessions.sort((a, b) => a.type.localeCompare(b.type));
      const cells = weekDays.length * SESSIONS.length;
      const weekSlots = new Map<AppointmentTypeId, Slot[]>();
      sessions.forEach((session, i) => {
        const cell = i % cells;
        const line = Math.floor(i / cells);
        const day = weekDays[cell % weekDays.length]!;
        const [start] = SESSIONS[Math.floor(cell / weekDays.length) % SESSIONS.length]!;
        const duration = config.appointmentTypes[session.type]!.durationMinutes;
        const [h, m] = start.split(':').map(Number) as [number, number];
        for (let k = 0; k < session.slots; k++) {
          const minute = h * 60 + m + k * duration;
          const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
          const slot = newSlot({
            id: `slot-${clinic.id}-${day}-${line}-${time.replace(':', '')}`,
            clinicId: clinic.id,
            type: session.type,
            startsAt: localToUtc(day, time, ZONE),
            durationMinutes: duration,
            timeZone: ZONE,
            now: nowIso,
          });
          slots.push(slot);
          weekSlots.set(session.type, [...(weekSlots.get(session.type) ?? []), slot]);
        }
      });
      for (const type of types) {
        const pool = [...(weekSlots.get(type) ?? [])];
        for (let n = 0; n < (wanted.get(type) ?? 0) && pool.length > 0; n++) {
          const slot = pool.splice(rng.int(0, pool.length - 1), 1)[0]!;
          const sibling =
            recent.length > 0 && rng.chance(P.siblingSharesPhone.value) ? rng.pick(recent) : undefined;
          const child = newChild(clinic.id, tilt, sibling);
          setAge(child, type, slot.localDay);
          recent.push(child);
          if (recent.length > 200) recent.shift();
          const lead = P.leadDays.value[type];
          // At most 41 days: inside the 42-day horizon whatever the time of day.
          const leadDays = rng.int(lead[0]!, Math.min(lead[1]!, 41));
          const bookedAt = staffTime(
            DateTime.fromISO(slot.localDay, { zone: ZONE }).minus({ days: leadDays }),
            rng,
          );
          bookings.push({
            id: `booking-${slot.id.slice(5)}`,
            slot,
            clientId: child.client.id,
            bookedAt,
            leadDays,
            setUp: bookedAt < nowIso,
          });
        }
      }
    }
  }

  const waiting = buildWaitlist(rng, { clinics, calendar, bookings, newChild, setAge, scale });
  return { scale, weeks, calendar, clinics, children, slots, bookings, waiting };
}

/** A weekday office time on or before `day`: the clerk books in one of the day's batches. */
function staffTime(day: DateTime, rng: Rng): string {
  let d = day;
  while (d.weekday > 5) d = d.minus({ days: 1 });
  const [h, m] = rng.pick(PARAMETERS.staff.bookingTimes.value).split(':').map(Number) as [number, number];
  return d.set({ hour: h, minute: m }).toUTC().toISO()!;
}

function buildWaitlist(
  rng: Rng,
  input: {
    clinics: Clinic[];
    calendar: Calendar;
    bookings: PlannedBooking[];
    newChild: (clinicId: string, tilt: number) => Child;
    setAge: (child: Child, type: AppointmentTypeId, day: string) => void;
    scale: number;
  },
): WaitingFamily[] {
  const { clinics, calendar, bookings } = input;
  const total = Math.round(P.shortNoticeFamilies.value * input.scale);
  const waiting: WaitingFamily[] = [];
  const midMonth = calendar.days[Math.floor(calendar.days.length / 2)]!;
  const neighbours = (i: number) => [...new Set([clinics[i]!.id, clinics[(i + 1) % clinics.length]!.id])];
  // Families with a set-up booking in the second half of the month who would take an earlier time.
  const later = bookings.filter(
    (b) =>
      b.setUp &&
      b.slot.localDay >= midMonth &&
      WAITLIST_TYPES[b.slot.type as AppointmentTypeId] !== undefined,
  );
  const withBooking = Math.min(later.length, Math.round(total * P.shortNoticeWithLaterBooking.value));
  const chosen = new Set<string>();
  for (let n = 0; n < withBooking; n++) {
    const booking = rng.pick(later);
    if (chosen.has(booking.clientId)) continue;
    chosen.add(booking.clientId);
    const clinicIndex = clinics.findIndex((c) => c.id === booking.slot.clinicId);
    waiting.push({
      clientId: booking.clientId,
      type: booking.slot.type as AppointmentTypeId,
      acceptableClinicIds: neighbours(clinicIndex),
      availability: availability(rng),
      consentToShortNotice: rng.chance(0.9),
      currentBookingId: booking.id,
    });
  }
  while (waiting.length < total) {
    const clinicIndex = rng.int(0, clinics.length - 1);
    const type = rng.weighted(WAITLIST_TYPES as Record<AppointmentTypeId, number>);
    const child = input.newChild(clinics[clinicIndex]!.id, 0);
    input.setAge(child, type, midMonth);
    waiting.push({
      clientId: child.client.id,
      type,
      acceptableClinicIds: neighbours(clinicIndex),
      availability: availability(rng),
      consentToShortNotice: rng.chance(0.9),
    });
  }
  return waiting;
}

function availability(rng: Rng): AvailabilityWindow[] {
  return rng.chance(0.3) ? [{ days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], from: '09:00', to: '12:30' }] : [];
}
