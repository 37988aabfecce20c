/**
 * The domain records, as zod schemas: every item read back from DynamoDB is parsed through one of these
 * before use, so a malformed item fails loudly where it is read rather than somewhere downstream.
 * All instants are UTC ISO-8601 strings.
 */
import * as z from '#core/zod.ts';
import { CANCEL_REASONS } from './cancel-reason.ts';
import { contactChannelsSchema } from './contact-channels.ts';
import { calendarDate } from './dates.ts';
import { deliverySchema } from './delivery-status.ts';
import { storedNhsNumber } from './nhs-number.ts';
import { MAX_ADDRESS_LINES } from './postal-address.ts';

export const isoInstant = z.iso.datetime({ offset: false });
export const e164Phone = z.string().check(z.regex(/^\+[1-9]\d{7,14}$/));
export const id = z.string().check(z.minLength(1), z.maxLength(64));

/** The EPR record an imported client, slot or booking came from (POST /import). */
export const sourceRecordSchema = z.object({
  system: z.string().check(z.minLength(1), z.maxLength(200)),
  id: z.string().check(z.minLength(1), z.maxLength(128)),
});
export type SourceRecord = z.infer<typeof sourceRecordSchema>;

export const clinicSchema = z.object({
  id,
  name: z.string().check(z.minLength(1), z.maxLength(120)),
  /** The venue as written in texts; kept short so texts fit one segment. */
  venue: z.string().check(z.minLength(1), z.maxLength(40)),
  address: z._default(z.string().check(z.maxLength(300)), ''),
  area: z._default(z.string().check(z.maxLength(80)), ''),
  createdAt: isoInstant,
});
export type Clinic = z.infer<typeof clinicSchema>;

export const equityFlagsSchema = z.object({
  /** Index of Multiple Deprivation decile of the home postcode, 1 = most deprived. */
  imdDecile: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10))),
  needsCarer: z._default(z.boolean(), false),
  parentalMentalHealth: z._default(z.boolean(), false),
  vulnerable: z._default(z.boolean(), false),
  doNotText: z._default(z.boolean(), false),
});
export type EquityFlags = z.infer<typeof equityFlagsSchema>;

export const clientSchema = z.object({
  id,
  /** The child's first name (or the expectant parent's), used in texts; never logged. */
  firstName: z.string().check(z.minLength(1), z.maxLength(40)),
  familyName: z._default(z.string().check(z.maxLength(60)), ''),
  /** The family's mobile (E.164); absent when they have none: nothing is texted, letters or a call instead. */
  phone: z.optional(e164Phone),
  /** 10 digits (core/nhs-number.ts); never in a text, a letter or a log. Unique: see store/nhs-numbers.ts. */
  nhsNumber: z.optional(storedNhsNumber),
  language: z._default(z.string(), 'en'),
  dateOfBirth: z.optional(calendarDate),
  /** For antenatal contacts: the expected date of delivery. */
  dueDate: z.optional(calendarDate),
  flags: equityFlagsSchema,
  // No opt-out here: consent belongs to the phone number (core/consent.ts), so a STOP covers every
  // child on the number, including any added later. A client's view reads it from the Consent record.
  namedHealthVisitor: z.optional(z.string().check(z.maxLength(120))),
  /**
   * The family's postal address, for letters, as postalAddressSchema (core/postal-address.ts) wrote it
   * when it came in (tidied, the postcode in Royal Mail form); never logged.
   */
  address: z.optional(
    z.object({
      lines: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(MAX_ADDRESS_LINES)),
      town: z.string().check(z.minLength(1)),
      postcode: z.string().check(z.minLength(5), z.maxLength(8)),
    }),
  ),
  /** Texts and letters on or off, with staff's reasons (core/contact-channels.ts); absent means both on. */
  contact: z.optional(contactChannelsSchema),
  sourceRecord: z.optional(sourceRecordSchema),
  /** Was-Not-Brought follow-ups still open; while any is open the client cannot be erased. */
  openFollowUps: z.optional(z.number().check(z.int(), z.gte(0))),
  history: z._default(
    z.object({
      attended: z._default(z.number().check(z.int()), 0),
      dna: z._default(z.number().check(z.int()), 0),
      wnb: z._default(z.number().check(z.int()), 0),
      consecutiveWnb: z._default(z.number().check(z.int()), 0),
    }),
    { attended: 0, dna: 0, wnb: 0, consecutiveWnb: 0 },
  ),
  createdAt: isoInstant,
  updatedAt: isoInstant,
});
export type Client = z.infer<typeof clientSchema>;

export const SLOT_STATUSES = ['FREE', 'OFFERING', 'BOOKED', 'WITHDRAWN'] as const;
/** A short-notice run's states; core/offer-run.ts holds the table of how they change. */
export const RUN_STATES = [
  'OFFERING',
  'WAITING_FOR_DAYTIME',
  'FILLED',
  'FILLED_BY_STAFF',
  'UNFILLED',
  'NOT_OFFERED',
  'WITHDRAWN',
] as const;
export const slotSchema = z.object({
  id,
  clinicId: id,
  type: z.string(),
  startsAt: isoInstant,
  durationMinutes: z.number().check(z.int(), z.positive()),
  /** The clinic's local calendar day of the start, yyyy-mm-dd. */
  localDay: calendarDate,
  status: z.enum(SLOT_STATUSES),
  bookingId: z.optional(id),
  /** Set when a slot becomes FREE after having been booked, to tell the backfill why. */
  freedAt: z.optional(isoInstant),
  freedBy: z.optional(z.string()),
  /** The family whose booking freed the slot: never offered it back in that run. */
  freedByClientId: z.optional(id),
  /** The short-notice run for the slot's latest freeing: offers go out in waves until filled or the cutoff. */
  backfill: z.optional(
    z.object({
      runId: z.string(),
      state: z.enum(RUN_STATES),
      wave: z.number().check(z.int(), z.gte(0)),
      offersMade: z.number().check(z.int(), z.gte(0)),
      startedAt: isoInstant,
      endedAt: z.optional(isoInstant),
      reason: z.optional(z.string()),
      bookingId: z.optional(id),
    }),
  ),
  sourceRecord: z.optional(sourceRecordSchema),
  /** A WITHDRAWN slot: when and by whom (staff, or the import). Slots with history are never deleted. */
  withdrawnAt: z.optional(isoInstant),
  withdrawnBy: z.optional(z.string()),
  createdAt: isoInstant,
  updatedAt: isoInstant,
});
export type Slot = z.infer<typeof slotSchema>;

export const TIER_STATUSES = ['PENDING', 'SENDING', 'SENT', 'SKIPPED'] as const;
export type TierStatus = (typeof TIER_STATUSES)[number];

export const tierStateSchema = z.object({
  kind: z.enum(['confirmation', 'reminder']),
  dueAt: isoInstant,
  status: z.enum(TIER_STATUSES),
  attempts: z._default(z.number().check(z.int()), 0),
  claimedAt: z.optional(isoInstant),
  sentAt: z.optional(isoInstant),
  messageId: z.optional(z.string()),
  skipReason: z.optional(z.string()),
  lastError: z.optional(z.string()),
});
export type TierState = z.infer<typeof tierStateSchema>;

export const BOOKING_STATUSES = ['BOOKED', 'CANCELLED', 'ATTENDED', 'DNA', 'WNB'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/**
 * What a booking's phone becomes once its client's personal data was erased: the booking stays (its
 * clinic, type, time and status keep the metrics right) but no longer says who it was for.
 */
export const ERASED_PHONE = 'erased';

export const BOOKING_OUTCOMES = ['ATTENDED', 'DNA', 'WNB'] as const;
export type BookingOutcome = (typeof BOOKING_OUTCOMES)[number];

export const bookingSchema = z.object({
  id,
  /** A short reference the family can quote in a reply ("CANCEL 4821"). */
  ref: z.string().check(z.regex(/^\d{4}$/)),
  slotId: id,
  clientId: id,
  clinicId: id,
  type: z.string(),
  startsAt: isoInstant,
  durationMinutes: z.number().check(z.int(), z.positive()),
  localDay: calendarDate,
  /** The client's mobile when booked (moved with the client's); absent when the family has no mobile. */
  phone: z.optional(z.union([e164Phone, z.literal(ERASED_PHONE)])),
  status: z.enum(BOOKING_STATUSES),
  source: z.enum(['staff', 'import', 'offer']),
  bookedAt: isoInstant,
  bookedBy: z.string(),
  /** The reminder plan: tier id → state. */
  tiers: z.record(z.string(), tierStateSchema),
  cancelledAt: z.optional(isoInstant),
  cancelledBy: z.optional(z.string()),
  cancelReason: z.optional(z.string()),
  cancelNoticeMinutes: z.optional(z.number().check(z.int())),
  lateCancellation: z.optional(z.boolean()),
  /** Why the family cancelled, as one of the reasons metrics count (page, CANCEL text, staff). */
  cancelCategory: z.optional(z.enum(CANCEL_REASONS)),
  /** Who gave the reason after the fact: `family:dna-question` or `staff:<name>` (an inbox tag). */
  reasonBy: z.optional(z.string()),
  /** The family said "we'll be there" on the parent page. */
  parentConfirmedAt: z.optional(isoInstant),
  sourceRecord: z.optional(sourceRecordSchema),
  /** Booked further ahead than the trust's booking horizon, because staff asked to override it. */
  horizonOverridden: z.optional(z.boolean()),
  /** A move to another slot: the booking this one replaced, or the one that replaced it. */
  movedFrom: z.optional(id),
  movedTo: z.optional(id),
  /** The outcome (ATTENDED, DNA or WNB, also the status): when, by whom, and the staff note. */
  outcomeAt: z.optional(isoInstant),
  outcomeBy: z.optional(z.string()),
  outcomeNote: z.optional(z.string().check(z.maxLength(1000))),
  /** The after-DNA question (trust config `dnaFollowUp`): claimed once per missed booking, then sent or not. */
  dnaFollowUp: z.optional(
    z.object({
      state: z.enum(['SENDING', 'SENT', 'NOT_SENT', 'HELD']),
      at: isoInstant,
      /** HELD: recorded in quiet hours, the question waits in the due-reminders index until they end. */
      dueAt: z.optional(isoInstant),
      /** Why it was not sent: opted-out, do-not-text, sms-off, no-phone, erased, quiet-hours, send-failed. */
      reason: z.optional(z.string()),
      messageId: z.optional(id),
    }),
  ),
  updatedAt: isoInstant,
});
export type Booking = z.infer<typeof bookingSchema>;

export const messageSchema = z.object({
  id,
  direction: z.enum(['OUT', 'IN']),
  phone: e164Phone,
  body: z.string(),
  at: isoInstant,
  /** For outbound texts: which template, segments and encoding. */
  kind: z.optional(z.string()),
  segments: z.optional(z.number().check(z.int())),
  encoding: z.optional(z.enum(['GSM-7', 'UCS-2'])),
  providerMessageId: z.optional(z.string()),
  bookingId: z.optional(id),
  offerId: z.optional(id),
  /** With offerId: offers are stored under their slot. */
  slotId: z.optional(id),
  clientId: z.optional(id),
  /** For outbound texts: the latest delivery status End User Messaging reported (core/delivery-status.ts). */
  delivery: z.optional(deliverySchema),
});
export type Message = z.infer<typeof messageSchema>;
