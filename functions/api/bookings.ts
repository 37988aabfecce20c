import * as z from 'zod';
import { NotFoundError } from '#core/errors.ts';
import { BOOKING_OUTCOMES } from '#core/model.ts';
import { json, readJson, readQuery } from '#runtime/http.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import { bookingsByClinicDay, getBooking } from '#store/bookings.ts';
import { callerOf, type RegisterRoutes } from './context.ts';
import { listSlotsQuery } from './slots.ts';

export const createBookingBody = z.object({
  slotId: z.string().min(1),
  clientId: z.string().min(1),
  /** Book a slot beyond the trust's booking horizon anyway; recorded on the booking. */
  overrideHorizon: z.boolean().default(false),
});

export const moveBookingBody = z.object({
  /** A free slot of the same appointment type. */
  slotId: z.string().min(1),
  reason: z.string().trim().min(1, 'say why the booking is moved').max(500),
  overrideHorizon: z.boolean().default(false),
});

export const outcomeBody = z.object({
  outcome: z.enum(BOOKING_OUTCOMES, { error: 'expected ATTENDED, DNA or WNB (was not brought)' }),
  note: z.string().trim().max(1000).optional(),
});

export const cancelBookingBody = z.object({
  reason: z.string().trim().min(1, 'say why the booking is cancelled').max(500),
  /** Text the family (default true). */
  notify: z.boolean().default(true),
});

export const registerBookingRoutes: RegisterRoutes = (router, deps) => {
  router.post('/bookings', async ({ req, event }) => {
    const body = await readJson(req, createBookingBody);
    const booking = await bookSlot(deps, { ...body, by: callerOf(event), source: 'staff' });
    return json(201, booking);
  });

  router.get('/bookings', async ({ req }) => {
    const q = readQuery(req, listSlotsQuery);
    return json(
      200,
      await bookingsByClinicDay(deps.store, q.clinicId, q.date, { limit: q.limit, cursor: q.cursor }),
    );
  });

  router.get('/bookings/:id', async ({ params }) => {
    const booking = await getBooking(deps.store, params.id!);
    if (!booking) throw new NotFoundError(`Booking ${params.id} does not exist`);
    return json(200, booking);
  });

  router.post('/bookings/:id/cancel', async ({ req, params, event }) => {
    const body = await readJson(req, cancelBookingBody);
    const result = await cancelByStaff(deps, { bookingId: params.id!, by: callerOf(event), ...body });
    return json(200, result);
  });
};
