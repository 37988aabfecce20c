/**
 * The seam between the web pages and staff sign-in. The router asks a StaffSessionPort who is signed in;
 * the sessions work (OpenID Connect, server-side sessions in the table) provides the real port, and tests
 * or the local runtime may register their own. Nothing here signs anyone in.
 */

import type { Caller, Role } from '#core/roles.ts';
import type { SessionEndReason } from '#core/session-end.ts';

export { ROLES, type Role } from '#core/roles.ts';

/** How each role is named on a page. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  scheduler: 'Scheduler',
  'health-visitor': 'Health visitor',
  manager: 'Service manager',
  admin: 'Administrator',
};

/** A signed-in member of staff, as their server-side session holds them. */
export interface StaffMember {
  /** The session's id (the random value the cookie carries). */
  readonly id: string;
  /** The identity provider's subject (`sub`), which the audit trail records. */
  readonly subject: string;
  /** The display name, shown in the header. */
  readonly name: string;
  /** The Attend roles the person's claims map to; empty means signed in without access to Attend. */
  readonly roles: readonly Role[];
  /** The session's CSRF secret (functions/web/csrf.ts `newCsrfSecret`); tokens are derived from it. */
  readonly csrfSecret: string;
}

/** The caller a signed-in member of staff is, for the route table's permission check and audit. */
export function callerOfStaff(staff: StaffMember): Caller {
  return { kind: 'oidc', subject: staff.subject, name: staff.name, roles: staff.roles, sessionId: staff.id };
}

/** Why a request's session ended, as its page says it (never who ended it); `unknown` when not known. */
export type EndedReason = SessionEndReason | 'unknown';

/** A request that carries the cookie of a session that has ended (functions/services/staff-auth.ts). */
export interface EndedStaffSession {
  readonly reason: EndedReason;
  /** The trust's idle and absolute limits, which the page names for `idle` and `time-limit`. */
  readonly idleMinutes: number;
  readonly absoluteHours: number;
  /** Where "Sign in again" goes: the page asked for (a path on this origin), or `/`. */
  readonly signInAgain: string;
  /** Set on the page: at least the session cookie cleared, so "Sign in again" starts a sign-in. */
  readonly cookies: readonly string[];
}

export interface StaffSessionPort {
  /** The signed-in person for this request (from its session cookie), or undefined. */
  current(request: Request): Promise<StaffMember | undefined>;
  /**
   * For a request with no live session: if it carries the cookie of a session that has ended, why. The
   * router then shows "Your session has ended" (with "Sign in again") instead of the sign-in redirect.
   */
  endedSession?(request: Request): Promise<EndedStaffSession | undefined>;
  /** Where a signed-out person goes for a page that needs sign-in: normally a redirect to the provider. */
  signInRedirect(request: Request): Promise<Response> | Response;
}

/**
 * The port used until sign-in is wired in: nobody is signed in, and a page that needs sign-in answers
 * 503, which the router shows as its "service unavailable" page. It never lets anyone in.
 */
export const signInNotConfigured: StaffSessionPort = {
  current: async () => undefined,
  signInRedirect: () => new Response(null, { status: 503 }),
};
