import { randomUUID } from 'node:crypto';
import type { Middleware } from '@aws-lambda-powertools/event-handler/types';
import * as z from 'zod';
import { calendarDate } from '#core/dates.ts';
import type { Caller } from '#core/roles.ts';
import { json, readQuery } from '#runtime/http.ts';
import type { Deps } from '#services/deps.ts';
import { auditActor, auditByDay, recordAudit } from '#store/audit.ts';
import type { RegisterRoutes } from './context.ts';

/** Who made a request, from its event: the IAM door, or (in the web app) the signed-in session. */
export type CallerOf = (event: unknown) => Caller | undefined;

/**
 * Records every successful change made through the API: who (the caller's subject and name: the IAM
 * principal, the signed-in person, or locally "local-dev"), the action, the record and when. Reads are
 * not audited. A failure to audit is logged, not hidden, and does not undo the change already made.
 */
export function auditMiddleware(deps: Deps, callerOf: CallerOf): Middleware {
  return async ({ reqCtx, next }) => {
    const method = reqCtx.req.method;
    const fields = method === 'GET' ? [] : await bodyFieldNames(reqCtx.req.clone());
    await next();
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return;
    const status = reqCtx.res.status;
    if (status < 200 || status >= 300) return;
    const path = new URL(reqCtx.req.url).pathname;
    let recordId = reqCtx.params.id;
    if (!recordId) {
      try {
        const body = (await reqCtx.res.clone().json()) as { id?: unknown };
        if (typeof body?.id === 'string') recordId = body.id;
      } catch {
        // not JSON, or no id: the path says enough
      }
    }
    try {
      await recordAudit(deps.store, {
        id: randomUUID(),
        at: deps.now().toISOString(),
        ...actorOf(callerOf(reqCtx.event)),
        action: reqCtx.route ?? `${method} ${path}`,
        path,
        recordId,
        status,
        fields,
      });
    } catch (err) {
      deps.log.error('audit record not written', { action: `${method} ${path}`, error: err as Error });
    }
  };
}

function actorOf(caller: Caller | undefined) {
  return caller ? auditActor(caller) : { actor: 'anonymous' };
}

async function bodyFieldNames(req: Request): Promise<string[]> {
  try {
    const body: unknown = JSON.parse(await req.text());
    return body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).sort() : [];
  } catch {
    return [];
  }
}

export const auditQuery = z.object({
  date: calendarDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().optional(),
});

export const registerAuditRoutes: RegisterRoutes = (router, deps) => {
  /** One UTC day's changes, newest first (default today). */
  router.get('/audit', async ({ req }) => {
    const q = readQuery(req, auditQuery);
    const day = q.date ?? deps.now().toISOString().slice(0, 10);
    return json(200, { date: day, ...(await auditByDay(deps.store, day, q)) });
  });
};
