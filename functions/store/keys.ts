/**
 * Every key the store writes is built here, from attributes, so that no key is concatenated by hand in
 * more than one place. Index key attributes are only set on items that belong in that index.
 */
import { DUE_SHARDS } from './table.ts';

export type Entity = 'Clinic' | 'Client' | 'Slot' | 'Booking' | 'Message' | 'InboxItem';

export const keys = {
  /** All clinics share one partition: a trust has tens of them, and staff list them all. */
  clinic: (id: string) => ({ pk: 'CLINICS', sk: `CLINIC#${id}` }),
  clinicsPartition: 'CLINICS',
  client: (id: string) => ({ pk: `CLIENT#${id}`, sk: 'CLIENT' }),
  /** What is left of an erased client, beside where the client item was (which is deleted). */
  clientTombstone: (id: string) => ({ pk: `CLIENT#${id}`, sk: 'ERASED' }),
  followUp: (id: string) => ({ pk: `FOLLOWUP#${id}`, sk: 'FOLLOWUP' }),
  slot: (id: string) => ({ pk: `SLOT#${id}`, sk: 'SLOT' }),
  booking: (id: string) => ({ pk: `BOOKING#${id}`, sk: 'BOOKING' }),
  message: (id: string) => ({ pk: `MESSAGE#${id}`, sk: 'MESSAGE' }),
  /**
   * Pointer from an EPR record (kind, source system, source id) to the Attend record imported from it.
   * The parts are URI-encoded so a '#' in a system or id can never make two keys collide.
   */
  sourceRef: (kind: string, system: string, id: string) => ({
    pk: `SOURCE#${kind}#${encodeURIComponent(system)}#${encodeURIComponent(id)}`,
    sk: 'SOURCE',
  }),
  /** Pointer from a provider's message id to our message, for "what does this reply answer". */
  providerMessage: (providerMessageId: string) => ({ pk: `PROVIDERMSG#${providerMessageId}`, sk: 'MESSAGE' }),
} as const;

const phonePk = (phone: string) => `PHONE#${phone}`;

/** byPhone index: one partition per phone number, item kinds told apart by the sort key prefix. */
export const byPhone = {
  partition: phonePk,
  client: (phone: string, clientId: string) => ({ phonePk: phonePk(phone), phoneSk: `CLIENT#${clientId}` }),
  liveBooking: (phone: string, startsAt: string, bookingId: string) => ({
    phonePk: phonePk(phone),
    phoneSk: `BOOKING#${startsAt}#${bookingId}`,
  }),
  message: (phone: string, at: string, messageId: string) => ({
    phonePk: phonePk(phone),
    phoneSk: `MSG#${at}#${messageId}`,
  }),
  prefix: { client: 'CLIENT#', liveBooking: 'BOOKING#', message: 'MSG#', liveOffer: 'OFFER#' },
} as const;

const clinicDayPk = (clinicId: string, localDay: string) => `CLINIC#${clinicId}#DAY#${localDay}`;

/** byClinicDay index: a clinic's slots and bookings on one local day, in start order. */
export const byClinicDay = {
  partition: clinicDayPk,
  slot: (clinicId: string, localDay: string, startsAt: string, slotId: string) => ({
    clinicDayPk: clinicDayPk(clinicId, localDay),
    clinicDaySk: `SLOT#${startsAt}#${slotId}`,
  }),
  booking: (clinicId: string, localDay: string, startsAt: string, bookingId: string) => ({
    clinicDayPk: clinicDayPk(clinicId, localDay),
    clinicDaySk: `BOOKING#${startsAt}#${bookingId}`,
  }),
  prefix: { slot: 'SLOT#', booking: 'BOOKING#' },
} as const;

/** A stable shard for an id, so one booking always lands in the same due-reminders partition. */
export function shardOf(id: string, shards = DUE_SHARDS): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) % shards;
}

export const dueReminders = {
  shardKey: (shard: number) => `DUE#${shard}`,
  entry: (bookingId: string, nextDueAt: string) => ({
    dueShard: `DUE#${shardOf(bookingId)}`,
    nextDueAt,
  }),
  allShards: () => Array.from({ length: DUE_SHARDS }, (_, i) => `DUE#${i}`),
} as const;

export const openByKind = {
  inbox: (receivedAt: string, id: string) => ({ openPk: 'OPEN#INBOX', openSk: `${receivedAt}#${id}` }),
  followUp: (openedAt: string, id: string) => ({ openPk: 'OPEN#FOLLOWUP', openSk: `${openedAt}#${id}` }),
  partition: { inbox: 'OPEN#INBOX', followUp: 'OPEN#FOLLOWUP' },
} as const;

/** Strips the key and index attributes from a stored item, leaving the domain record. */
export const STORAGE_ATTRIBUTES = [
  'pk',
  'sk',
  'entity',
  'phonePk',
  'phoneSk',
  'clinicDayPk',
  'clinicDaySk',
  'dueShard',
  'nextDueAt',
  'waitlistPk',
  'waitlistScore',
  'expiryShard',
  'expiryDueAt',
  'openPk',
  'openSk',
  'expiresAtEpoch',
] as const;

export function withoutStorageAttributes(item: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...item };
  for (const attr of STORAGE_ATTRIBUTES) delete copy[attr];
  return copy;
}

/**
 * Staff sign-in. A session item is keyed by the hash of its cookie token, so nothing read from the table
 * can be replayed as a cookie. Every live session also has a small entry in one `STAFFSESSIONS`
 * partition, sorted by person: "all sessions of a person" is a prefix query and "every session" is the
 * whole partition, with no index (a trust has hundreds of staff, and sign-ins are rare writes).
 */
const subjectPart = (subject: string) => encodeURIComponent(subject);
export const staffSessions = {
  session: (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'SESSION' }),
  entry: (subject: string, sessionId: string) => ({
    pk: 'STAFFSESSIONS',
    sk: `${subjectPart(subject)}#${sessionId}`,
  }),
  partition: 'STAFFSESSIONS',
  personPrefix: (subject: string) => `${subjectPart(subject)}#`,
  /** A sign-in under way, keyed by its `state`: one use, removed when the callback takes it. */
  signIn: (state: string) => ({ pk: `SIGNIN#${state}`, sk: 'SIGNIN' }),
} as const;
