/**
 * The short-notice waitlist and the offers made from it, as zod schemas. Like model.ts, every item read
 * back from DynamoDB is parsed through one of these, and every instant is a UTC ISO-8601 string.
 */

import { calendarDate } from '#core/dates.ts';
import { e164Phone, id, isoInstant } from '#core/model.ts';
import * as z from '#core/zod.ts';

export const DAYS_OF_WEEK = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

const localTime = z
  .string()
  .check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour local time as HH:MM'));

/**
 * A time the family can come, in the trust's local time. A window never crosses midnight: clinics do not
 * run overnight, and a wrapping window would make "is this appointment inside it" ambiguous.
 */
export const availabilityWindowSchema = z
  .object({
    days: z.array(z.enum(DAYS_OF_WEEK)).check(z.minLength(1, 'tick at least one day')),
    from: localTime,
    to: localTime,
  })
  .check(z.refine((w) => w.from < w.to, { message: '"from" must be earlier than "to"', path: ['to'] }));
export type AvailabilityWindow = z.infer<typeof availabilityWindowSchema>;

/**
 * The equity inputs to the priority score, copied from the client when the entry is written so the
 * score stored on the entry (and sorted on by the waitlistByType index) can be explained later.
 */
export const priorityInputsSchema = z.object({
  /** Index of Multiple Deprivation decile of the home postcode, 1 = most deprived. */
  imdDecile: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10))),
  needsCarer: z._default(z.boolean(), false),
  parentalMentalHealth: z._default(z.boolean(), false),
  vulnerable: z._default(z.boolean(), false),
});
export type PriorityInputs = z.infer<typeof priorityInputsSchema>;

/** One line of a score's explanation: which factor scored, how many points, and why, in plain words. */
export const scorePartSchema = z.object({
  factor: z.string().check(z.minLength(1)),
  points: z.number(),
  detail: z.string().check(z.minLength(1)),
});
export type ScorePart = z.infer<typeof scorePartSchema>;

export const WAITLIST_STATUSES = ['WAITING', 'OFFERED', 'BOOKED', 'REMOVED'] as const;
export type WaitlistStatus = (typeof WAITLIST_STATUSES)[number];

export const waitlistEntrySchema = z.object({
  id,
  clientId: id,
  /** The appointment type id, a key of the trust config's appointmentTypes. */
  type: z.string().check(z.minLength(1)),
  acceptableClinicIds: z.array(id).check(z.minLength(1, 'name at least one clinic the family can get to')),
  /** Empty means the family can come at any time. */
  availability: z._default(z.array(availabilityWindowSchema), []),
  /** Local dates; when absent, the child's Healthy Child Programme window for the type applies. */
  earliestDate: z.optional(calendarDate),
  latestDate: z.optional(calendarDate),
  /** Without explicit consent to short-notice texts the family is never offered a slot. */
  consentToShortNotice: z.boolean(),
  priorityInputs: priorityInputsSchema,
  rebookRequests: z._default(z.number().check(z.int(), z.gte(0)), 0),
  /** A later BOOKED booking for the same contact that the family would give up for an earlier slot. */
  currentBookingId: z.optional(id),
  status: z.enum(WAITLIST_STATUSES),
  addedAt: isoInstant,
  updatedAt: isoInstant,
  score: z.number(),
});
export type WaitlistEntry = z.infer<typeof waitlistEntrySchema>;

export const OFFER_STATUSES = ['PENDING', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'TAKEN', 'WITHDRAWN'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export const NOTICE_KINDS = ['TAKEN', 'EXPIRED', 'WITHDRAWN'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export const NOTICE_STATES = ['DUE', 'SENDING', 'SENT', 'DROPPED', 'FAILED'] as const;
export type NoticeState = (typeof NOTICE_STATES)[number];

/**
 * The one "that time has gone" text an offer may carry (taken, expired or withdrawn). It is marked DUE
 * in the same write that ends the offer, claimed (SENDING) before it is sent and marked SENT after, like
 * the offer text, so it goes at most once per offer; in quiet hours it waits until `dueAt`.
 */
export const offerNoticeSchema = z.object({
  kind: z.enum(NOTICE_KINDS),
  state: z.enum(NOTICE_STATES),
  dueAt: isoInstant,
  attempts: z._default(z.number().check(z.int(), z.gte(0)), 0),
  claimedAt: z.optional(isoInstant),
  sentAt: z.optional(isoInstant),
  messageId: z.optional(id),
  /** Why it was dropped or gave up: 'slot-started', 'superseded', 'suppressed', 'opted-out', … */
  reason: z.optional(z.string()),
});
export type OfferNotice = z.infer<typeof offerNoticeSchema>;

export const offerSchema = z.object({
  id,
  /** A short reference the family can quote in a reply ("YES 4821"). */
  ref: z.string().check(z.regex(/^\d{4}$/)),
  slotId: id,
  entryId: id,
  clientId: id,
  phone: e164Phone,
  wave: z.number().check(z.int(), z.gte(1)),
  status: z.enum(OFFER_STATUSES),
  offeredAt: isoInstant,
  expiresAt: isoInstant,
  respondedAt: z.optional(isoInstant),
  /** The score and its explanation at the moment of offering, kept so a trust can audit who was offered what, and why. */
  score: z.number(),
  breakdown: z.array(scorePartSchema),
  /** Which run of offers for the slot this belongs to (the slot's freedAt), so duplicates collapse. */
  runId: z.string().check(z.minLength(1)),
  holdMinutes: z.number().check(z.int(), z.gte(0)),
  /**
   * The offer text is claimed before it is sent and marked after, so a crash between recording the offer
   * and sending its text neither loses the text (the expiry sweep sends a lapsed claim) nor repeats it.
   */
  textStatus: z.enum(['PENDING', 'SENDING', 'SENT', 'FAILED']),
  textClaimedAt: z.optional(isoInstant),
  textAttempts: z._default(z.number().check(z.int()), 0),
  messageId: z.optional(id),
  notice: z.optional(offerNoticeSchema),
});
export type Offer = z.infer<typeof offerSchema>;
