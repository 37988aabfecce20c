/** The staff list of families to call: `GET /call-list?date=`. */
import * as z from 'zod';
import { calendarDate } from '#core/dates.ts';
import { callList } from '#services/contact.ts';
import { forStaff } from './access.ts';
import { defineRoute } from './route.ts';

export const callListQuery = z.object({ date: calendarDate });

const callListSchema = z.object({
  date: calendarDate,
  items: z.array(
    z.object({
      bookingId: z.string(),
      clientId: z.string(),
      clinicId: z.string(),
      type: z.string(),
      startsAt: z.string(),
      noSms: z.enum(['no-phone', 'sms-off', 'opted-out', 'unreachable']),
      noLetter: z.enum(['letters-disabled', 'letter-off', 'no-address']),
    }),
  ),
});

export const contactRoutes = [
  defineRoute({
    id: 'getCallList',
    method: 'GET',
    path: '/call-list',
    tag: 'clients',
    summary: 'Families to call: the day’s bookings that neither a text nor a letter can reach',
    description:
      'Each entry names the booking and why neither channel can go: `noSms` (no-phone, sms-off, opted-out, ' +
      'unreachable) and `noLetter` (letters-disabled, letter-off, no-address).',
    roles: forStaff('scheduler', 'health-visitor'),
    query: callListQuery,
    response: {
      status: 200,
      name: 'CallList',
      schema: callListSchema,
      description: 'The families to call, in start order',
    },
    errors: [400],
    handler: async ({ deps, query }) => ({ date: query.date, items: await callList(deps, query.date) }),
  }),
] as const;
