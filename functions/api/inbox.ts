import * as z from 'zod';
import { json, readJson, readQuery } from '#runtime/http.ts';
import { markInboxHandled, openInbox } from '#store/inbox.ts';
import { callerOf, type RegisterRoutes } from './context.ts';

export const listInboxQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().optional(),
});

export const handledBody = z.object({ note: z.string().trim().max(1000).optional() });

export const registerInboxRoutes: RegisterRoutes = (router, deps) => {
  /** Replies staff need to read (free text, unknown numbers, ambiguous replies, rebook requests), newest first. */
  router.get('/inbox', async ({ req }) => {
    const q = readQuery(req, listInboxQuery);
    return json(200, await openInbox(deps.store, q));
  });

  router.post('/inbox/:id/handled', async ({ req, params, event }) => {
    const body = await readJson(req, handledBody);
    const item = await markInboxHandled(deps.store, {
      id: params.id!,
      by: callerOf(event),
      at: deps.now().toISOString(),
      note: body.note,
    });
    return json(200, item);
  });
};
