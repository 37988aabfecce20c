import * as z from 'zod';
import { CANCEL_REASONS } from '#core/cancel-reason.ts';
import { tagInboxReason } from '#services/inbox-reasons.ts';
import { inboxItemSchema, markInboxHandled, openInbox } from '#store/inbox.ts';
import { forStaff } from './access.ts';
import { actedBy, defineRoute, idParams, page, pageCursor, pageLimit } from './route.ts';

export const listInboxQuery = z.object({
  limit: pageLimit(200).optional(),
  cursor: pageCursor.optional(),
});

/** The longest note a handled item takes (characters, after trimming); the inbox page says it too. */
export const HANDLED_NOTE_MAX = 1000;

export const handledBody = z.object({ note: z.string().trim().max(HANDLED_NOTE_MAX).optional() });

export const tagReasonBody = z.object({ reason: z.enum(CANCEL_REASONS) });

export const inboxRoutes = [
  defineRoute({
    id: 'listInbox',
    method: 'GET',
    path: '/inbox',
    tag: 'inbox',
    summary: 'Replies staff need to read, newest first',
    description: 'Free text, unknown numbers, ambiguous replies, rebook requests.',
    roles: forStaff('scheduler', 'health-visitor'),
    query: listInboxQuery,
    response: {
      status: 200,
      name: 'InboxPage',
      schema: page(inboxItemSchema),
      description: 'One page of open inbox items',
    },
    errors: [400],
    handler: async ({ deps, query }) => openInbox(deps.store, query),
  }),
  defineRoute({
    id: 'markInboxHandled',
    method: 'POST',
    path: '/inbox/{id}/handled',
    tag: 'inbox',
    summary: 'Mark a reply handled',
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    body: { name: 'HandledRequest', schema: handledBody },
    response: { status: 200, name: 'InboxItem', schema: inboxItemSchema, description: 'The handled item' },
    errors: [400, 404, 409, 413],
    handler: async ({ deps, params, body, caller }) =>
      markInboxHandled(deps.store, {
        id: params.id,
        by: actedBy(caller),
        at: deps.now().toISOString(),
        note: body.note,
      }),
  }),
  defineRoute({
    id: 'tagInboxReason',
    method: 'POST',
    path: '/inbox/{id}/reason',
    tag: 'inbox',
    summary: 'Tag why the family cancelled or missed, from a reply Attend could not classify',
    description:
      'Writes the reason on the cancelled or missed booking the item is about (metrics count it); 409 NOTHING_TO_TAG when there is none.',
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    body: { name: 'TagReasonRequest', schema: tagReasonBody },
    response: { status: 200, name: 'InboxItem', schema: inboxItemSchema, description: 'The tagged item' },
    errors: [400, 404, 409, 413],
    handler: async ({ deps, params, body, caller }) =>
      tagInboxReason(deps, { itemId: params.id, reason: body.reason, by: actedBy(caller) }),
  }),
] as const;
