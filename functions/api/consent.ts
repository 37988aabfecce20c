/** Staff record a number's opt-out, or lift one they recorded: `POST /clients/{id}/opt-out`, `/opt-in`. */
import { json } from '#runtime/http.ts';
import { optInByStaff, optOutByStaff } from '#services/staff-consent.ts';
import type { RegisterRoutes } from './context.ts';

export const registerConsentRoutes: RegisterRoutes = (router, deps) => {
  router.post('/clients/:id/opt-out', async ({ params }) => json(200, await optOutByStaff(deps, params.id!)));
  router.post('/clients/:id/opt-in', async ({ params }) => json(200, await optInByStaff(deps, params.id!)));
};
