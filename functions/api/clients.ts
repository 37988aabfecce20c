import * as z from 'zod';
import { newClient } from '#core/client.ts';
import { calendarDate } from '#core/dates.ts';
import { NotFoundError, ValidationError } from '#core/errors.ts';
import { equityFlagsSchema } from '#core/model.ts';
import { nhsNumberInput } from '#core/nhs-number.ts';
import { normaliseMobile } from '#core/phone.ts';
import { noPictographs } from '#core/sms-sanitise.ts';
import { json, readJson, readQuery } from '#runtime/http.ts';
import { clientView, clientViews, consentOf } from '#services/consent.ts';
import { erasedClientView } from '#services/erasure.ts';
import { clientByNhsNumber, clientsByPhone, createClient, getClient } from '#store/clients.ts';
import { getTombstone } from '#store/erasure.ts';
import type { RegisterRoutes } from './context.ts';

export const createClientBody = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9-]{2,64}$/)
    .optional(),
  firstName: z.string().trim().min(1).max(40).superRefine(noPictographs),
  familyName: z.string().trim().max(60).superRefine(noPictographs).default(''),
  phone: z.string().trim().min(1, 'a mobile number is required'),
  /** 10 digits with a modulus 11 check digit; spaces allowed; stored as 10 digits. */
  nhsNumber: nhsNumberInput.optional(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/, 'expected a language code such as "en" or "cy"')
    .optional(),
  dateOfBirth: calendarDate.optional(),
  dueDate: calendarDate.optional(),
  flags: equityFlagsSchema.default({
    needsCarer: false,
    parentalMentalHealth: false,
    vulnerable: false,
    doNotText: false,
  }),
  namedHealthVisitor: z.string().trim().max(120).optional(),
});

/** GET /clients: by mobile (siblings share a parent's), or by NHS number (one client at most). */
export const findClientsQuery = z
  .object({
    phone: z.string().min(1).optional(),
    nhsNumber: nhsNumberInput.optional(),
  })
  .refine((q) => (q.phone === undefined) !== (q.nhsNumber === undefined), {
    message: 'give ?phone= or ?nhsNumber= to find clients',
    path: ['phone'],
  });

export const registerClientRoutes: RegisterRoutes = (router, deps) => {
  const phoneOrFail = (input: string, field: string): string => {
    const result = normaliseMobile(input, deps.config.allowedCountries);
    if (!result.ok) throw new ValidationError('Request body is invalid', [{ field, message: result.reason }]);
    return result.e164;
  };

  router.post('/clients', async ({ req }) => {
    const body = await readJson(req, createClientBody);
    const { id, ...fields } = body;
    const client = await createClient(
      deps.store,
      newClient(
        { ...fields, phone: phoneOrFail(body.phone, 'phone') },
        { id, now: deps.now().toISOString(), defaultLanguage: deps.config.defaultLanguage },
      ),
    );
    // A number that texted STOP (or that staff opted out) stays opted out for a new child on it too.
    return json(201, clientView(client, await consentOf(deps, client.phone)));
  });

  router.get('/clients', async ({ req }) => {
    const query = readQuery(req, findClientsQuery);
    if (query.nhsNumber !== undefined) {
      const client = await clientByNhsNumber(deps.store, query.nhsNumber);
      return json(200, { items: client ? await clientViews(deps, [client]) : [] });
    }
    const clients = await clientsByPhone(deps.store, phoneOrFail(query.phone!, 'query.phone'));
    return json(200, { items: await clientViews(deps, clients) });
  });

  /**
   * A client with its number's consent (`optedOut`, and `consent`: the state, why and since when), or
   * for an erased one what is left: `{id, erased: true, erasedAt, counts}`.
   */
  router.get('/clients/:id', async ({ params }) => {
    const client = await getClient(deps.store, params.id!);
    if (client) return json(200, clientView(client, await consentOf(deps, client.phone)));
    const tombstone = await getTombstone(deps.store, params.id!);
    if (!tombstone) throw new NotFoundError(`Client ${params.id} does not exist`);
    return json(200, erasedClientView(tombstone));
  });
};
