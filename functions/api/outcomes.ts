import * as z from 'zod';
import { NotFoundError } from '#core/errors.ts';
import { json, readJson, readQuery } from '#runtime/http.ts';
import { recordOutcome } from '#services/outcomes.ts';
import { closeFollowUp, getFollowUp, openFollowUps } from '#store/follow-ups.ts';
import { outcomeBody } from './bookings.ts';
import { callerOf, type RegisterRoutes } from './context.ts';

export const listFollowUpsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().optional(),
});

export const closeFollowUpBody = z.object({
  note: z.string().trim().min(1, 'say what was done (who was contacted, what was agreed)').max(1000),
});

export const registerOutcomeRoutes: RegisterRoutes = (router, deps) => {
  /** ATTENDED, DNA or WNB for a booking whose start has passed; a WNB may open a follow-up. */
  router.post('/bookings/:id/outcome', async ({ req, params, event }) => {
    const body = await readJson(req, outcomeBody);
    return json(200, await recordOutcome(deps, { bookingId: params.id!, by: callerOf(event), ...body }));
  });

  /** Open Was-Not-Brought follow-ups, newest first. */
  router.get('/follow-ups', async ({ req }) => {
    const q = readQuery(req, listFollowUpsQuery);
    return json(200, await openFollowUps(deps.store, q));
  });

  router.get('/follow-ups/:id', async ({ params }) => {
    const followUp = await getFollowUp(deps.store, params.id!);
    if (!followUp) throw new NotFoundError(`Follow-up ${params.id} does not exist`);
    return json(200, followUp);
  });

  router.post('/follow-ups/:id/close', async ({ req, params, event }) => {
    const body = await readJson(req, closeFollowUpBody);
    const followUp = await closeFollowUp(deps.store, {
      id: params.id!,
      by: callerOf(event),
      at: deps.now().toISOString(),
      note: body.note,
    });
    return json(200, followUp);
  });
};
