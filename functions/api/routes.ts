/**
 * THE ROUTE TABLE of the admin API: every route, once. The Powertools router (router.ts), the OpenAPI
 * document (openapi.ts, served below at /openapi.json), the permission check and audit (dispatch.ts), the
 * browser door (`/staff/api/…`, functions/web/api-door.ts) and the staff pages' in-process calls
 * (`invokeRoute`) are all made from this list. A new route is a `defineRoute({…})` in its resource
 * module and, for a new module, one line here.
 *
 * `npx tsx bin/attend.ts routes` prints it as the README's table of routes and roles.
 */
import * as z from 'zod';
import { DatabaseUnavailableError } from '#core/errors.ts';
import { checkHealth } from '#services/health.ts';
import { EVERYONE } from './access.ts';
import { auditRoutes } from './audit.ts';
import { bookingRoutes } from './bookings.ts';
import { clientRoutes } from './clients.ts';
import { clinicRoutes } from './clinics.ts';
import { consentRoutes } from './consent.ts';
import { contactRoutes } from './contact.ts';
import { erasureRoutes } from './erasure.ts';
import { familyRoutes } from './families.ts';
import { importRoutes } from './import.ts';
import { inboxRoutes } from './inbox.ts';
import { letterRoutes } from './letters.ts';
import { metricsRoutes } from './metrics.ts';
import { moveRoutes } from './moves.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { outcomeRoutes } from './outcomes.ts';
import type { AnyRoute } from './route.ts';
import { defineRoute } from './route.ts';
import { shortNoticeRoutes } from './short-notice.ts';
import { slotRoutes } from './slots.ts';
import { staffSessionRoutes } from './staff-sessions.ts';
import { templateRoutes } from './templates.ts';
import { waitlistRoutes } from './waitlist.ts';

const healthSchema = z.object({ status: z.literal('ok'), trust: z.string(), time: z.string() });

/** The document itself, described loosely so it does not have to describe itself. */
const openApiDocumentSchema = z.looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({}) });

// Built on first request, not per request: the table does not change while the function runs.
let document: Record<string, unknown> | undefined;

const metaRoutes = [
  defineRoute({
    id: 'getHealth',
    method: 'GET',
    path: '/health',
    tag: 'health',
    summary: 'Liveness, the trust id and the current time',
    description: 'A 503 `DATABASE_UNAVAILABLE` when the table does not answer within 2 seconds.',
    roles: EVERYONE,
    response: {
      status: 200,
      name: 'Health',
      schema: healthSchema,
      description: 'The API is up and its table answers',
    },
    errors: [],
    handler: async ({ deps }) => {
      const table = await checkHealth(deps);
      if (!table.answers) {
        deps.log.warn('health: the table is not answering', { reason: table.reason });
        throw new DatabaseUnavailableError(table.reason);
      }
      return { status: 'ok' as const, trust: deps.config.trustId, time: deps.now().toISOString() };
    },
  }),
  defineRoute({
    id: 'getOpenApiDocument',
    method: 'GET',
    path: '/openapi.json',
    tag: 'health',
    summary: 'This OpenAPI 3.1 document',
    roles: EVERYONE,
    noFamilyData: true,
    response: {
      status: 200,
      name: 'OpenApiDocument',
      schema: openApiDocumentSchema,
      description: 'The OpenAPI 3.1 document',
    },
    errors: [],
    handler: async () => {
      document ??= buildOpenApiDocument(ROUTES);
      return document as z.output<typeof openApiDocumentSchema>;
    },
  }),
] as const;

export const ROUTES = [
  ...metaRoutes,
  ...clinicRoutes,
  ...clientRoutes,
  ...consentRoutes,
  ...contactRoutes,
  ...letterRoutes,
  ...erasureRoutes,
  ...slotRoutes,
  ...bookingRoutes,
  ...moveRoutes,
  ...outcomeRoutes,
  ...templateRoutes,
  ...inboxRoutes,
  ...waitlistRoutes,
  ...shortNoticeRoutes,
  ...importRoutes,
  ...metricsRoutes,
  ...auditRoutes,
  ...staffSessionRoutes,
  ...familyRoutes,
] as const;

export type Route = (typeof ROUTES)[number];
export type RouteId = Route['id'];

const byId = new Map<string, AnyRoute>(ROUTES.map((route) => [route.id, route]));

/** The route with this id (route ids are the OpenAPI operationIds). */
export function routeById(id: string): AnyRoute | undefined {
  return byId.get(id);
}
