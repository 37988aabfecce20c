import * as z from 'zod';
import { bookingSchema } from '#core/model.ts';
import { type MoveResult, moveBooking } from '#services/bookings.ts';
import { forStaff } from './access.ts';
import { moveBookingBody } from './bookings.ts';
import { actedBy, defineRoute, idParams } from './route.ts';

const moveResultSchema = z.object({ from: bookingSchema, to: bookingSchema }) satisfies z.ZodType<MoveResult>;

export const moveRoutes = [
  defineRoute({
    id: 'moveBooking',
    method: 'POST',
    path: '/bookings/{id}/move',
    tag: 'bookings',
    summary: 'Move a booking to another free slot of the same type, in one transaction',
    description: 'The family is texted the new time.',
    roles: forStaff('scheduler'),
    params: idParams,
    body: { name: 'MoveBookingRequest', schema: moveBookingBody },
    response: {
      status: 200,
      name: 'MoveResult',
      schema: moveResultSchema,
      description: 'The old (cancelled) booking and the new one',
    },
    errors: [400, 404, 409, 413, 422],
    handler: async ({ deps, params, body, caller }) =>
      moveBooking(deps, { bookingId: params.id, by: actedBy(caller), ...body }),
  }),
] as const;
