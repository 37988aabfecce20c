/**
 * Demo children whose ages fit their appointments, and free times to rebook each booking to.
 *
 * The demo draws its slots' types at random. This module then gives each family a date of birth (or,
 * for an antenatal contact, an expected due date and no date of birth) that puts every one of its
 * bookings inside that type's Healthy Child Programme window (`appointmentTypes.<type>.ageWindowDays`),
 * and makes sure each booking's parent page has at least one free time of the same type, at the same
 * clinic, inside the child's window and the booking horizon, to rebook to. Pure: the caller writes.
 */
import type { TrustConfig } from '#core/config/trust-config.ts';

import { ageWindow } from '#core/eligibility.ts';
import type { Client, Slot } from '#core/model.ts';

/** What a child's age is counted from: a date of birth, or (not born yet) an expected due date. */
export type Birth = Pick<Client, 'dateOfBirth' | 'dueDate'>;

/**
 * Whether a child with these dates may have a `type` contact on local `day`: inside the type's age
 * window; an antenatal window (one that starts before birth) only before birth, from a due date with no
 * date of birth; a type with no window (the child health clinic) only once the child is born.
 */
export function fitsType(
  config: Pick<TrustConfig, 'appointmentTypes'>,
  type: string,
  who: Birth,
  day: string,
): boolean {
  const typeConfig = config.appointmentTypes[type];
  if (!typeConfig) return false;
  const days = typeConfig.ageWindowDays;
  if (days === undefined) return who.dateOfBirth !== undefined && who.dateOfBirth <= day;
  if (days.from < 0 && who.dateOfBirth !== undefined) return false;
  const window = ageWindow(typeConfig, who);
  return window !== undefined && window.earliest <= day && day <= window.latest;
}

/** The type a child fits on `day`: `preferred` if it fits, else the first type with an age window that fits, else one without. */
export function typeFor(
  config: Pick<TrustConfig, 'appointmentTypes'>,
  who: Birth,
  day: string,
  preferred: string,
): string | undefined {
  if (fitsType(config, preferred, who, day)) return preferred;
  const types = Object.entries(config.appointmentTypes);
  const windowed = types.find(
    ([name, t]) => t.ageWindowDays !== undefined && fitsType(config, name, who, day),
  );
  const open = types.find(([name, t]) => t.ageWindowDays === undefined && fitsType(config, name, who, day));
  return (windowed ?? open)?.[0];
}

export interface DemoBooking {
  slotId: string;
  /** The family (client id) the slot is booked for. */
  owner: string;
}

export interface FittedDemo {
  /** Every slot, some with a new type: a booked one its family cannot fit, a free one a booking needed. */
  slots: Slot[];
  /** Each family's dates, for the families that have a windowed booking (anchor). */
  births: Map<string, Birth>;
}

/**
 * Fits the families to their bookings (in order), and the free slots to the bookings.
 *
 * - A family's first booking with an age window sets its dates; a later one becomes a child health
 *   clinic visit (a type with no window), as does an antenatal contact of a family with more than one
 *   booking (an unborn child does not go to a clinic) and a booking no birth date before today can fit.
 * - For each booking, a free slot of its type at its clinic, inside the window and the horizon, is kept
 *   free for it; when there is none, the nearest free slot at that clinic no other booking relies on
 *   takes the booking's type.
 * - A born child was born yesterday at the latest; an unborn one is due after its antenatal contact.
 */
export function fitDemoAges(input: {
  config: Pick<TrustConfig, 'appointmentTypes' | 'booking'>;
  /** The demo's first local day (the virtual clock's today). */
  today: string;
  slots: readonly Slot[];
  bookings: readonly DemoBooking[];
  random: () => number;
}): FittedDemo {
  const { config, bookings, random } = input;
  // Days as whole numbers (UTC midnights, so no clock changes): hundreds of slots are compared for each
  // booking, and date arithmetic through luxon on every comparison made the seed a minute slower.
  const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;
  const dayOf = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
  const today = dayNumber(input.today);

  const slotById = new Map(input.slots.map((slot) => [slot.id, slot]));
  const dayOfSlot = new Map(input.slots.map((slot) => [slot.id, dayNumber(slot.localDay)]));
  const retype = (id: string, type: string) => slotById.set(id, { ...slotById.get(id)!, type });
  const windowOf = (type: string) => config.appointmentTypes[type]?.ageWindowDays;
  const open = Object.keys(config.appointmentTypes).find((type) => windowOf(type) === undefined);
  if (open === undefined) throw new Error('the demo needs an appointment type with no age window');
  const booked = new Set(bookings.map((b) => b.slotId));
  const count = new Map<string, number>();
  for (const b of bookings) count.set(b.owner, (count.get(b.owner) ?? 0) + 1);
  /** The free slots at each clinic from tomorrow to the horizon: the only ones a booking can rebook to. */
  const freeAt = new Map<string, string[]>();
  for (const slot of input.slots) {
    const day = dayOfSlot.get(slot.id)!;
    if (booked.has(slot.id) || day <= today || day >= today + config.booking.horizonDays) continue;
    freeAt.set(slot.clinicId, [...(freeAt.get(slot.clinicId) ?? []), slot.id]);
  }

  // Each family's anchor: its first windowed booking (antenatal only for a family with one booking).
  const anchorOf = new Map<string, string>();
  for (const { slotId, owner } of bookings) {
    const window = windowOf(slotById.get(slotId)!.type);
    if (window === undefined) continue;
    if (!anchorOf.has(owner) && (window.from >= 0 || count.get(owner) === 1)) anchorOf.set(owner, slotId);
    else retype(slotId, open);
  }

  /** Free slots kept for some booking's rebook page: never retyped. */
  const kept = new Set<string>();
  const target = (slot: Slot, fits: (day: number) => boolean): Slot | undefined => {
    const day = dayOfSlot.get(slot.id)!;
    const distance = (f: Slot) => Math.abs(dayOfSlot.get(f.id)! - day);
    const near = (freeAt.get(slot.clinicId) ?? [])
      .map((id) => slotById.get(id)!)
      .filter((f) => fits(dayOfSlot.get(f.id)!))
      .sort((a, b) => distance(a) - distance(b) || a.startsAt.localeCompare(b.startsAt));
    const found = near.find((f) => f.type === slot.type) ?? near.find((f) => !kept.has(f.id));
    if (found === undefined) return undefined;
    if (found.type !== slot.type) retype(found.id, slot.type);
    kept.add(found.id);
    return slotById.get(found.id);
  };

  const births = new Map<string, Birth>();
  for (const { slotId, owner } of bookings) {
    const slot = slotById.get(slotId)!;
    const window = windowOf(slot.type);
    if (window !== undefined && anchorOf.get(owner) === slotId) {
      const span = window.to - window.from;
      const day = dayOfSlot.get(slotId)!;
      // A born child was born by yesterday, so its window starts by `from - 1` days from today.
      const latestStart = window.from >= 0 ? today + window.from - 1 : Number.POSITIVE_INFINITY;
      // The window's possible first days with both the booking and a free time `other` inside it.
      const range = (other: number) => {
        const earliest = Math.max(day, other) - span;
        const latest = Math.min(day, other, latestStart);
        return earliest <= latest ? { earliest, latest } : undefined;
      };
      const free = target(slot, (other) => range(other) !== undefined);
      const fit = free && range(dayOfSlot.get(free.id)!);
      if (fit) {
        const start = fit.earliest + Math.floor(random() * (fit.latest - fit.earliest + 1));
        const anchor = dayOf(start - window.from);
        births.set(owner, window.from >= 0 ? { dateOfBirth: anchor } : { dueDate: anchor });
        continue;
      }
      // No date of birth before today fits (a new baby visit too far ahead): a clinic visit instead.
      anchorOf.delete(owner);
      retype(slotId, open);
    }
    target(slotById.get(slotId)!, () => true);
  }
  return { slots: input.slots.map((slot) => slotById.get(slot.id)!), births };
}
