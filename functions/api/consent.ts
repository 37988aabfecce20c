/** Staff record a number's opt-out, or lift one they recorded: `POST /clients/{id}/opt-out`, `/opt-in`. */
import { optInByStaff, optOutByStaff } from '#services/staff-consent.ts';
import { forStaff } from './access.ts';
import { clientViewSchema } from './clients.ts';
import { FLAGS_NOTE } from './flag-schemas.ts';
import { defineRoute, idParams } from './route.ts';

const clientWithConsent = {
  status: 200,
  name: 'Client',
  schema: clientViewSchema,
  description: 'The client, with its number’s consent',
} as const;

export const consentRoutes = [
  defineRoute({
    id: 'optOutClientNumber',
    method: 'POST',
    path: '/clients/{id}/opt-out',
    tag: 'clients',
    summary: "Opt the client's number out of texts (staff-recorded)",
    description:
      'Consent belongs to the number: every child on it, now and later, gets no texts until the number ' +
      'texts START or staff opt it back in. A number already opted out stays as it is (a STOP stays a STOP).' +
      FLAGS_NOTE,
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    response: clientWithConsent,
    errors: [400, 404],
    handler: async ({ deps, params }) => optOutByStaff(deps, params.id),
  }),
  defineRoute({
    id: 'optInClientNumber',
    method: 'POST',
    path: '/clients/{id}/opt-in',
    tag: 'clients',
    summary: 'Lift a staff-recorded opt-out of the client’s number',
    description:
      '409 OPTED_OUT_BY_TEXT when the number texted STOP: only a START from the number lifts that.' +
      FLAGS_NOTE,
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    response: clientWithConsent,
    errors: [400, 404, 409],
    handler: async ({ deps, params }) => optInByStaff(deps, params.id),
  }),
] as const;
