/**
 * Every key the store writes is built here, from attributes, so that no key is concatenated by hand in
 * more than one place. Index key attributes are only set on items that belong in that index.
 */
import { DUE_SHARDS } from './table.ts';

export type Entity = 'Clinic' | 'Client' | 'Slot' | 'Booking' | 'Message' | 'InboxItem';

const slotPk = (id: string) => `SLOT#${id}`;
const auditPk = (day: string) => `AUDIT#${day}`;

/** A slot's item collection (`pk SLOT#<id>`): the slot itself (`sk SLOT`) and its offers (`sk OFFER#<id>`). */
export const slotCollection = {
  partition: slotPk,
  prefix: { offer: 'OFFER#' },
} as const;

const NUMBER_FAILURE_PREFIX = 'FAIL#';

/**
 * A number's failed texts (`keys.numberFailure`), keyed by the number's consent hash. The partition keeps
 * the name it had when it also held the number's newest delivered text (`sk CLEARED`, entity
 * NumberDelivery): that item is no longer written (the newest delivered text is read from the number's
 * Messages), and those left in a deployed table expire by TTL, unread.
 */
export const numberFailures = {
  partition: (phoneHash: string) => `NUMBERDELIVERY#${phoneHash}`,
  /** Sort-key bounds of the failures of texts sent from `since` on. */
  range: (since: string) => ({ from: `${NUMBER_FAILURE_PREFIX}${since}`, to: `${NUMBER_FAILURE_PREFIX}~` }),
  /** Failures sorting above this are of texts sent after `at` (not one sent at that same instant). */
  after: (at: string) => `${NUMBER_FAILURE_PREFIX}${at}#~`,
  /** When the failed text was sent, read back from a failure's sort key. */
  sentAt: (sk: string) => sk.slice(NUMBER_FAILURE_PREFIX.length).split('#')[0]!,
} as const;

export const keys = {
  /** All clinics share one partition: a trust has tens of them, and staff list them all. */
  clinic: (id: string) => ({ pk: 'CLINICS', sk: `CLINIC#${id}` }),
  clinicsPartition: 'CLINICS',
  client: (id: string) => ({ pk: `CLIENT#${id}`, sk: 'CLIENT' }),
  /** What is left of an erased client, beside where the client item was (which is deleted). */
  clientTombstone: (id: string) => ({ pk: `CLIENT#${id}`, sk: 'ERASED' }),
  followUp: (id: string) => ({ pk: `FOLLOWUP#${id}`, sk: 'FOLLOWUP' }),
  slot: (id: string) => ({ pk: slotPk(id), sk: 'SLOT' }),
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
  /**
   * Pointer from an NHS number to the one client that has it: created with the client (or the change)
   * on the condition that none exists, so two clients cannot share an NHS number.
   */
  nhsNumber: (nhsNumber: string) => ({ pk: `NHSNUMBER#${nhsNumber}`, sk: 'NHSNUMBER' }),
  /** Pointer from a provider's message id to our message, for "what does this reply answer". */
  providerMessage: (providerMessageId: string) => ({ pk: `PROVIDERMSG#${providerMessageId}`, sk: 'MESSAGE' }),
  /** Offers live in their slot's item collection (see slotCollection), so "offers by slot" needs no index. */
  offer: (slotId: string, offerId: string) => ({
    pk: slotPk(slotId),
    sk: `${slotCollection.prefix.offer}${offerId}`,
  }),
  waitlistEntry: (id: string) => ({ pk: `WAITLIST#${id}`, sk: 'WAITLIST' }),
  inboxItem: (id: string) => ({ pk: `INBOX#${id}`, sk: 'INBOX' }),
  /**
   * The audit trail has one partition per UTC day: it is read by time, then, within a millisecond, by
   * `order` (the writing process's count of its audit writes, fixed width), so entries that share an
   * instant keep the order they were written in. (Entries written before `order` was added have `at#id`.)
   */
  audit: (at: string, order: number, id: string) => ({
    pk: auditPk(at.slice(0, 10)),
    sk: `${at}#${String(order).padStart(16, '0')}#${id}`,
  }),
  auditPartition: auditPk,
  /** A phone number's consent, keyed by the keyed hash of the number (core/consent.ts), never the number. */
  consent: (phoneHash: string) => ({ pk: `CONSENT#${phoneHash}`, sk: 'CONSENT' }),
  /** One text to the number that failed, ordered by when it was sent: "three in a row" is read from these. */
  numberFailure: (phoneHash: string, messageAt: string, messageId: string) => ({
    pk: numberFailures.partition(phoneHash),
    sk: `${NUMBER_FAILURE_PREFIX}${messageAt}#${messageId}`,
  }),
  /** State the local runtime keeps in the table (the virtual clock, the demo seed marker); never in AWS. */
  localState: (name: string) => ({ pk: `LOCAL#${name}`, sk: `LOCAL#${name}` }),
  /** Read by GET /health to prove the table answers; never written. */
  healthProbe: { pk: 'HEALTH', sk: 'HEALTH' },
} as const;

const phonePk = (phone: string) => `PHONE#${phone}`;

const phonePrefix = {
  client: 'CLIENT#',
  liveBooking: 'BOOKING#',
  message: 'MSG#',
  liveOffer: 'OFFER#',
} as const;

/** byPhone index: one partition per phone number, item kinds told apart by the sort key prefix. */
export const byPhone = {
  partition: phonePk,
  client: (phone: string, clientId: string) => ({
    phonePk: phonePk(phone),
    phoneSk: `${phonePrefix.client}${clientId}`,
  }),
  liveBooking: (phone: string, startsAt: string, bookingId: string) => ({
    phonePk: phonePk(phone),
    phoneSk: `${phonePrefix.liveBooking}${startsAt}#${bookingId}`,
  }),
  message: (phone: string, at: string, messageId: string) => ({
    phonePk: phonePk(phone),
    phoneSk: `${phonePrefix.message}${at}#${messageId}`,
  }),
  liveOffer: (phone: string, offeredAt: string, offerId: string) => ({
    phonePk: phonePk(phone),
    phoneSk: `${phonePrefix.liveOffer}${offeredAt}#${offerId}`,
  }),
  /** Sort-key bounds of a phone's messages, from `since` (or the oldest) to the newest. */
  messageRange: (since?: string) => ({
    from: `${phonePrefix.message}${since ?? ''}`,
    to: `${phonePrefix.message}~`,
  }),
  prefix: phonePrefix,
} as const;

const clinicDayPk = (clinicId: string, localDay: string) => `CLINIC#${clinicId}#DAY#${localDay}`;
const clinicDayPrefix = { slot: 'SLOT#', booking: 'BOOKING#' } as const;

/** byClinicDay index: a clinic's slots and bookings on one local day, in start order. */
export const byClinicDay = {
  partition: clinicDayPk,
  slot: (clinicId: string, localDay: string, startsAt: string, slotId: string) => ({
    clinicDayPk: clinicDayPk(clinicId, localDay),
    clinicDaySk: `${clinicDayPrefix.slot}${startsAt}#${slotId}`,
  }),
  booking: (clinicId: string, localDay: string, startsAt: string, bookingId: string) => ({
    clinicDayPk: clinicDayPk(clinicId, localDay),
    clinicDaySk: `${clinicDayPrefix.booking}${startsAt}#${bookingId}`,
  }),
  prefix: clinicDayPrefix,
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

const dueShardKey = (shard: number) => `DUE#${shard}`;

export const dueReminders = {
  shardKey: dueShardKey,
  entry: (bookingId: string, nextDueAt: string) => ({ dueShard: dueShardKey(shardOf(bookingId)), nextDueAt }),
  allShards: () => Array.from({ length: DUE_SHARDS }, (_, i) => dueShardKey(i)),
} as const;

const expiryShardKey = (shard: number) => `EXP#${shard}`;

/**
 * offersByExpiry index: offers while their text is unsent and then until their hold ends, and slots
 * whose short-notice run has a check due, sharded like dueReminders.
 */
export const offersByExpiry = {
  entry: (id: string, at: string) => ({ expiryShard: expiryShardKey(shardOf(id)), expiryDueAt: at }),
  /** A slot's next check shares the index with offers; its shard comes from `slot:<id>`. */
  slotCheck: (slotId: string, at: string) => offersByExpiry.entry(`slot:${slotId}`, at),
  allShards: () => Array.from({ length: DUE_SHARDS }, (_, i) => expiryShardKey(i)),
} as const;

/** waitlistByType index: only WAITING entries carry these, so it lists exactly who can be offered a slot. */
export const waitlistByType = {
  entry: (type: string, score: number) => ({ waitlistPk: `WAITLIST#${type}`, waitlistScore: score }),
  partition: (type: string) => `WAITLIST#${type}`,
} as const;

const metricsMonthPk = (month: string) => `METRICS#${month}`;

/**
 * The metrics counters: one item per (local day, dimension) cell, partitioned by month
 * (`METRICS#2026-11`, sort key `2026-11-16#CLINIC#riverside`), and one "applied" marker per change.
 */
export const metricsKeys = {
  cell: (day: string, dimension: string) => ({
    pk: metricsMonthPk(day.slice(0, 7)),
    sk: `${day}#${dimension}`,
  }),
  month: metricsMonthPk,
  /** Sort-key bounds of every cell of the days from `from` to `to` (inclusive), within one month. */
  dayRange: (from: string, to: string) => ({ from: `${from}#`, to: `${to}#~` }),
  applied: (eventId: string) => ({ pk: `METRICSAPPLIED#${eventId}`, sk: 'APPLIED' }),
  /**
   * Local only: in the metrics table, says the cells an earlier Attend kept in the Attend table have been
   * moved there, or that there were none (local/metrics-move.ts).
   */
  moved: { pk: 'METRICSMOVED', sk: 'MOVED' },
} as const;

const openPartition = { inbox: 'OPEN#INBOX', followUp: 'OPEN#FOLLOWUP' } as const;

export const openByKind = {
  inbox: (receivedAt: string, id: string) => ({ openPk: openPartition.inbox, openSk: `${receivedAt}#${id}` }),
  followUp: (openedAt: string, id: string) => ({
    openPk: openPartition.followUp,
    openSk: `${openedAt}#${id}`,
  }),
  partition: openPartition,
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
  'clientPk',
  'clientSk',
  'lookupPk',
  'lookupSk',
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
  /** Why a session ended, kept a day beside where it was, so its cookie's next request can say so. */
  ended: (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'ENDED' }),
  entry: (subject: string, sessionId: string) => ({
    pk: 'STAFFSESSIONS',
    sk: `${subjectPart(subject)}#${sessionId}`,
  }),
  partition: 'STAFFSESSIONS',
  personPrefix: (subject: string) => `${subjectPart(subject)}#`,
  /** A sign-in under way, keyed by its `state`: one use, removed when the callback takes it. */
  signIn: (state: string) => ({ pk: `SIGNIN#${state}`, sk: 'SIGNIN' }),
  /** "Authenticate again": the person's sessions were ended by someone else; see store/sessions.ts. */
  reauth: (subject: string) => ({ pk: `REAUTH#${subjectPart(subject)}`, sk: 'REAUTH' }),
} as const;

/**
 * Parent links and their sessions. A link item is keyed by the SHA-256 of its token and points to the
 * booking or offer (core/parent-links.ts); a parent session by the SHA-256 of its cookie token.
 */
export const parentLinkKeys = {
  link: (tokenHash: string) => ({ pk: `PARENTLINK#${tokenHash}`, sk: 'LINK' }),
  session: (sessionHash: string) => ({ pk: `PARENTSESSION#${sessionHash}`, sk: 'SESSION' }),
} as const;

/**
 * A file uploaded on the staff Import page, kept between its dry run and the person's confirm: a head
 * item and the gzipped bytes in parts (an item holds at most 400 KB), all under one partition.
 */
export const importUploads = {
  head: (id: string) => ({ pk: `IMPORTUPLOAD#${id}`, sk: 'UPLOAD' }),
  part: (id: string, n: number) => ({ pk: `IMPORTUPLOAD#${id}`, sk: `PART#${String(n).padStart(3, '0')}` }),
  partition: (id: string) => `IMPORTUPLOAD#${id}`,
} as const;

/**
 * Letters (services/letters.ts): one record per (booking, kind), created on the condition that none
 * exists, so a booking gets at most one booking letter and one reminder letter however often batches
 * run; and one item per clinic's batch, all of a day's batches in one partition (GET /letters?date=).
 */
export const letterKeys = {
  letter: (bookingId: string, kind: string) => ({ pk: `LETTER#${bookingId}`, sk: `KIND#${kind}` }),
  batch: (day: string, clinicId: string) => ({ pk: `LETTERBATCHES#${day}`, sk: `CLINIC#${clinicId}` }),
  dayPartition: (day: string) => `LETTERBATCHES#${day}`,
} as const;

/**
 * Lower-case, accents and apostrophes off, hyphens and runs of spaces as one space: how names are
 * compared and indexed ("O’Neil-Smith" is "oneil smith"). Names are personal data: never log these.
 */
export function foldName(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’ʼ`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * byClient index, two kinds of entry:
 * - every booking of one child (past, cancelled and moved too), in start order;
 * - a client under its folded first name, partitioned by its first two letters (`FIRST#am`), so a
 *   search by first name is a Query too (the lookup index holds the family name).
 */
export const byClient = {
  partition: (clientId: string) => `CLIENT#${clientId}`,
  /** The first-name entry of a client; undefined when the first name has no two letters to index. */
  firstName: (firstName: string, familyName: string | undefined, clientId: string) => {
    const first = foldName(firstName);
    if (first.length < 2) return undefined;
    return {
      clientPk: `FIRST#${first.slice(0, 2)}`,
      clientSk: `${first}#${foldName(familyName ?? '')}#${clientId}`,
    };
  },
  /** Partition and sort-key prefix of the clients whose first name starts with `word` (folded, ≥ 2). */
  firstNamePrefix: (word: string) => ({ pk: `FIRST#${word.slice(0, 2)}`, prefix: word }),
  booking: (clientId: string, startsAt: string, bookingId: string) => ({
    clientPk: `CLIENT#${clientId}`,
    clientSk: `BOOKING#${startsAt}#${bookingId}`,
  }),
  prefix: { booking: 'BOOKING#' },
} as const;

const namePartition = (folded: string) => `NAME#${folded.slice(0, 2)}`;

/**
 * lookup index, two kinds of entry:
 * - a client under its folded family name (or first name when it has none), partitioned by the name's
 *   first two letters: "family names starting with smi" is one Query with begins_with;
 * - a booking under its four-digit reference (references repeat over time), newest last.
 */
export const lookup = {
  /** The index key of a client, from its names; undefined when neither has two letters to index. */
  client: (firstName: string, familyName: string | undefined, clientId: string) => {
    const family = foldName(familyName ?? '');
    const first = foldName(firstName);
    const key = family.length >= 2 ? family : first;
    if (key.length < 2) return undefined;
    return { lookupPk: namePartition(key), lookupSk: `${key}#${first}#${clientId}` };
  },
  /** Partition and sort-key prefix of the clients whose indexed name starts with `word` (folded, ≥ 2). */
  namePrefix: (word: string) => ({ pk: namePartition(word), prefix: word }),
  booking: (ref: string, startsAt: string, bookingId: string) => ({
    lookupPk: `REF#${ref}`,
    lookupSk: `${startsAt}#${bookingId}`,
  }),
  refPartition: (ref: string) => `REF#${ref}`,
} as const;
