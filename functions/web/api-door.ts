/**
 * The browser door to the route table: every route of the admin API as JSON under `/staff/api/…` on the
 * web origin, for the signed-in person's session. The staff app's scripts (and the done-when tests) call
 * it; pages call routes in-process instead (`page.invoke`, the same check and audit).
 *
 * - No session (signed out, idle, ended): 401 `UNAUTHENTICATED`, before anything else is looked at.
 * - Anything but GET needs the session's CSRF token in the `x-csrf-token` header (a script reads it from
 *   the page's `<meta name="csrf-token">`), and a request from another origin is refused: 403
 *   `CSRF_FAILED`. JSON cannot be sent cross-site with a custom header without CORS, which Attend never
 *   allows, so the header alone would do; the token keeps the two doors of the web app alike.
 * - Then the route's own permission check, schemas, cursors and audit (functions/api/dispatch.ts), as
 *   the signed-in person: the audit trail names them.
 */
import { answerRequest, notServed, type RouteContext } from '#api/dispatch.ts';
import { matchRoute } from '#api/match.ts';
import { errorResponse, json } from '#runtime/http.ts';
import { CSRF_HEADER, verifyCsrfToken } from './csrf.ts';
import { auditEarlyRefusal } from './refusal-audit.ts';
import { callerOfStaff, type StaffSessionPort } from './staff-session.ts';

/** Where the browser door is mounted on the web origin. */
export const STAFF_API_PREFIX = '/staff/api';

const READ_METHODS = new Set(['GET', 'HEAD']);

export function browserApiDoor(
  ctx: RouteContext,
  staffSessions: StaffSessionPort,
): (request: Request, url: URL) => Promise<Response> {
  const { log } = ctx.deps;
  return async (request, url) => {
    try {
      const staff = await staffSessions.current(request);
      if (!staff) {
        return json(401, {
          error: {
            code: 'UNAUTHENTICATED',
            message: 'Sign in to Attend first: there is no signed-in session',
          },
        });
      }
      const method = request.method.toUpperCase();
      if (!READ_METHODS.has(method)) {
        const origin = request.headers.get('origin');
        const token = request.headers.get(CSRF_HEADER);
        const crossOrigin = origin !== null && origin !== url.origin;
        if (crossOrigin || !verifyCsrfToken(staff.csrfSecret, token)) {
          log.warn('browser API call without a valid CSRF token refused', { method });
          await auditEarlyRefusal(ctx.deps, staff, {
            method,
            pattern: url.pathname,
            why: crossOrigin ? 'cross-origin' : 'csrf-token',
          });
          return json(403, {
            error: {
              code: 'CSRF_FAILED',
              message: `Send the session's CSRF token in the ${CSRF_HEADER} header (from the page's csrf-token meta tag)`,
            },
          });
        }
      }
      const path = url.pathname.slice(STAFF_API_PREFIX.length) || '/';
      const found = matchRoute(method, path);
      if (found.kind !== 'route') {
        return notServed(method, path, found.kind === 'method-not-allowed' ? found.allow : undefined);
      }
      return await answerRequest(ctx, found.route, callerOfStaff(staff), request, found.params, 'browser');
    } catch (err) {
      return errorResponse(err, log);
    }
  };
}
