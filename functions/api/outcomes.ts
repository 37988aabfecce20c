import * as z from 'zod';
import { NotFoundError, ValidationError } from '#core/errors.ts';
import { bookingSchema, clientSchema } from '#core/model.ts';
import { followUpsFor, type ListedFollowUp } from '#services/follow-ups.ts';
import { recordOutcome } from '#services/outcomes.ts';
import { closeFollowUp, FOLLOW_UP_REASONS, followUpSchema, getFollowUp } from '#store/follow-ups.ts';
import { forStaff } from './access.ts';
import { outcomeBody } from './bookings.ts';
import { FLAGS_NOTE } from './flag-schemas.ts';
import { actedBy, defineRoute, idParams, page, pageCursor, pageLimit } from './route.ts';

export const listFollowUpsQuery = z.object({
  limit: pageLimit(200).optional(),
  cursor: pageCursor.optional(),
});

export const closeFollowUpBody = z.object({
  note: z.string().trim().min(1, 'say what was done (who was contacted, what was agreed)').max(1000),
});

/**
 * A follow-up as the outcome route answers it: for a caller who may not see the safeguarding flags (a
 * scheduler) without `vulnerable`, and `flagged-wnb` instead of `vulnerable-wnb` (sensitive.ts).
 */
const answeredFollowUpSchema = followUpSchema.extend({
  reason: z.enum([...FOLLOW_UP_REASONS, 'flagged-wnb']),
  vulnerable: z.boolean().optional(),
});

const outcomeResultSchema = z.object({
  booking: bookingSchema,
  history: clientSchema.shape.history,
  followUp: answeredFollowUpSchema.optional(),
});

const listedFollowUpSchema = followUpSchema.extend({
  /** The follow-up names the caller as the child's health visitor; these come first. */
  yours: z.boolean(),
}) satisfies z.ZodType<ListedFollowUp>;

/** The offset a follow-ups cursor carries (sealed by the route layer, so it is the one we handed out). */
function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const offset = Number(cursor);
  if (!Number.isInteger(offset) || offset < 0)
    throw new ValidationError('Invalid cursor', [
      { field: 'query.cursor', message: 'not a cursor this API returned' },
    ]);
  return offset;
}

export const outcomeRoutes = [
  defineRoute({
    id: 'recordOutcome',
    method: 'POST',
    path: '/bookings/{id}/outcome',
    tag: 'outcomes',
    summary: 'Record ATTENDED, DNA or WNB (was not brought) once the appointment has started',
    description:
      'A WNB that makes the escalation threshold in a row, or any WNB for a child flagged vulnerable, opens ' +
      'a follow-up for the named health visitor.' +
      FLAGS_NOTE,
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    body: { name: 'OutcomeRequest', schema: outcomeBody },
    response: {
      status: 200,
      name: 'OutcomeResult',
      schema: outcomeResultSchema,
      description: "The booking, the child's history, any follow-up opened",
    },
    errors: [400, 404, 409, 413],
    handler: async ({ deps, params, body, caller }) =>
      recordOutcome(deps, { bookingId: params.id, by: actedBy(caller), ...body }),
  }),
  defineRoute({
    id: 'listFollowUps',
    method: 'GET',
    path: '/follow-ups',
    tag: 'outcomes',
    summary: "Open Was-Not-Brought follow-ups: the caller's own first, then the rest, each newest first",
    description:
      "A follow-up is the caller's own (`yours: true`) when its `namedHealthVisitor` is the signed-in person's " +
      "display name (the identity provider's `name` claim), compared ignoring case and spacing.",
    roles: forStaff('health-visitor'),
    query: listFollowUpsQuery,
    response: {
      status: 200,
      name: 'FollowUpPage',
      schema: page(listedFollowUpSchema),
      description: 'One page of open follow-ups',
    },
    errors: [400],
    handler: async ({ deps, query, caller }) => {
      const found = await followUpsFor(deps, caller, {
        limit: query.limit ?? 50,
        offset: offsetOf(query.cursor),
      });
      return found.nextOffset === undefined
        ? { items: found.items }
        : { items: found.items, cursor: String(found.nextOffset) };
    },
  }),
  defineRoute({
    id: 'getFollowUp',
    method: 'GET',
    path: '/follow-ups/{id}',
    tag: 'outcomes',
    summary: 'Read a follow-up',
    roles: forStaff('health-visitor'),
    params: idParams,
    response: { status: 200, name: 'FollowUp', schema: followUpSchema, description: 'The follow-up' },
    errors: [400, 404],
    handler: async ({ deps, params }) => {
      const followUp = await getFollowUp(deps.store, params.id);
      if (!followUp) throw new NotFoundError(`Follow-up ${params.id} does not exist`);
      return followUp;
    },
  }),
  defineRoute({
    id: 'closeFollowUp',
    method: 'POST',
    path: '/follow-ups/{id}/close',
    tag: 'outcomes',
    summary: 'Close a follow-up with a note of what was done',
    roles: forStaff('health-visitor'),
    params: idParams,
    body: { name: 'CloseFollowUpRequest', schema: closeFollowUpBody },
    response: { status: 200, name: 'FollowUp', schema: followUpSchema, description: 'The closed follow-up' },
    errors: [400, 404, 409, 413],
    handler: async ({ deps, params, body, caller }) =>
      closeFollowUp(deps.store, {
        id: params.id,
        by: actedBy(caller),
        at: deps.now().toISOString(),
        note: body.note,
      }),
  }),
] as const;
