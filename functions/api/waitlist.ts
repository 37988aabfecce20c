import * as z from 'zod';
import { calendarDate } from '#core/dates.ts';
import { NotFoundError } from '#core/errors.ts';
import { slotSchema } from '#core/model.ts';
import { availabilityWindowSchema, offerSchema } from '#core/waitlist.ts';
import * as zm from '#core/zod.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { offersBySlot } from '#store/offers.ts';
import { getSlot } from '#store/slots.ts';
import { getEntry, removeEntry, waitingByType } from '#store/waitlist.ts';
import { forStaff } from './access.ts';
import { FLAGS_NOTE, waitlistEntryAnswerSchema as waitlistEntrySchema } from './flag-schemas.ts';
import { appointmentTypeId, defineRoute, idParams, page, pageCursor, pageLimit, recordId } from './route.ts';

export const addToWaitlistBody = z
  .object({
    clientId: recordId,
    type: appointmentTypeId,
    acceptableClinicIds: z
      .array(recordId)
      .min(1, 'name at least one clinic the family can get to')
      .max(50, 'at most 50 clinics'),
    availability: z.array(availabilityWindowSchema).max(50, 'at most 50 windows').default([]),
    earliestDate: zm.optional(calendarDate),
    latestDate: zm.optional(calendarDate),
    consentToShortNotice: z.boolean({ error: 'record whether the family agreed to short-notice texts' }),
    currentBookingId: recordId.optional(),
  })
  .refine((b) => !b.earliestDate || !b.latestDate || b.earliestDate <= b.latestDate, {
    message: 'must not be before earliestDate',
    path: ['latestDate'],
  });

export const listWaitlistQuery = z.object({
  type: appointmentTypeId,
  limit: pageLimit(200).optional(),
  cursor: pageCursor.optional(),
});

export const offersQuery = z.object({ slot: recordId });

const offersForSlotSchema = z.object({
  slot: zm.pick(slotSchema, { id: true, status: true, backfill: true }),
  items: z.array(offerSchema),
});

export const waitlistRoutes = [
  defineRoute({
    id: 'addToWaitlist',
    method: 'POST',
    path: '/waitlist',
    tag: 'waitlist',
    summary: 'Put a family on the short-notice list',
    description: FLAGS_NOTE.trim(),
    roles: forStaff('scheduler'),
    body: { name: 'AddToWaitlistRequest', schema: addToWaitlistBody },
    response: {
      status: 201,
      name: 'WaitlistEntry',
      schema: waitlistEntrySchema,
      description: 'The entry, with its priority score',
    },
    errors: [400, 404, 409, 413],
    handler: async ({ deps, body }) => addToWaitlist(deps, body),
  }),
  defineRoute({
    id: 'listWaitlist',
    method: 'GET',
    path: '/waitlist',
    tag: 'waitlist',
    summary: 'The list for an appointment type, highest priority first (the order offers go out in)',
    description: FLAGS_NOTE.trim(),
    roles: forStaff('scheduler'),
    query: listWaitlistQuery,
    response: {
      status: 200,
      name: 'WaitlistPage',
      schema: page(waitlistEntrySchema),
      description: 'One page of entries',
    },
    errors: [400],
    handler: async ({ deps, query }) => {
      const found = await waitingByType(deps.store, query.type, { limit: query.limit, cursor: query.cursor });
      return found.cursor ? { items: found.items, cursor: found.cursor } : { items: found.items };
    },
  }),
  defineRoute({
    id: 'getWaitlistEntry',
    method: 'GET',
    path: '/waitlist/{id}',
    tag: 'waitlist',
    summary: 'Read a waitlist entry',
    description: FLAGS_NOTE.trim(),
    roles: forStaff('scheduler'),
    params: idParams,
    response: { status: 200, name: 'WaitlistEntry', schema: waitlistEntrySchema, description: 'The entry' },
    errors: [400, 404],
    handler: async ({ deps, params }) => {
      const entry = await getEntry(deps.store, params.id);
      if (!entry) throw new NotFoundError(`Waitlist entry ${params.id} does not exist`);
      return entry;
    },
  }),
  defineRoute({
    id: 'removeWaitlistEntry',
    method: 'DELETE',
    path: '/waitlist/{id}',
    tag: 'waitlist',
    summary: 'Take a family off the list',
    description: FLAGS_NOTE.trim(),
    roles: forStaff('scheduler'),
    params: idParams,
    response: {
      status: 200,
      name: 'WaitlistEntry',
      schema: waitlistEntrySchema,
      description: 'The removed entry',
    },
    errors: [400, 404, 409],
    handler: async ({ deps, params }) => removeEntry(deps.store, params.id, deps.now().toISOString()),
  }),
  defineRoute({
    id: 'listOffersForSlot',
    method: 'GET',
    path: '/offers',
    tag: 'waitlist',
    summary:
      "Every offer made for a slot, with each family's score and its breakdown: who was offered what, and why",
    description: FLAGS_NOTE.trim(),
    roles: forStaff('scheduler'),
    query: offersQuery,
    response: {
      status: 200,
      name: 'OffersForSlot',
      schema: offersForSlotSchema,
      description: "The slot's short-notice run and its offers",
    },
    errors: [400, 404],
    handler: async ({ deps, query }) => {
      const slot = await getSlot(deps.store, query.slot);
      if (!slot) throw new NotFoundError(`Slot ${query.slot} does not exist`);
      return {
        slot: { id: slot.id, status: slot.status, backfill: slot.backfill },
        items: await offersBySlot(deps.store, query.slot),
      };
    },
  }),
] as const;
