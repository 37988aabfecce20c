import * as z from 'zod';
import { calendarDate } from '#core/dates.ts';
import { NotFoundError } from '#core/errors.ts';
import { availabilityWindowSchema } from '#core/waitlist.ts';
import { json, readJson, readQuery } from '#runtime/http.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { offersBySlot } from '#store/offers.ts';
import { getSlot } from '#store/slots.ts';
import { getEntry, removeEntry, waitingByType } from '#store/waitlist.ts';
import type { RegisterRoutes } from './context.ts';

export const addToWaitlistBody = z
  .object({
    clientId: z.string().min(1),
    type: z.string().min(1),
    acceptableClinicIds: z.array(z.string().min(1)).min(1, 'name at least one clinic the family can get to'),
    availability: z.array(availabilityWindowSchema).default([]),
    earliestDate: calendarDate.optional(),
    latestDate: calendarDate.optional(),
    consentToShortNotice: z.boolean({ error: 'record whether the family agreed to short-notice texts' }),
    currentBookingId: z.string().min(1).optional(),
  })
  .refine((b) => !b.earliestDate || !b.latestDate || b.earliestDate <= b.latestDate, {
    message: 'must not be before earliestDate',
    path: ['latestDate'],
  });

export const listWaitlistQuery = z.object({
  type: z.string().min(1, 'give ?type= (an appointment type)'),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().optional(),
});

export const registerWaitlistRoutes: RegisterRoutes = (router, deps) => {
  router.post('/waitlist', async ({ req }) =>
    json(201, await addToWaitlist(deps, await readJson(req, addToWaitlistBody))),
  );

  /** Families waiting for one type, highest priority first (the order offers go out in). */
  router.get('/waitlist', async ({ req }) => {
    const q = readQuery(req, listWaitlistQuery);
    const page = await waitingByType(deps.store, q.type, { limit: q.limit, cursor: q.cursor });
    return json(200, { items: page.items, cursor: page.cursor });
  });

  router.get('/waitlist/:id', async ({ params }) => {
    const entry = await getEntry(deps.store, params.id!);
    if (!entry) throw new NotFoundError(`Waitlist entry ${params.id} does not exist`);
    return json(200, entry);
  });

  router.delete('/waitlist/:id', async ({ params }) =>
    json(200, await removeEntry(deps.store, params.id!, deps.now().toISOString())),
  );

  /** Every offer made for a slot, with each family's score and its breakdown: who was offered what, and why. */
  router.get('/offers', async ({ req }) => {
    const q = readQuery(req, z.object({ slot: z.string().min(1, 'give ?slot= (a slot id)') }));
    const slot = await getSlot(deps.store, q.slot);
    if (!slot) throw new NotFoundError(`Slot ${q.slot} does not exist`);
    return json(200, {
      slot: { id: slot.id, status: slot.status, backfill: slot.backfill },
      items: await offersBySlot(deps.store, q.slot),
    });
  });
};
