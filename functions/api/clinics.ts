import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { NotFoundError } from '#core/errors.ts';
import { noPictographs } from '#core/sms-sanitise.ts';
import { json, readJson } from '#runtime/http.ts';
import { createClinic, getClinic, listClinics } from '#store/clinics.ts';
import type { RegisterRoutes } from './context.ts';

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

export const registerClinicRoutes: RegisterRoutes = (router, deps) => {
  router.post('/clinics', async ({ req }) => {
    const body = await readJson(req, createClinicBody);
    const clinic = await createClinic(deps.store, {
      ...body,
      id: body.id ?? randomUUID(),
      createdAt: deps.now().toISOString(),
    });
    return json(201, clinic);
  });

  router.get('/clinics', async () => json(200, { items: await listClinics(deps.store) }));

  router.get('/clinics/:id', async ({ params }) => {
    const clinic = await getClinic(deps.store, params.id!);
    if (!clinic) throw new NotFoundError(`Clinic ${params.id} does not exist`);
    return json(200, clinic);
  });
};
