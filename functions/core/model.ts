/**
 * The domain records, as zod schemas: every item read back from DynamoDB is parsed through one of these
 * before use, so a malformed item fails loudly where it is read rather than somewhere downstream.
 * All instants are UTC ISO-8601 strings.
 */
import * as z from 'zod';
import { CANCEL_REASONS } from './cancel-reason.ts';
import { contactChannelsSchema } from './contact-channels.ts';
import { calendarDate } from './dates.ts';
import { deliverySchema } from './delivery-status.ts';
import { storedNhsNumber } from './nhs-number.ts';
import { MAX_ADDRESS_LINES } from './postal-address.ts';

export const isoInstant = z.iso.datetime({ offset: false });
export const e164Phone = z.string().regex(/^\+[1-9]\d{7,14}$/);
export const id = z.string().min(1).max(64);

/** The EPR record an imported client, slot or booking came from (POST /import). */
export const sourceRecordSchema = z.object({
  system: z.string().min(1).max(200),
  id: z.string().min(1).max(128),
});
export type SourceRecord = z.infer<typeof sourceRecordSchema>;

export const clinicSchema = z.object({
  id,
  name: z.string().min(1).max(120),
  /** The venue as written in texts; kept short so texts fit one segment. */
  venue: z.string().min(1).max(40),
  address: z.string().max(300).default(''),
  area: z.string().max(80).default(''),
  createdAt: isoInstant,
});
export type Clinic = z.infer<typeof clinicSchema>;

export const equityFlagsSchema = z.object({
  /** Index of Multiple Deprivation decile of the home postcode, 1 = most deprived. */
  imdDecile: z.number().int().min(1).max(10).optional(),
  needsCarer: z.boolean().default(false),
  parentalMentalHealth: z.boolean().default(false),
  vulnerable: z.boolean().default(false),
  doNotText: z.boolean().default(false),
});
export type EquityFlags = z.infer<typeof equityFlagsSchema>;

export const clientSchema = z.object({
  id,
  /** The child's first name (or the expectant parent's), used in texts; never logged. */
  firstName: z.string().min(1).max(40),
  familyName: z.string().max(60).default(''),
  /** The family's mobile (E.164); absent when they have none: nothing is texted, letters or a call instead. */
  phone: e164Phone.optional(),
  /** 10 digits (core/nhs-number.ts); never in a text, a letter or a log. Unique: see store/nhs-numbers.ts. */
  nhsNumber: storedNhsNumber.optional(),
  language: z.string().default('en'),
  dateOfBirth: calendarDate.optional(),
  /** For antenatal contacts: the expected date of delivery. */
  dueDate: calendarDate.optional(),
  flags: equityFlagsSchema,
  // No opt-out here: consent belongs to the phone number (core/consent.ts), so a STOP covers every
  // child on the number, including any added later. A client's view reads it from the Consent record.
  namedHealthVisitor: z.string().max(120).optional(),
  /**
   * The family's postal address, for letters, as postalAddressSchema (core/postal-address.ts) wrote it
   * when it came in (tidied, the postcode in Royal Mail form); never logged.
   */
  address: z
    .object({
      lines: z.array(z.string().min(1)).min(1).max(MAX_ADDRESS_LINES),
      town: z.string().min(1),
      postcode: z.string().min(5).max(8),
    })
    .optional(),
  /** Texts and letters on or off, with staff's reasons (core/contact-channels.ts); absent means both on. */
  contact: contactChannelsSchema.optional(),
  sourceRecord: sourceRecordSchema.optional(),
  /** Was-Not-Brought follow-ups still open; while any is open the client cannot be erased. */
  openFollowUps: z.number().int().min(0).optional(),
  history: z
    .object({
      attended: z.number().int().default(0),
      dna: z.number().int().default(0),
      wnb: z.number().int().default(0),
      consecutiveWnb: z.number().int().default(0),
    })
    .default({ attended: 0, dna: 0, wnb: 0, consecutiveWnb: 0 }),
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
  durationMinutes: z.number().int().positive(),
  /** The clinic's local calendar day of the start, yyyy-mm-dd. */
  localDay: calendarDate,
  status: z.enum(SLOT_STATUSES),
  bookingId: id.optional(),
  /** Set when a slot becomes FREE after having been booked, to tell the backfill why. */
  freedAt: isoInstant.optional(),
  freedBy: z.string().optional(),
  /** The family whose booking freed the slot: never offered it back in that run. */
  freedByClientId: id.optional(),
  /** The short-notice run for the slot's latest freeing: offers go out in waves until filled or the cutoff. */
  backfill: z
    .object({
      runId: z.string(),
      state: z.enum(RUN_STATES),
      wave: z.number().int().min(0),
      offersMade: z.number().int().min(0),
      startedAt: isoInstant,
      endedAt: isoInstant.optional(),
      reason: z.string().optional(),
      bookingId: id.optional(),
    })
    .optional(),
  sourceRecord: sourceRecordSchema.optional(),
  /** A WITHDRAWN slot: when and by whom (staff, or the import). Slots with history are never deleted. */
  withdrawnAt: isoInstant.optional(),
  withdrawnBy: z.string().optional(),
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
  attempts: z.number().int().default(0),
  claimedAt: isoInstant.optional(),
  sentAt: isoInstant.optional(),
  messageId: z.string().optional(),
  skipReason: z.string().optional(),
  lastError: z.string().optional(),
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
  ref: z.string().regex(/^\d{4}$/),
  slotId: id,
  clientId: id,
  clinicId: id,
  type: z.string(),
  startsAt: isoInstant,
  durationMinutes: z.number().int().positive(),
  localDay: calendarDate,
  /** The client's mobile when booked (moved with the client's); absent when the family has no mobile. */
  phone: e164Phone.or(z.literal(ERASED_PHONE)).optional(),
  status: z.enum(BOOKING_STATUSES),
  source: z.enum(['staff', 'import', 'offer']),
  bookedAt: isoInstant,
  bookedBy: z.string(),
  /** The reminder plan: tier id → state. */
  tiers: z.record(z.string(), tierStateSchema),
  cancelledAt: isoInstant.optional(),
  cancelledBy: z.string().optional(),
  cancelReason: z.string().optional(),
  cancelNoticeMinutes: z.number().int().optional(),
  lateCancellation: z.boolean().optional(),
  /** Why the family cancelled, as one of the reasons metrics count (page, CANCEL text, staff). */
  cancelCategory: z.enum(CANCEL_REASONS).optional(),
  /** Who gave the reason after the fact: `family:dna-question` or `staff:<name>` (an inbox tag). */
  reasonBy: z.string().optional(),
  /** The family said "we'll be there" on the parent page. */
  parentConfirmedAt: isoInstant.optional(),
  sourceRecord: sourceRecordSchema.optional(),
  /** Booked further ahead than the trust's booking horizon, because staff asked to override it. */
  horizonOverridden: z.boolean().optional(),
  /** A move to another slot: the booking this one replaced, or the one that replaced it. */
  movedFrom: id.optional(),
  movedTo: id.optional(),
  /** The outcome (ATTENDED, DNA or WNB, also the status): when, by whom, and the staff note. */
  outcomeAt: isoInstant.optional(),
  outcomeBy: z.string().optional(),
  outcomeNote: z.string().max(1000).optional(),
  /** The after-DNA question (trust config `dnaFollowUp`): claimed once per missed booking, then sent or not. */
  dnaFollowUp: z
    .object({
      state: z.enum(['SENDING', 'SENT', 'NOT_SENT', 'HELD']),
      at: isoInstant,
      /** HELD: recorded in quiet hours, the question waits in the due-reminders index until they end. */
      dueAt: isoInstant.optional(),
      /** Why it was not sent: opted-out, do-not-text, no-phone, erased, quiet-hours, send-failed. */
      reason: z.string().optional(),
      messageId: id.optional(),
    })
    .optional(),
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
  kind: z.string().optional(),
  segments: z.number().int().optional(),
  encoding: z.enum(['GSM-7', 'UCS-2']).optional(),
  providerMessageId: z.string().optional(),
  bookingId: id.optional(),
  offerId: id.optional(),
  /** With offerId: offers are stored under their slot. */
  slotId: id.optional(),
  clientId: id.optional(),
  /** For outbound texts: the latest delivery status End User Messaging reported (core/delivery-status.ts). */
  delivery: deliverySchema.optional(),
});
export type Message = z.infer<typeof messageSchema>;
