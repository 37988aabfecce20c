/**
 * The short-notice list as staff read it: the waiting families of a type with each score worked out now
 * and explained, and the runs of offers under way. The list itself is changed through /waitlist.
 */

import * as z from 'zod';
import { slotSchema } from '#core/model.ts';
import { offerSchema, scorePartSchema } from '#core/waitlist.ts';
import * as zm from '#core/zod.ts';
import { explainedList, liveRuns } from '#services/short-notice.ts';
import { forStaff } from './access.ts';
import { FLAGS_NOTE, waitlistEntryAnswerSchema as waitlistEntrySchema } from './flag-schemas.ts';
import { appointmentTypeId, defineRoute, list, page, pageCursor, pageLimit } from './route.ts';

export const shortNoticeListQuery = z.object({
  type: appointmentTypeId,
  limit: pageLimit(200).optional(),
  cursor: pageCursor.optional(),
});

const explainedEntrySchema = zm.extend(waitlistEntrySchema, {
  firstName: z.string().optional(),
  familyName: z.string().optional(),
  /** No mobile: listed for staff to ring, never offered a slot by text. */
  noMobile: z.boolean().optional(),
  scoreNow: z.number().describe('the score at this moment (`score` is as last written)'),
  breakdown: z.array(scorePartSchema),
  dates: z.object({
    earliest: z.iso.date().optional(),
    latest: z.iso.date().optional(),
    ageUnknown: z
      .boolean()
      .describe('the type has an age window, but no date of birth or due date to place it'),
  }),
});

const liveRunSchema = z.object({
  slot: slotSchema,
  offers: z.array(zm.extend(offerSchema, { firstName: z.string().optional() })),
});

export const shortNoticeRoutes = [
  defineRoute({
    id: 'listShortNotice',
    method: 'GET',
    path: '/short-notice',
    tag: 'waitlist',
    summary:
      'The short-notice list for an appointment type, each family with their score now and its breakdown and their dates',
    description: FLAGS_NOTE.trim(),
    roles: forStaff('scheduler'),
    query: shortNoticeListQuery,
    response: {
      status: 200,
      name: 'ShortNoticeListPage',
      schema: page(explainedEntrySchema),
      description: 'One page of waiting families, highest stored score first',
    },
    errors: [400],
    handler: async ({ deps, query }) => explainedList(deps, query),
  }),
  defineRoute({
    id: 'listShortNoticeRuns',
    method: 'GET',
    path: '/short-notice/runs',
    tag: 'waitlist',
    summary: "Short-notice runs under way: each slot being offered, its wave and this run's offers",
    description: FLAGS_NOTE.trim(),
    roles: forStaff('scheduler'),
    response: {
      status: 200,
      name: 'ShortNoticeRuns',
      schema: list(liveRunSchema),
      description: 'Open runs, soonest slot first',
    },
    errors: [],
    handler: async ({ deps }) => ({ items: await liveRuns(deps) }),
  }),
] as const;
