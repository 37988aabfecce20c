import { json } from '#runtime/http.ts';
import { eraseClient } from '#services/erasure.ts';
import { callerOf, type RegisterRoutes } from './context.ts';

export const registerErasureRoutes: RegisterRoutes = (router, deps) => {
  /**
   * A data-protection erasure request. Answers 200 with what was removed; asking again answers the same
   * summary (and finishes an erasure that stopped half-way). 409 OPEN_FOLLOW_UPS while a
   * Was-Not-Brought follow-up for the child is open.
   */
  router.delete('/clients/:id', async ({ params, event }) =>
    json(200, await eraseClient(deps, { clientId: params.id!, by: callerOf(event) })),
  );
};
