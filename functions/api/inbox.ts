import * as z from 'zod';
import { inboxItemSchema, markInboxHandled, openInbox } from '#store/inbox.ts';
import { forStaff } from './access.ts';
import { actedBy, defineRoute, idParams, page, pageCursor, pageLimit } from './route.ts';

export const listInboxQuery = z.object({
  limit: pageLimit(200).optional(),
  cursor: pageCursor.optional(),
});

export const handledBody = z.object({ note: z.string().trim().max(1000).optional() });

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
] as const;
