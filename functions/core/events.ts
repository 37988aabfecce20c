/**
 * Domain events Attend puts on the trust's EventBridge bus. Each detail has a zod schema; details carry
 * ids and times for the trust's integration engine, never names, phone numbers or clinical detail.
 */
import * as z from '#core/zod.ts';
import { type Booking, id, isoInstant } from './model.ts';

export const EVENT_SOURCE = 'attend';

export const eventDetailSchemas = {
  AppointmentBooked: z.object({
    bookingId: id,
    slotId: id,
    clientId: id,
    clinicId: id,
    appointmentType: z.string(),
    startsAt: isoInstant,
    source: z.enum(['staff', 'import', 'offer']),
    bookedAt: isoInstant,
  }),
  AppointmentCancelled: z.object({
    bookingId: id,
    slotId: id,
    clientId: id,
    clinicId: id,
    appointmentType: z.string(),
    startsAt: isoInstant,
    cancelledBy: z.enum(['staff', 'sms', 'swap', 'parent-page']),
    noticeMinutes: z.number().check(z.int()),
    late: z.boolean(),
    cancelledAt: isoInstant,
  }),
  SlotOffered: z.object({
    slotId: id,
    offerIds: z.array(id),
    wave: z.number().check(z.int(), z.gte(1)),
    offeredAt: isoInstant,
  }),
  SlotFilled: z.object({
    slotId: id,
    bookingId: id,
    offerId: id,
    minutesToFill: z.number(),
    filledAt: isoInstant,
  }),
  SlotUnfilled: z.object({
    slotId: id,
    reason: z.string(),
    offersMade: z.number().check(z.int()),
    at: isoInstant,
  }),
  ClientOptedOut: z.object({ clientIds: z.array(id), optedOut: z.boolean(), at: isoInstant }),
  WasNotBroughtEscalation: z.object({
    clientId: id,
    bookingId: id,
    followUpId: id,
    consecutiveWnb: z.number().check(z.int()),
    reason: z.string(),
    at: isoInstant,
  }),
  /** A text failed to arrive (End User Messaging's delivery status). No number, no words. */
  TextDeliveryFailed: z.object({
    messageId: id,
    clientId: z.optional(id),
    bookingId: z.optional(id),
    permanent: z.boolean(),
    carrierStatus: z.string().check(z.maxLength(60)),
    at: isoInstant,
  }),
  /** A number was marked unreachable: its families' appointments fall back to letters. */
  NumberUnreachable: z.object({
    clientIds: z.array(id),
    messageId: id,
    reason: z.enum(['permanent-failure', 'temporary-failures']),
    at: isoInstant,
  }),
  /** A clinic's letters for a day are ready to print (or were handed to GOV.UK Notify). */
  LetterBatchReady: z.object({
    batchId: id,
    clinicId: id,
    day: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
    letters: z.number().check(z.int(), z.gte(0)),
    at: isoInstant,
  }),
} as const;

export type EventType = keyof typeof eventDetailSchemas;
export type EventDetail<T extends EventType> = z.infer<(typeof eventDetailSchemas)[T]>;
export type DomainEvent = { [T in EventType]: { type: T; detail: EventDetail<T> } }[EventType];

/** Validates a detail against its schema (throws on a programming error, never sends a bad event). */
export function domainEvent<T extends EventType>(type: T, detail: EventDetail<T>): DomainEvent {
  return { type, detail: eventDetailSchemas[type].parse(detail) } as DomainEvent;
}

/** AppointmentCancelled for a booking, from whichever path cancelled it (staff, a text, a swap, an import). */
export function appointmentCancelled(
  booking: Pick<Booking, 'id' | 'slotId' | 'clientId' | 'clinicId' | 'type' | 'startsAt'>,
  input: {
    by: EventDetail<'AppointmentCancelled'>['cancelledBy'];
    noticeMinutes: number;
    late: boolean;
    at: string;
  },
): DomainEvent {
  return domainEvent('AppointmentCancelled', {
    bookingId: booking.id,
    slotId: booking.slotId,
    clientId: booking.clientId,
    clinicId: booking.clinicId,
    appointmentType: booking.type,
    startsAt: booking.startsAt,
    cancelledBy: input.by,
    noticeMinutes: input.noticeMinutes,
    late: input.late,
    cancelledAt: input.at,
  });
}

/** AppointmentBooked for a new booking, from whichever path made it (staff, a move, an offer, an import). */
export function appointmentBooked(booking: Booking): DomainEvent {
  return domainEvent('AppointmentBooked', {
    bookingId: booking.id,
    slotId: booking.slotId,
    clientId: booking.clientId,
    clinicId: booking.clinicId,
    appointmentType: booking.type,
    startsAt: booking.startsAt,
    source: booking.source,
    bookedAt: booking.bookedAt,
  });
}
