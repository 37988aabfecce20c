/**
 * Test data for the short-notice waitlist: each builder returns a valid, schema-parsed record for an
 * ordinary case, and takes overrides for the one thing a test is about.
 *
 * The defaults fit together: on NOW (Monday 16 November 2026, 10:00 London) a baby born on 1 October
 * is due a 6-8 week review between 12 and 26 November, and the default slot is on Wednesday 18th.
 */
import { fileURLToPath } from 'node:url';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { plusLocalDays } from '#core/dates.ts';
import type { Candidate, OtherBooking } from '#core/eligibility.ts';
import { type Client, clientSchema, type EquityFlags, type Slot, slotSchema } from '#core/model.ts';
import { type WaitlistEntry, waitlistEntrySchema } from '#core/waitlist.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';

export const NOW = '2026-11-16T10:00:00.000Z';
export const TYPE = 'six-to-eight-week-review';
export const CLINIC = 'clinic-riverside';

/** `days` calendar days before `from` (default NOW) at the same London wall-clock time, as an ISO instant. */
export function daysBefore(days: number, from = NOW): string {
  return plusLocalDays(from, -days, 'Europe/London').toISOString();
}

export function minutesAfter(minutes: number, from = NOW): string {
  return new Date(Date.parse(from) + minutes * 60_000).toISOString();
}

type ClientOverrides = Partial<Omit<Client, 'flags'>> & { flags?: Partial<EquityFlags> };

export function aClient(overrides: ClientOverrides = {}): Client & { phone: string } {
  const { flags, ...rest } = overrides;
  return clientSchema.parse({
    id: 'client-1',
    firstName: 'Amara',
    familyName: 'Okafor',
    phone: '+447700900123',
    language: 'en',
    dateOfBirth: '2026-10-01',
    flags: { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: false, ...flags },
    createdAt: '2026-10-02T09:00:00.000Z',
    updatedAt: '2026-10-02T09:00:00.000Z',
    ...rest,
  }) as Client & { phone: string };
}

export function aSlot(overrides: Partial<Slot> = {}): Slot {
  return slotSchema.parse({
    id: 'slot-1',
    clinicId: CLINIC,
    type: TYPE,
    startsAt: '2026-11-18T10:00:00.000Z',
    durationMinutes: 45,
    localDay: '2026-11-18',
    status: 'FREE',
    freedAt: NOW,
    freedBy: 'booking-cancelled',
    createdAt: '2026-10-01T09:00:00.000Z',
    updatedAt: NOW,
    ...overrides,
  });
}

type EntryOverrides = Partial<Omit<WaitlistEntry, 'priorityInputs'>> & {
  priorityInputs?: Partial<WaitlistEntry['priorityInputs']>;
};

export function anEntry(overrides: EntryOverrides = {}): WaitlistEntry {
  const { priorityInputs, ...rest } = overrides;
  return waitlistEntrySchema.parse({
    id: 'entry-1',
    clientId: 'client-1',
    type: TYPE,
    acceptableClinicIds: [CLINIC],
    availability: [],
    consentToShortNotice: true,
    priorityInputs: { needsCarer: false, parentalMentalHealth: false, vulnerable: false, ...priorityInputs },
    rebookRequests: 0,
    status: 'WAITING',
    addedAt: daysBefore(3),
    updatedAt: daysBefore(3),
    score: 0,
    ...rest,
  });
}

export function anOtherBooking(overrides: Partial<OtherBooking> = {}): OtherBooking {
  return {
    id: 'booking-9',
    type: TYPE,
    startsAt: '2026-11-25T10:00:00.000Z',
    durationMinutes: 45,
    status: 'BOOKED',
    ...overrides,
  };
}

/**
 * A family on the list: the client's flags and the entry's snapshot are kept in step, as the store
 * writes them, and the entry belongs to the client.
 */
export function aCandidate(
  overrides: {
    id?: string;
    flags?: Partial<EquityFlags>;
    client?: ClientOverrides;
    /** The client's number is opted out of texts (its Consent record). */
    suppressed?: boolean;
    entry?: EntryOverrides;
    otherBookings?: OtherBooking[];
  } = {},
): Candidate {
  const key = overrides.id ?? '1';
  const client = aClient({
    id: `client-${key}`,
    ...overrides.client,
    flags: { ...overrides.flags, ...overrides.client?.flags },
  });
  const { doNotText: _ignored, ...priorityInputs } = client.flags;
  const entry = anEntry({
    id: `entry-${key}`,
    clientId: client.id,
    priorityInputs,
    ...overrides.entry,
  });
  return {
    entry,
    client,
    suppressed: overrides.suppressed ?? false,
    otherBookings: overrides.otherBookings ?? [],
  };
}

const CONFIG_DIR = fileURLToPath(new URL('../../config/trusts', import.meta.url));

/** The example trust's real config, so tests exercise the shipped age windows and default weights. */
export function aTrustConfig(
  overrides: {
    shortNotice?: Partial<Omit<TrustConfig['shortNotice'], 'priorityWeights'>>;
    priorityWeights?: Partial<TrustConfig['shortNotice']['priorityWeights']>;
    quietHours?: TrustConfig['quietHours'];
  } = {},
): TrustConfig {
  const base = loadTrustConfig('example', CONFIG_DIR);
  return {
    ...base,
    quietHours: overrides.quietHours ?? base.quietHours,
    shortNotice: {
      ...base.shortNotice,
      ...overrides.shortNotice,
      priorityWeights: { ...base.shortNotice.priorityWeights, ...overrides.priorityWeights },
    },
  };
}
