import * as z from 'zod';
import { type ErasureSummary, eraseClient } from '#services/erasure.ts';
import { clientTombstoneSchema } from '#store/erasure.ts';
import { ADMINS } from './access.ts';
import { actedBy, defineRoute, idParams } from './route.ts';

const erasureSummarySchema = clientTombstoneSchema
  .pick({
    state: true,
    erasedAt: true,
    erasedBy: true,
    completedAt: true,
    counts: true,
    removed: true,
    keptSharedPhoneItems: true,
    otherItems: true,
  })
  .extend({ clientId: z.string() }) satisfies z.ZodType<ErasureSummary>;

export const erasureRoutes = [
  defineRoute({
    id: 'eraseClient',
    method: 'DELETE',
    path: '/clients/{id}',
    tag: 'clients',
    summary: "Erase a client's personal data (a data-protection request)",
    description:
      'Cancels live bookings, deletes waitlist entries, offers, messages and inbox items, and keeps anonymised ' +
      'counts. Asking again answers the same summary and finishes an erasure that stopped half-way. ' +
      '409 OPEN_FOLLOW_UPS while a Was-Not-Brought follow-up is open.',
    roles: ADMINS,
    params: idParams,
    response: {
      status: 200,
      name: 'ErasureSummary',
      schema: erasureSummarySchema,
      description: 'What was removed',
    },
    errors: [400, 404, 409],
    handler: async ({ deps, params, caller }) =>
      eraseClient(deps, { clientId: params.id, by: actedBy(caller) }),
  }),
] as const;
