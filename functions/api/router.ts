import { Router } from '@aws-lambda-powertools/event-handler/http';
import { databaseUnavailable, errorResponse, json } from '#runtime/http.ts';
import type { Deps } from '#services/deps.ts';
import { checkHealth } from '#services/health.ts';
import { callerFromIam } from '#services/iam-door.ts';
import { auditMiddleware, type CallerOf, registerAuditRoutes } from './audit.ts';
import { registerBookingRoutes } from './bookings.ts';
import { registerClientRoutes } from './clients.ts';
import { registerClinicRoutes } from './clinics.ts';
import { registerConsentRoutes } from './consent.ts';
import type { RegisterRoutes } from './context.ts';
import { registerErasureRoutes } from './erasure.ts';
import { registerImportRoutes } from './import.ts';
import { registerInboxRoutes } from './inbox.ts';
import { registerMetricsRoutes } from './metrics.ts';
import { registerMoveRoutes } from './moves.ts';
import { registerOpenApiRoutes } from './openapi.ts';
import { registerOutcomeRoutes } from './outcomes.ts';
import { registerSlotRoutes } from './slots.ts';
import { registerTemplateRoutes } from './templates.ts';
import { registerWaitlistRoutes } from './waitlist.ts';

/** Every resource module; a later resource is one more entry here. */
const RESOURCES: RegisterRoutes[] = [
  registerClinicRoutes,
  registerClientRoutes,
  registerSlotRoutes,
  registerBookingRoutes,
  registerTemplateRoutes,
  registerInboxRoutes,
  registerWaitlistRoutes,
  registerOutcomeRoutes,
  registerMoveRoutes,
  registerErasureRoutes,
  registerImportRoutes,
  registerMetricsRoutes,
  registerConsentRoutes,
];

export function createAdminRouter(
  deps: Deps,
  extra: RegisterRoutes[] = [],
  options: { callerOf?: CallerOf } = {},
): Router {
  const callerOf = options.callerOf ?? ((event: unknown) => callerFromIam(event, deps.config));
  const router = new Router({ logger: deps.log as never });
  router.get('/health', async () => {
    const table = await checkHealth(deps);
    if (!table.answers) {
      deps.log.warn('health: the table is not answering', { reason: table.reason });
      return databaseUnavailable();
    }
    return json(200, { status: 'ok', trust: deps.config.trustId, time: deps.now().toISOString() });
  });
  registerOpenApiRoutes(router, deps);
  router.use(auditMiddleware(deps, callerOf));
  for (const register of [...RESOURCES, registerAuditRoutes, ...extra]) register(router, deps);
  router.errorHandler(Error, async (err) => errorResponse(err, deps.log));
  router.notFound(async (err) => errorResponse(err, deps.log));
  router.methodNotAllowed(async (err) => errorResponse(err, deps.log));
  return router;
}
