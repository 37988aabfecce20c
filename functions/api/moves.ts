import { json, readJson } from '#runtime/http.ts';
import { moveBooking } from '#services/bookings.ts';
import { moveBookingBody } from './bookings.ts';
import { callerOf, type RegisterRoutes } from './context.ts';

export const registerMoveRoutes: RegisterRoutes = (router, deps) => {
  /** Moves a booking to another free slot of the same type in one transaction; the family is texted the new time. */
  router.post('/bookings/:id/move', async ({ req, params, event }) => {
    const body = await readJson(req, moveBookingBody);
    return json(200, await moveBooking(deps, { bookingId: params.id!, by: callerOf(event), ...body }));
  });
};
