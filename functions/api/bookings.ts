import * as z from 'zod';
import { CANCEL_REASONS } from '#core/cancel-reason.ts';
import { calendarDate } from '#core/dates.ts';
import { NotFoundError } from '#core/errors.ts';
import { BOOKING_OUTCOMES, bookingSchema } from '#core/model.ts';
import { bookSlot, type CancelResult, cancelByStaff } from '#services/bookings.ts';
import type { Deps } from '#services/deps.ts';
import { bookingsByClinicDay, getBooking } from '#store/bookings.ts';
import { getClinic } from '#store/clinics.ts';
import { forStaff } from './access.ts';
import { actedBy, defineRoute, idParams, page, pageCursor, pageLimit, recordId } from './route.ts';

export const createBookingBody = z.object({
  slotId: recordId,
  clientId: recordId,
  /** Book a slot beyond the trust's booking horizon anyway; recorded on the booking. */
  overrideHorizon: z.boolean().default(false),
});

const REASON_TOO_LONG = 'must be 500 characters or fewer';

export const moveBookingBody = z.object({
  /** A free slot of the same appointment type. */
  slotId: recordId,
  reason: z.string().trim().min(1, 'say why the booking is moved').max(500, REASON_TOO_LONG),
  overrideHorizon: z.boolean().default(false),
});

export const outcomeBody = z.object({
  outcome: z.enum(BOOKING_OUTCOMES, { error: 'expected ATTENDED, DNA or WNB (was not brought)' }),
  note: z.string().trim().max(1000).optional(),
  /** For DNA or WNB: why the family missed it, when staff know (counted in /metrics). */
  category: z.enum(CANCEL_REASONS).optional(),
});

export const cancelBookingBody = z.object({
  reason: z.string().trim().min(1, 'say why the booking is cancelled').max(500, REASON_TOO_LONG),
  /** Text the family (default true). */
  notify: z.boolean().default(true),
  /** Why the family cancelled, as one of the reasons /metrics counts. */
  category: z.enum(CANCEL_REASONS).optional(),
});

/**
 * One page of a clinic's records on a local day (`read`: its slots or its bookings), or a 404 naming a
 * clinic that does not exist (its day is not an empty list then). The clinic is read beside the page,
 * as clinicDay does.
 */
export async function clinicDayPage<T>(
  deps: Deps,
  query: { clinicId: string; date: string; limit?: number; cursor?: string },
  read: (
    ctx: Deps['store'],
    clinicId: string,
    localDay: string,
    page: { limit?: number; cursor?: string },
  ) => Promise<T>,
): Promise<T> {
  const [clinic, day] = await Promise.all([
    getClinic(deps.store, query.clinicId),
    read(deps.store, query.clinicId, query.date, { limit: query.limit, cursor: query.cursor }),
  ]);
  if (!clinic) throw new NotFoundError(`Clinic ${query.clinicId} does not exist`);
  return day;
}

/** A clinic's records on one local day, a page at a time (slots and bookings). */
export const clinicDayQuery = z.object({
  clinicId: recordId,
  date: calendarDate,
  limit: pageLimit(500).optional(),
  cursor: pageCursor.optional(),
});

const cancelResultSchema = z.object({
  booking: bookingSchema,
  notified: z.boolean(),
  notNotifiedReason: z
    .enum(['not-requested', 'no-phone', 'opted-out', 'do-not-text', 'sms-off', 'quiet-hours', 'send-failed'])
    .optional(),
}) satisfies z.ZodType<CancelResult>;

export const bookingRoutes = [
  defineRoute({
    id: 'createBooking',
    method: 'POST',
    path: '/bookings',
    tag: 'bookings',
    summary: 'Book a slot for a client: plans the reminders and sends the confirmation',
    description:
      "A slot beyond the trust's booking horizon is a 400 on `slotId` unless `overrideHorizon` is true.",
    roles: forStaff('scheduler', 'health-visitor'),
    body: { name: 'CreateBookingRequest', schema: createBookingBody },
    response: { status: 201, name: 'Booking', schema: bookingSchema, description: 'The booking' },
    errors: [400, 404, 409, 413, 422],
    handler: async ({ deps, body, caller }) =>
      bookSlot(deps, { ...body, by: actedBy(caller), source: 'staff' }),
  }),
  defineRoute({
    id: 'listBookings',
    method: 'GET',
    path: '/bookings',
    tag: 'bookings',
    summary: "A clinic's bookings on a local day, with each reminder tier's state",
    roles: forStaff('scheduler', 'health-visitor'),
    query: clinicDayQuery,
    response: {
      status: 200,
      name: 'BookingPage',
      schema: page(bookingSchema),
      description: 'One page of bookings',
    },
    errors: [400, 404],
    // An unknown clinic is a 404, as GET /clinics/{id}/day answers, not an empty day.
    handler: ({ deps, query }) => clinicDayPage(deps, query, bookingsByClinicDay),
  }),
  defineRoute({
    id: 'getBooking',
    method: 'GET',
    path: '/bookings/{id}',
    tag: 'bookings',
    summary: 'Read a booking',
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    response: { status: 200, name: 'Booking', schema: bookingSchema, description: 'The booking' },
    errors: [400, 404],
    handler: async ({ deps, params }) => {
      const booking = await getBooking(deps.store, params.id);
      if (!booking) throw new NotFoundError(`Booking ${params.id} does not exist`);
      return booking;
    },
  }),
  defineRoute({
    id: 'cancelBooking',
    method: 'POST',
    path: '/bookings/{id}/cancel',
    tag: 'bookings',
    summary: 'Cancel a booking (staff, with a reason); frees the slot and stops later reminders',
    roles: forStaff('scheduler'),
    params: idParams,
    body: { name: 'CancelBookingRequest', schema: cancelBookingBody },
    response: {
      status: 200,
      name: 'CancelResult',
      schema: cancelResultSchema,
      description: 'The cancelled booking, and whether the family was texted',
    },
    errors: [400, 404, 409, 413, 422],
    handler: async ({ deps, params, body, caller }) =>
      cancelByStaff(deps, { bookingId: params.id, by: actedBy(caller), ...body }),
  }),
] as const;
