/**
 * Routes behind the staff app's Families, Today and Inbox pages: search, a family's whole record, a
 * clinic's day with reminders and replies, the families to call before tomorrow, an inbox item's
 * conversation, and a text reply from staff (with a preview that only counts and prices it).
 */
import * as z from 'zod';
import { consentViewSchema } from '#core/consent.ts';
import { calendarDate } from '#core/dates.ts';
import { bookingSchema, clinicSchema, messageSchema } from '#core/model.ts';
import * as zm from '#core/zod.ts';
import {
  clinicDay,
  familiesToCall,
  familyRecord,
  inboxConversation,
  replyToInboxItem,
  searchFamilies,
  tomorrowOf,
} from '#services/families.ts';
import { inboxItemSchema } from '#store/inbox.ts';
import { forStaff } from './access.ts';
import { clientAnswerSchema, FLAGS_NOTE } from './flag-schemas.ts';
import { defineRoute, idParams, list, recordId } from './route.ts';

export const searchFamiliesQuery = z.object({
  q: z
    .string()
    .trim()
    .min(2, {
      // One letter is a name too short to search on; anything else that short is none of the four.
      error: (issue) =>
        /^\p{L}$/u.test(String(issue.input))
          ? 'a name needs at least two letters'
          : 'give a name, mobile number, NHS number or booking reference',
    })
    .max(100),
});

const familyRecordSchema = z.object({
  client: clientAnswerSchema,
  children: z.array(clientAnswerSchema),
  bookings: z.array(bookingSchema),
  messages: z.array(messageSchema),
  consent: consentViewSchema,
});

const clinicDayQuery = z.object({ date: calendarDate });

const clinicDaySchema = z.object({
  clinic: clinicSchema,
  items: z.array(
    z.object({
      booking: bookingSchema,
      firstName: z.string(),
      reminders: z.array(
        z.object({
          tier: z.string(),
          kind: z.string(),
          dueAt: z.string(),
          status: z.string(),
          sentAt: z.string().optional(),
          skipReason: z.string().optional(),
        }),
      ),
      replies: z.array(z.object({ at: z.string(), body: z.string() })),
    }),
  ),
});

const toCallQuery = z.object({
  date: zm.optional(calendarDate),
  /** `cannot-reach`: also the day's bookings that neither a text nor a letter can reach. */
  include: z.enum(['cannot-reach']).optional(),
});

const toCallSchema = z.object({
  date: z.iso.date(),
  items: z.array(
    z.object({
      booking: bookingSchema,
      clinicName: z.string(),
      firstName: z.string(),
      familyName: z.string(),
      misses: z.number().int(),
      /** Left out for a caller who may not see the safeguarding flags (a scheduler). */
      vulnerable: z.boolean().optional(),
      /** `flagged` (by the health visitor) is what a caller who may not see the flags reads for `vulnerable`. */
      why: z.array(z.enum(['missed', 'vulnerable', 'flagged', 'cannot-reach'])),
      cannotReach: z
        .object({
          noSms: z.enum(['no-phone', 'sms-off', 'opted-out', 'unreachable']),
          noLetter: z.enum(['letters-disabled', 'letter-off', 'no-address']),
          optOut: z.enum(['stop-text', 'staff']).optional(),
        })
        .optional(),
    }),
  ),
});

const conversationSchema = z.object({
  item: inboxItemSchema,
  clients: z.array(clientAnswerSchema),
  messages: z.array(messageSchema),
});

export const inboxReplyBody = z
  .object({
    /** One of the trust's fixed replies (`staffReplies` in the trust config), used when `text` is empty. */
    template: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected a fixed reply key')
      .optional(),
    /** The staff member's own words. */
    text: z.string().max(2000).optional(),
    /** Only count and price it: nothing is sent. */
    preview: z.boolean().default(false),
  })
  .refine((b) => b.template !== undefined || (b.text ?? '').trim() !== '', {
    message: 'pick a reply or write one',
    path: ['text'],
  });

const inboxReplySchema = z.object({
  text: z.object({
    body: z.string(),
    encoding: z.enum(['GSM-7', 'UCS-2']),
    segments: z.number().int(),
    characters: z.number().int(),
    costGbp: z.number(),
  }),
  sent: z.boolean(),
  messageId: z.string().optional(),
});

export const familyRoutes = [
  defineRoute({
    id: 'searchFamilies',
    method: 'GET',
    path: '/families',
    tag: 'families',
    summary: 'Find families by name, mobile number, NHS number or booking reference',
    description:
      'Four digits are a booking reference, ten with a valid check digit an NHS number, another number a mobile, anything else a name.' +
      FLAGS_NOTE,
    roles: forStaff('scheduler', 'health-visitor'),
    query: searchFamiliesQuery,
    response: {
      status: 200,
      name: 'FamilySearch',
      schema: list(clientAnswerSchema).extend({ kind: z.enum(['ref', 'nhs-number', 'phone', 'name']) }),
      description: 'The clients found, and how the query was read',
    },
    errors: [400],
    handler: async ({ deps, query }) => searchFamilies(deps, query.q),
  }),
  defineRoute({
    id: 'getFamily',
    method: 'GET',
    path: '/families/{id}',
    tag: 'families',
    summary: "A family's record: the children on the number, their bookings and the text thread",
    description: FLAGS_NOTE.trim(),
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    response: { status: 200, name: 'FamilyRecord', schema: familyRecordSchema, description: 'The family' },
    errors: [400, 404],
    handler: async ({ deps, params }) => familyRecord(deps, params.id),
  }),
  defineRoute({
    id: 'getClinicDay',
    method: 'GET',
    path: '/clinics/{id}/day',
    tag: 'bookings',
    summary: "A clinic's bookings on a local day with each child's first name, reminders and replies",
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    query: clinicDayQuery,
    response: { status: 200, name: 'ClinicDay', schema: clinicDaySchema, description: 'The day' },
    errors: [400, 404],
    handler: async ({ deps, params, query }) => clinicDay(deps, params.id, query.date),
  }),
  defineRoute({
    id: 'listFamiliesToCall',
    method: 'GET',
    path: '/families-to-call',
    tag: 'bookings',
    summary:
      "Tomorrow's bookings of families with two or more misses in a year, or flagged vulnerable, who have not replied",
    description:
      'Each item says `why`: `missed` (two or more DNA/WNB in the 365 days before) and `vulnerable`, for a family ' +
      'who has sent no text since booking (STOP and HELP are not replies). With `include=cannot-reach`, also the bookings that neither a text nor ' +
      'a letter can reach (as `GET /call-list` lists them, which needs the same roles): `why` holds `cannot-reach` ' +
      'and `cannotReach` says why (`noSms`, `noLetter`, and for `opted-out` whether by STOP or staff). A booking ' +
      'that is both is one item. For a scheduler an item has no `vulnerable` and `why` says `flagged` ' +
      '(flagged by the health visitor) instead of `vulnerable`.' +
      FLAGS_NOTE,
    roles: forStaff('scheduler', 'health-visitor'),
    query: toCallQuery,
    response: { status: 200, name: 'FamiliesToCall', schema: toCallSchema, description: 'Who to call' },
    errors: [400],
    handler: async ({ deps, query }) => {
      const date = query.date ?? tomorrowOf(deps);
      return {
        date,
        items: await familiesToCall(deps, date, { cannotReach: query.include === 'cannot-reach' }),
      };
    },
  }),
  defineRoute({
    id: 'getInboxConversation',
    method: 'GET',
    path: '/inbox/{id}/conversation',
    tag: 'inbox',
    summary: "An inbox item with its number's clients and the whole text thread",
    description: FLAGS_NOTE.trim(),
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    response: {
      status: 200,
      name: 'InboxConversation',
      schema: conversationSchema,
      description: 'The item and its conversation',
    },
    errors: [400, 404],
    handler: async ({ deps, params }) => inboxConversation(deps, params.id),
  }),
  defineRoute({
    id: 'replyToInboxItem',
    method: 'POST',
    path: '/inbox/{id}/reply',
    tag: 'inbox',
    summary:
      'Text the family who sent an inbox item (a fixed reply or free text), or preview its segments and cost',
    description:
      'Refused with 409 OPTED_OUT or DO_NOT_TEXT as every text is; 400 when over 6 segments. `preview: true` sends nothing.',
    roles: forStaff('scheduler', 'health-visitor'),
    params: z.object({ id: recordId }),
    body: { name: 'InboxReplyRequest', schema: inboxReplyBody },
    response: {
      status: 200,
      name: 'InboxReply',
      schema: inboxReplySchema,
      description: 'What was (or would be) sent',
    },
    errors: [400, 404, 409, 413, 422],
    handler: async ({ deps, params, body }) =>
      replyToInboxItem(deps, {
        itemId: params.id,
        ...(body.template && { template: body.template }),
        ...(body.text !== undefined && { text: body.text }),
        preview: body.preview,
      }),
  }),
] as const;
