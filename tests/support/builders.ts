/** Test data builders: sensible defaults, and any field overridden per test. */
import { randomUUID } from 'node:crypto';
import type { Booking, Client, Clinic, Slot, TierState } from '#core/model.ts';
import type { InboundSms } from '#services/replies.ts';
import type { AddToWaitlist } from '#services/waitlist.ts';

let n = 0;
const next = () => String(++n).padStart(4, '0');

export function aClinic(overrides: Partial<Clinic> = {}): Clinic {
  return {
    id: `clinic-${next()}`,
    name: 'Riverside Children’s Centre',
    venue: "Riverside Children's Centre",
    address: '1 Quay Street',
    area: 'Maidstone',
    createdAt: '2026-11-01T09:00:00.000Z',
    ...overrides,
  };
}

/** A client with a mobile, as most tests want (the model's phone is optional: a family may have none). */
export type ClientWithPhone = Client & { phone: string };

export function aClient(overrides: Partial<Client> = {}): ClientWithPhone {
  const i = next();
  return {
    id: `client-${i}`,
    firstName: 'Amelia',
    familyName: 'Smith',
    phone: `+447700900${i.slice(-3)}`,
    language: 'en',
    flags: { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: false },
    history: { attended: 0, dna: 0, wnb: 0, consecutiveWnb: 0 },
    createdAt: '2026-11-01T09:00:00.000Z',
    updatedAt: '2026-11-01T09:00:00.000Z',
    ...overrides,
  } as ClientWithPhone;
}

export function aSlotFor(clinic: Pick<Clinic, 'id'>, overrides: Partial<Slot> = {}): Slot {
  const startsAt = overrides.startsAt ?? '2026-12-03T14:00:00.000Z';
  return {
    id: `slot-${next()}`,
    clinicId: clinic.id,
    type: 'six-to-eight-week-review',
    startsAt,
    durationMinutes: 45,
    localDay: startsAt.slice(0, 10),
    status: 'FREE',
    createdAt: '2026-11-01T09:00:00.000Z',
    updatedAt: '2026-11-01T09:00:00.000Z',
    ...overrides,
  };
}

/** One reminder tier's state; PENDING and never tried unless overridden. */
export function aTier(overrides: Partial<TierState> & Pick<TierState, 'dueAt'>): TierState {
  return { kind: 'reminder', status: 'PENDING', attempts: 0, ...overrides };
}

/**
 * A BOOKED booking of `slot` for `client`, for writing with the store's createBooking when a test needs
 * many bookings with chosen tiers (bookSlot works the plan out from the trust config instead). By
 * default its one open tier is due two days before the start.
 */
export function aBookingFor(
  slot: Pick<Slot, 'id' | 'clinicId' | 'type' | 'startsAt' | 'durationMinutes' | 'localDay'>,
  client: Pick<Client, 'id' | 'phone'>,
  overrides: Partial<Booking> = {},
): Booking {
  const i = next();
  const bookedAt = overrides.bookedAt ?? '2026-11-20T10:00:00.000Z';
  return {
    id: `booking-${i}`,
    ref: String(1000 + (Number(i) % 9000)),
    slotId: slot.id,
    clientId: client.id,
    clinicId: slot.clinicId,
    type: slot.type,
    startsAt: slot.startsAt,
    durationMinutes: slot.durationMinutes,
    localDay: slot.localDay,
    phone: client.phone,
    status: 'BOOKED',
    source: 'staff',
    bookedAt,
    bookedBy: 'staff:test',
    tiers: { '2d': aTier({ dueAt: new Date(Date.parse(slot.startsAt) - 2 * 86_400_000).toISOString() }) },
    updatedAt: bookedAt,
    ...overrides,
  };
}

/**
 * A parent's reply as the inbound Lambda hands it to handleInboundSms: from `from` to the trust's number,
 * with a provider id of its own (a redelivery reuses the id it was first given).
 */
export function anInboundSms(from: string, body: string, overrides: Partial<InboundSms> = {}): InboundSms {
  return { from, to: '+447700900000', body, inboundMessageId: `in-${randomUUID()}`, ...overrides };
}

/**
 * What staff send to put a family on the short-notice list: the 6-8 week review at `clinic`, any time
 * of day, with consent to short-notice texts unless overridden.
 */
export function aWaitlistRequestFor(
  client: Pick<Client, 'id'>,
  clinic: Pick<Clinic, 'id'>,
  overrides: Partial<AddToWaitlist> = {},
): AddToWaitlist {
  return {
    clientId: client.id,
    type: 'six-to-eight-week-review',
    acceptableClinicIds: [clinic.id],
    consentToShortNotice: true,
    ...overrides,
  };
}
