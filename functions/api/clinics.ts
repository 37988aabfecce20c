import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { NotFoundError } from '#core/errors.ts';
import { clinicSchema } from '#core/model.ts';
import { noPictographs } from '#core/sms-sanitise.ts';
import { createClinic, getClinic, listClinics } from '#store/clinics.ts';
import { forStaff } from './access.ts';
import { defineRoute, idParams, list } from './route.ts';

export const createClinicBody = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9-]{2,40}$/, 'expected lower-case letters, digits and dashes')
    .optional(),
  name: z.string().trim().min(1).max(120).superRefine(noPictographs),
  venue: z
    .string()
    .trim()
    .min(1)
    .max(40, 'keep the venue short (at most 40 characters) so texts fit one segment')
    .superRefine(noPictographs),
  address: z.string().trim().max(300).default(''),
  area: z.string().trim().max(80).default(''),
});

export const clinicRoutes = [
  defineRoute({
    id: 'createClinic',
    method: 'POST',
    path: '/clinics',
    tag: 'clinics',
    summary: 'Create a clinic',
    description: '`venue` is what texts say, at most 40 characters so a text fits one segment.',
    roles: forStaff('scheduler'),
    body: { name: 'CreateClinicRequest', schema: createClinicBody },
    response: { status: 201, name: 'Clinic', schema: clinicSchema, description: 'The clinic' },
    errors: [400, 409, 413],
    handler: async ({ deps, body }) =>
      createClinic(deps.store, { ...body, id: body.id ?? randomUUID(), createdAt: deps.now().toISOString() }),
  }),
  defineRoute({
    id: 'listClinics',
    method: 'GET',
    path: '/clinics',
    tag: 'clinics',
    summary: 'Every clinic, by name',
    // Health visitors read clinics to find a clinic's bookings (a booking names its clinic).
    roles: forStaff('scheduler', 'health-visitor'),
    response: { status: 200, name: 'ClinicList', schema: list(clinicSchema), description: 'The clinics' },
    errors: [],
    handler: async ({ deps }) => ({ items: await listClinics(deps.store) }),
  }),
  defineRoute({
    id: 'getClinic',
    method: 'GET',
    path: '/clinics/{id}',
    tag: 'clinics',
    summary: 'Read a clinic',
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    response: { status: 200, name: 'Clinic', schema: clinicSchema, description: 'The clinic' },
    errors: [400, 404],
    handler: async ({ deps, params }) => {
      const clinic = await getClinic(deps.store, params.id);
      if (!clinic) throw new NotFoundError(`Clinic ${params.id} does not exist`);
      return clinic;
    },
  }),
] as const;
