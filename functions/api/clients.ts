import { z } from 'zod';
import { newClient } from '#core/client.ts';
import { NotFoundError, ValidationError } from '#core/errors.ts';
import { clientSchema, equityFlagsSchema } from '#core/model.ts';
import { normaliseMobile } from '#core/phone.ts';
import type { Deps } from '#services/deps.ts';
import { erasedClientView } from '#services/erasure.ts';
import { clientsByPhone, createClient, getClient } from '#store/clients.ts';
import { clientTombstoneSchema, getTombstone } from '#store/erasure.ts';
import { forStaff } from './access.ts';
import { defineRoute, idParams, list } from './route.ts';

export const createClientBody = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9-]{2,64}$/)
    .optional(),
  firstName: z.string().trim().min(1).max(40),
  familyName: z.string().trim().max(60).default(''),
  phone: z.string().trim().min(1, 'a mobile number is required').max(64),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/, 'expected a language code such as "en" or "cy"')
    .optional(),
  dateOfBirth: z.iso.date().optional(),
  dueDate: z.iso.date().optional(),
  flags: equityFlagsSchema.default({
    needsCarer: false,
    parentalMentalHealth: false,
    vulnerable: false,
    doNotText: false,
  }),
  namedHealthVisitor: z.string().trim().max(120).optional(),
});

export const findClientsQuery = z.object({
  phone: z.string().min(1, 'give ?phone= to find clients by phone').max(64),
});

/** What GET /clients/{id} answers for a client whose personal data was erased (erasedClientView). */
const erasedClientSchema = clientTombstoneSchema
  .pick({ id: true, erasedAt: true, completedAt: true, counts: true })
  .extend({ erased: z.literal(true) });

function phoneOrFail(deps: Deps, input: string, field: string): string {
  const result = normaliseMobile(input, deps.config.allowedCountries);
  if (!result.ok) throw new ValidationError('Request body is invalid', [{ field, message: result.reason }]);
  return result.e164;
}

export const clientRoutes = [
  defineRoute({
    id: 'createClient',
    method: 'POST',
    path: '/clients',
    tag: 'clients',
    summary: 'Register a client (a child, or an expectant parent)',
    description: 'The phone must be a mobile from an allowed country; it is stored as E.164.',
    roles: forStaff('health-visitor'),
    body: { name: 'CreateClientRequest', schema: createClientBody },
    response: { status: 201, name: 'Client', schema: clientSchema, description: 'The client' },
    errors: [400, 409, 413],
    handler: async ({ deps, body }) => {
      const { id, ...fields } = body;
      return createClient(
        deps.store,
        newClient(
          { ...fields, phone: phoneOrFail(deps, body.phone, 'phone') },
          { id, now: deps.now().toISOString(), defaultLanguage: deps.config.defaultLanguage },
        ),
      );
    },
  }),
  defineRoute({
    id: 'findClientsByPhone',
    method: 'GET',
    path: '/clients',
    tag: 'clients',
    summary: 'Find the clients who share a mobile number',
    // Schedulers find the family they are booking.
    roles: forStaff('scheduler', 'health-visitor'),
    query: findClientsQuery,
    response: {
      status: 200,
      name: 'ClientList',
      schema: list(clientSchema),
      description: 'The clients on that phone',
    },
    errors: [400],
    handler: async ({ deps, query }) => ({
      items: await clientsByPhone(deps.store, phoneOrFail(deps, query.phone, 'query.phone')),
    }),
  }),
  defineRoute({
    id: 'getClient',
    method: 'GET',
    path: '/clients/{id}',
    tag: 'clients',
    summary: 'Read a client; an erased client reads as `{id, erased: true, erasedAt, counts}`',
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    response: {
      status: 200,
      name: 'ClientOrErased',
      schema: z.union([clientSchema, erasedClientSchema]),
      description: 'The client, or what is left of an erased one',
    },
    errors: [400, 404],
    handler: async ({ deps, params }) => {
      const client = await getClient(deps.store, params.id);
      if (client) return client;
      const tombstone = await getTombstone(deps.store, params.id);
      if (!tombstone) throw new NotFoundError(`Client ${params.id} does not exist`);
      return { ...erasedClientView(tombstone), erased: true as const };
    },
  }),
] as const;
