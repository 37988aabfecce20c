/** Test data builders: sensible defaults, and any field overridden per test. */
import type { Client, Clinic, Slot } from '#core/model.ts';

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

export function aClient(overrides: Partial<Client> = {}): Client {
  const i = next();
  return {
    id: `client-${i}`,
    firstName: 'Amelia',
    familyName: 'Smith',
    phone: `+447700900${i.slice(-3)}`,
    language: 'en',
    flags: { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: false },
    optedOut: false,
    history: { attended: 0, dna: 0, wnb: 0, consecutiveWnb: 0 },
    createdAt: '2026-11-01T09:00:00.000Z',
    updatedAt: '2026-11-01T09:00:00.000Z',
    ...overrides,
  };
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
