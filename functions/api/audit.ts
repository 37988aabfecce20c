import * as z from 'zod';
import { calendarDate } from '#core/dates.ts';
import { ValidationError } from '#core/errors.ts';
import * as zm from '#core/zod.ts';
import { auditByDay, auditEntrySchema } from '#store/audit.ts';
import { MANAGERS } from './access.ts';
import { defineRoute, page, pageCursor, pageLimit } from './route.ts';

export const auditQuery = z.object({
  date: zm.optional(calendarDate),
  limit: pageLimit(500).optional(),
  cursor: pageCursor.optional(),
});

const auditPageSchema = page(auditEntrySchema).extend({ date: calendarDate });

/**
 * The day travels inside the (sealed) cursor, so a next page asked for without `?date=` after midnight
 * still reads the day its first page came from.
 */
function dayAndKey(cursor: string | undefined): { day?: string; key?: string } {
  if (cursor === undefined) return {};
  const match = /^(\d{4}-\d{2}-\d{2})\.(.+)$/.exec(cursor);
  if (!match)
    throw new ValidationError('Invalid cursor', [
      { field: 'query.cursor', message: 'not a cursor this API returned' },
    ]);
  return { day: match[1], key: match[2] };
}

export const auditRoutes = [
  defineRoute({
    id: 'listAudit',
    method: 'GET',
    path: '/audit',
    tag: 'audit',
    summary: "One UTC day's changes and refused calls, newest first (default today)",
    description:
      'Every change made through either door (and every call refused with 403) names who made it: `actor` ' +
      '(the OpenID Connect subject or the IAM principal), `actorName` and `actorKind`; sign-in, sign-out and ' +
      'ended sessions are here too. Field names only, never values.',
    roles: MANAGERS,
    query: auditQuery,
    response: {
      status: 200,
      name: 'AuditPage',
      schema: auditPageSchema,
      description: 'One page of audit entries',
    },
    errors: [400],
    handler: async ({ deps, query }) => {
      const from = dayAndKey(query.cursor);
      if (query.date && from.day && query.date !== from.day) {
        throw new ValidationError('Invalid cursor', [
          { field: 'query.cursor', message: 'this cursor is for another day' },
        ]);
      }
      const day = query.date ?? from.day ?? deps.now().toISOString().slice(0, 10);
      const found = await auditByDay(deps.store, day, { limit: query.limit, cursor: from.key });
      return {
        date: day,
        items: found.items,
        ...(found.cursor ? { cursor: `${day}.${found.cursor}` } : {}),
      };
    },
  }),
] as const;
