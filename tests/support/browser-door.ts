/**
 * The browser door for tests: the web app with the real staff-sessions service on DynamoDB Local and
 * the route table, and signed-in sessions made straight in the table (the sign-in flow itself is tested
 * against the local provider in staff-sign-in.test.ts), so a test calls `/staff/api/…` as each role.
 */
import { ROLES, type Role } from '#core/roles.ts';
import { createStaffAuth, type StaffAuth } from '#services/staff-auth.ts';
import { randomToken, tokenHash } from '#services/staff-cookies.ts';
import { createSession } from '#store/sessions.ts';
import { createWebApp, type WebApp } from '#web/app.ts';
import { csrfToken } from '#web/csrf.ts';
import { silentLog, type TestDeps } from './dynamo.ts';
import { testRouteContext } from './function-url.ts';

export const WEB_ORIGIN = 'https://attend.example.nhs.uk';

export interface BrowserSession {
  readonly subject: string;
  readonly name: string;
  readonly roles: readonly Role[];
  /** The session's public handle (what the audit trail records). */
  readonly id: string;
  /** `Cookie` header value. */
  readonly cookie: string;
  /** A CSRF token for the session (for `x-csrf-token`). */
  readonly csrf: string;
}

export interface BrowserDoor {
  readonly app: WebApp;
  readonly auth: StaffAuth;
  /** Signs someone in: a live session in the table, as sign-in would write it. */
  signIn(person: { name: string; roles: readonly Role[]; subject?: string }): Promise<BrowserSession>;
  /** Calls `/staff/api<path>` as this session (or signed out); non-GET carry the CSRF token unless told not to. */
  call(
    session: BrowserSession | undefined,
    method: string,
    path: string,
    body?: string,
    headers?: Record<string, string>,
    options?: { csrf?: boolean },
  ): Promise<Response>;
}

export function browserDoor(deps: TestDeps): BrowserDoor {
  const routes = testRouteContext(deps);
  const auth = createStaffAuth(
    { store: deps.store, config: routes.deps.config, now: deps.now, log: silentLog },
    {
      publicOrigin: WEB_ORIGIN,
      credentials: { secret: async () => 'unused', kmsSign: async () => new Uint8Array() },
    },
  );
  const app = createWebApp(routes.deps, { staffSessions: auth, routes });
  return {
    app,
    auth,
    async signIn(person) {
      const token = randomToken();
      const now = deps.now();
      const csrfSecret = randomToken();
      const subject = person.subject ?? `subject-${tokenHash(person.name).slice(0, 12)}`;
      await createSession(deps.store, {
        id: tokenHash(token),
        kind: 'oidc',
        issuer: 'https://login.example.nhs.uk',
        subject,
        name: person.name,
        roles: [...person.roles],
        csrfSecret,
        createdAt: now.toISOString(),
        lastSeenAt: now.toISOString(),
        idleExpiresAt: new Date(now.getTime() + 30 * 60_000).toISOString(),
        absoluteExpiresAt: new Date(now.getTime() + 12 * 3_600_000).toISOString(),
      });
      return {
        subject,
        name: person.name,
        roles: person.roles,
        id: tokenHash(token),
        cookie: `${auth.cookies.sessionName}=${token}`,
        csrf: csrfToken(csrfSecret),
      };
    },
    call(session, method, path, body, headers = {}, options = {}) {
      const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
      if (session) all.cookie = session.cookie;
      if (session && method !== 'GET' && method !== 'HEAD' && options.csrf !== false)
        all['x-csrf-token'] = session.csrf;
      return app.handle(
        new Request(`${WEB_ORIGIN}/staff/api${path}`, {
          method,
          headers: all,
          ...(body !== undefined && method !== 'GET' && method !== 'HEAD' && { body }),
        }),
      );
    },
  };
}

/** One person per role, and one signed in with no role, as the matrix and fuzz tests use them. */
export const PEOPLE: readonly { name: string; roles: readonly Role[] }[] = [
  ...ROLES.map((role) => ({ name: `Demo ${role}`, roles: [role] })),
  { name: 'Nobody in particular', roles: [] },
];
