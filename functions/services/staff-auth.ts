/**
 * Staff sign-in and sessions: the browser door (OpenID Connect, server-side sessions) and the IAM door.
 *
 * A sign-in in progress is held server-side: `beginSignIn` stores the `state`, `nonce` and PKCE verifier
 * in a short-lived item keyed by `state`, and binds it to the browser with a random sign-in cookie (the
 * item keeps only the cookie's hash). The callback takes the item once (a conditional delete), so a
 * replayed callback finds nothing; a callback from another browser (login CSRF) fails the binding. We
 * chose the table over an encrypted cookie because it needs no key to manage or rotate, makes each
 * sign-in single-use, and matches the sessions, which live in the table too.
 */
import { randomUUID } from 'node:crypto';
import type { CustomFetch } from 'openid-client';
import type { OidcConfig } from '#core/config/staff-access.ts';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { type Caller, type Role, rolesFromClaims } from '#core/roles.ts';
import { type AuditEntry, auditActor, recordAudit } from '#store/audit.ts';
import {
  clearReauthentication,
  createSession,
  deleteSession,
  type EndedSession,
  endedSession,
  getSession,
  markReauthentication,
  putSignIn,
  reauthenticationMark,
  type StaffSessionEntry,
  type StaffSessionRecord,
  takeSignIn,
  touchSession,
} from '#store/sessions.ts';
import type { Deps } from './deps.ts';

export { callerFromIam } from './iam-door.ts';

import { OidcClient, type OidcCredentials, SignInRefusal, type SignInRefusalReason } from './oidc-client.ts';
import {
  type CookiePolicy,
  clearReauthCookie,
  clearSessionCookie,
  cookiePolicy,
  hasReauthCookie,
  randomToken,
  readTokenCookie,
  reauthCookie,
  sameToken,
  sessionCookie,
  signInCookie,
  tokenHash,
} from './staff-cookies.ts';
import { endReason, endSessions } from './staff-sessions.ts';

/** What the web layer sees of a signed-in person's session. */
export interface StaffSession {
  /** The session's public handle (the hash of the cookie token): safe to log, audit and show. */
  readonly id: string;
  readonly subject: string;
  readonly name: string;
  readonly roles: readonly Role[];
  /** Per-session secret for CSRF tokens (base64url, 256 bits). Never send it to the browser. */
  readonly csrfSecret: string;
  readonly createdAt: string;
  readonly idleExpiresAt: string;
  readonly absoluteExpiresAt: string;
  /** CIS2: the role the person chose at sign-in, for a later "change role". */
  readonly selectedRoleId?: string;
}

/**
 * A request that carries the cookie of a session that has ended: why (`unknown` when the table no longer
 * knows the session, such as one its TTL removed), the limits the page can name, where "Sign in again"
 * goes, and the cookies to set (the session cookie cleared, so that link starts a sign-in).
 */
export interface SessionEnded {
  readonly reason: EndedSession['reason'] | 'unknown';
  readonly idleMinutes: number;
  readonly absoluteHours: number;
  readonly signInAgain: string;
  readonly cookies: readonly string[];
}

/** The answer to a request that needs sign-in: where to send the browser and the cookies to set. */
export interface Redirect {
  readonly location: string;
  readonly cookies: readonly string[];
}

export type SignInFailure = SignInRefusalReason | 'unknown-sign-in' | 'sign-in-expired';

export type CompleteSignInResult =
  | (Redirect & { readonly kind: 'signed-in'; readonly session: StaffSession; readonly caller: Caller })
  /**
   * Signed in at the provider, but no claim maps to a role: a session with no roles, so the person sees
   * the "no access" page (with their name, and a sign-out button that needs the session's CSRF secret)
   * and every other route refuses them. `location` is /auth/no-access.
   */
  | (Redirect & { readonly kind: 'no-access'; readonly session: StaffSession; readonly caller: Caller })
  /**
   * The person's sessions were ended by a manager or administrator since they last authenticated, and
   * this sign-in did not make the provider ask: no session; `location` is a fresh sign-in with
   * `prompt=login`, so the provider asks for credentials before they are back in.
   */
  | (Redirect & { readonly kind: 'reauthenticate' })
  /** The callback was refused: show an error page whose "sign in again" begins a fresh sign-in. */
  | { readonly kind: 'refused'; readonly reason: SignInFailure; readonly cookies: readonly string[] };

export interface StaffAuthOptions {
  /** The web app's public origin: `https://attend.<trust domain>`, or `http://localhost:<port>` locally. */
  readonly publicOrigin: string;
  readonly credentials: OidcCredentials;
  /** The real clock ID tokens are checked against (epoch ms); see OidcClientOptions.tokenClock. */
  readonly tokenClock?: () => number;
  /** Replaces fetch for calls to the provider (tests alter its answers with this). */
  readonly fetch?: CustomFetch;
}

/** The whole trust config: sign-in reads `staffAccess`, which the event path's config leaves out. */
export type StaffAuthDeps = Pick<Deps<TrustConfig>, 'store' | 'config' | 'now' | 'sessionNow' | 'log'>;

/** A sign-in must come back from the provider within this time. */
const SIGN_IN_MINUTES = 10;
/** A session's idle expiry is slid at most once a minute, so a busy page does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

export const CALLBACK_PATH = '/auth/callback';
export const NO_ACCESS_PATH = '/auth/no-access';

const plusMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);
const earliest = (a: Date, b: Date) => (a < b ? a : b);

function toStaffSession(record: StaffSessionRecord): StaffSession {
  return {
    id: record.id,
    subject: record.subject,
    name: record.name,
    roles: record.roles,
    csrfSecret: record.csrfSecret,
    createdAt: record.createdAt,
    idleExpiresAt: record.idleExpiresAt,
    absoluteExpiresAt: record.absoluteExpiresAt,
    ...(record.selectedRoleId ? { selectedRoleId: record.selectedRoleId } : {}),
  };
}

/** The caller a session acts as: its person and roles, for the permission check and the audit trail. */
export function callerOfSession(session: StaffSession): Caller {
  return {
    kind: 'oidc',
    subject: session.subject,
    name: session.name,
    roles: session.roles,
    sessionId: session.id,
  };
}

/**
 * Where to return after sign-in: the page asked for, if it is a plain path on this origin (never
 * another host, and never the sign-in routes themselves).
 */
export function safeReturnTo(request: Request): string {
  if (request.method !== 'GET') return '/';
  const url = new URL(request.url);
  const path = `${url.pathname}${url.search}`;
  if (
    !path.startsWith('/') ||
    path.startsWith('//') ||
    path.startsWith('/\\') ||
    url.pathname.startsWith('/auth/')
  )
    return '/';
  return path.length > 1024 ? '/' : path;
}

export interface StaffAuth {
  /** Starts a sign-in: a redirect to the provider's authorization endpoint, and the sign-in cookie. */
  beginSignIn(request: Request): Promise<Redirect>;
  /** beginSignIn as a 302 Response, for the web layer's StaffSessionPort. */
  signInRedirect(request: Request): Promise<Response>;
  /** Handles GET /auth/callback. */
  completeSignIn(request: Request): Promise<CompleteSignInResult>;
  /**
   * The signed-in session of a request, or undefined (no cookie, unknown, ended, idle or past its
   * absolute limit). Slides the idle expiry unless `touch: false` (background polling must not count).
   */
  currentSession(request: Request, options?: { touch?: boolean }): Promise<StaffSession | undefined>;
  /** currentSession, by the name the web layer's StaffSessionPort uses. */
  current(request: Request, options?: { touch?: boolean }): Promise<StaffSession | undefined>;
  /**
   * For a request with no live session: whether it carries the cookie of one that has ended, and why.
   * Undefined when there is no session cookie (never signed in here, or signed out in this browser).
   */
  endedSession(request: Request): Promise<SessionEnded | undefined>;
  /** Handles POST /auth/sign-out (after its CSRF check): ends the session, clears the cookie. */
  signOut(request: Request): Promise<Redirect & { readonly ended: boolean }>;
  /** Ends one session by its public id (an administrator's action, or "sign out that device"). */
  endSession(actor: Caller, sessionId: string): Promise<{ ended: boolean }>;
  /** Ends every session of one person, or of everyone. */
  endAllSessions(actor: Caller, scope: { subject: string } | 'everyone'): Promise<{ ended: number }>;
  /** The cookie names and flags in use (the web layer reads no cookie itself). */
  readonly cookies: CookiePolicy;
}

export function createStaffAuth(deps: StaffAuthDeps, options: StaffAuthOptions): StaffAuth {
  const policy = cookiePolicy(options.publicOrigin);
  const origin = new URL(options.publicOrigin).origin;
  const redirectUri = `${origin}${CALLBACK_PATH}`;
  const sessionsConfig = deps.config.staffAccess.sessions;
  // Real time, as the provider's auth_time is (see StaffAuthOptions.tokenClock).
  const realNow = options.tokenClock ?? Date.now;
  // Sessions and sign-ins in progress are timed on the session clock (real time; locally not the
  // virtual clock, which staff move for the schedules). The audit trail keeps `now`, as every record.
  const sessionNow = deps.sessionNow ?? deps.now;
  let oidcClient: OidcClient | undefined;

  const oidcConfig = (): OidcConfig => {
    const oidc = deps.config.staffAccess.oidc;
    if (!oidc) throw new Error('staffAccess.oidc is not configured: staff cannot sign in with a browser');
    return oidc;
  };
  const oidc = (): OidcClient => {
    oidcClient ??= new OidcClient({
      config: oidcConfig(),
      redirectUri,
      credentials: options.credentials,
      ...(options.tokenClock ? { tokenClock: options.tokenClock } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    return oidcClient;
  };

  const audit = async (entry: Omit<AuditEntry, 'id' | 'at' | 'fields'>): Promise<void> => {
    try {
      await recordAudit(deps.store, { id: randomUUID(), at: deps.now().toISOString(), fields: [], ...entry });
    } catch (err) {
      // As for every audit write: logged, never hidden, and it does not undo what already happened.
      deps.log.error('audit record not written', { action: entry.action, error: err as Error });
    }
  };

  const sessionIdOf = (request: Request): string | undefined => {
    const token = readTokenCookie(request, policy.sessionName);
    return token ? tokenHash(token) : undefined;
  };

  /** `live`: end it only if it has not timed out already (someone ending it: then it is not counted). */
  const endStored = async (
    entry: StaffSessionEntry,
    reason?: EndedSession['reason'],
    options: { live?: boolean } = {},
  ): Promise<boolean> =>
    deleteSession(deps.store, entry, reason && { reason, endedAt: sessionNow().toISOString() }, options);

  const currentSession: StaffAuth['currentSession'] = async (request, opts = {}) => {
    const id = sessionIdOf(request);
    if (!id) return undefined;
    const record = await getSession(deps.store, id);
    if (!record) return undefined;
    const now = sessionNow();
    const nowIso = now.toISOString();
    if (nowIso >= record.idleExpiresAt || nowIso >= record.absoluteExpiresAt) {
      const reason = nowIso >= record.absoluteExpiresAt ? 'time-limit' : 'idle';
      await endStored({ sessionId: record.id, subject: record.subject }, reason);
      return undefined;
    }
    if ((opts.touch ?? true) && now.getTime() - Date.parse(record.lastSeenAt) >= TOUCH_EVERY_MS) {
      const idle = earliest(plusMinutes(now, sessionsConfig.idleMinutes), new Date(record.absoluteExpiresAt));
      const touched = await touchSession(deps.store, record.id, nowIso, idle.toISOString());
      if (!touched) return undefined;
      return toStaffSession({ ...record, lastSeenAt: nowIso, idleExpiresAt: idle.toISOString() });
    }
    return toStaffSession(record);
  };

  const startSignIn = async (
    request: Request,
    options: { forceLogin: boolean; returnTo: string },
  ): Promise<Redirect> => {
    const start = await oidc().authorizationRequest({ forceLogin: options.forceLogin });
    // One binding per browser, reused by sign-ins started in several tabs at once.
    const binding = readTokenCookie(request, policy.signInName) ?? randomToken();
    const now = sessionNow();
    await putSignIn(deps.store, {
      state: start.state,
      nonce: start.nonce,
      codeVerifier: start.codeVerifier,
      browserBinding: tokenHash(binding),
      returnTo: options.returnTo,
      ...(options.forceLogin ? { forceLogin: true } : {}),
      createdAt: now.toISOString(),
      expiresAt: plusMinutes(now, SIGN_IN_MINUTES).toISOString(),
    });
    return {
      location: start.url.href,
      cookies: [signInCookie(policy, binding, SIGN_IN_MINUTES * 60)],
    };
  };

  const beginSignIn: StaffAuth['beginSignIn'] = (request) =>
    // After a sign-out from this browser the provider must ask again (its own session may still be open).
    startSignIn(request, { forceLogin: hasReauthCookie(request, policy), returnTo: safeReturnTo(request) });

  const completeSignIn: StaffAuth['completeSignIn'] = async (request) => {
    const query = new URL(request.url).searchParams;
    const refused = (reason: SignInFailure): CompleteSignInResult => ({
      kind: 'refused',
      reason,
      cookies: [],
    });
    const state = query.get('state');
    const binding = readTokenCookie(request, policy.signInName);
    if (!state || !binding) return refused('unknown-sign-in');
    const record = await takeSignIn(deps.store, state);
    if (!record || !sameToken(record.browserBinding, tokenHash(binding))) return refused('unknown-sign-in');
    const now = sessionNow();
    if (now.toISOString() >= record.expiresAt) return refused('sign-in-expired');

    let identity: Awaited<ReturnType<OidcClient['completeAuthorization']>>;
    try {
      identity = await oidc().completeAuthorization(query, record);
    } catch (err) {
      if (!(err instanceof SignInRefusal)) throw err;
      // Only the reason and the error code: never the token, the claims or the error's cause.
      deps.log.warn('sign-in refused', { reason: err.reason, code: err.code });
      await audit({
        actor: 'unknown',
        action: 'SIGN_IN_FAILED',
        detail: err.code ? `${err.reason} (${err.code})` : err.reason,
      });
      return refused(err.reason);
    }

    // Someone ended this person's sessions after they last authenticated: unless the provider was just
    // told to ask for credentials, go round again with prompt=login (the provider's session alone, from
    // before the sessions were ended, does not bring them back).
    const mark = await reauthenticationMark(deps.store, identity.subject);
    if (mark !== undefined) {
      // auth_time has whole seconds: an authentication in the same second as the mark cannot be told from
      // one just before it, so it counts as before it (on the safe side: asked once more). The round
      // with prompt=login is taken whatever its auth_time, so this never asks twice.
      const authSeconds = identity.authTime ? Date.parse(identity.authTime) / 1000 : 0;
      if (!record.forceLogin && authSeconds <= Math.floor(mark / 1000)) {
        const again = await startSignIn(request, { forceLogin: true, returnTo: record.returnTo });
        return { kind: 'reauthenticate', ...again };
      }
      await clearReauthentication(deps.store, identity.subject);
    }

    const mapped = rolesFromClaims(identity.claims, oidcConfig().roleClaims);

    // A sign-in always gets a new session: one the browser already had is ended (no fixation).
    const previous = sessionIdOf(request);
    const old = previous ? await getSession(deps.store, previous) : undefined;
    if (old) await endStored({ sessionId: old.id, subject: old.subject });

    const token = randomToken();
    const absolute = new Date(now.getTime() + sessionsConfig.absoluteHours * 3_600_000);
    const stored: StaffSessionRecord = {
      id: tokenHash(token),
      kind: 'oidc',
      issuer: identity.issuer,
      subject: identity.subject,
      name: identity.name,
      roles: mapped.roles,
      ...(mapped.selectedRole ? { selectedRoleId: mapped.selectedRole.id } : {}),
      csrfSecret: randomToken(),
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      idleExpiresAt: earliest(plusMinutes(now, sessionsConfig.idleMinutes), absolute).toISOString(),
      absoluteExpiresAt: absolute.toISOString(),
      ...(identity.authTime ? { authTime: identity.authTime } : {}),
    };
    await createSession(deps.store, stored);
    const session = toStaffSession(stored);
    const caller = callerOfSession(session);
    const cookies = [sessionCookie(policy, token)];
    if (hasReauthCookie(request, policy)) cookies.push(clearReauthCookie(policy));
    if (session.roles.length === 0) {
      await audit({ ...auditActor(caller), action: 'ACCESS_REFUSED', detail: 'no mapped role' });
      return { kind: 'no-access', session, caller, location: NO_ACCESS_PATH, cookies };
    }
    await audit({ ...auditActor(caller), action: 'SIGN_IN', detail: `roles: ${session.roles.join(', ')}` });
    return { kind: 'signed-in', session, caller, location: record.returnTo, cookies };
  };

  const signOut: StaffAuth['signOut'] = async (request) => {
    const id = sessionIdOf(request);
    const record = id ? await getSession(deps.store, id) : undefined;
    let ended = false;
    if (record) {
      ended = await endStored({ sessionId: record.id, subject: record.subject }, 'signed-out');
      const caller = callerOfSession(toStaffSession(record));
      await audit({ ...auditActor(caller), action: 'SIGN_OUT', recordId: record.id });
    }
    // Then out of the provider too, or the next visit would sign straight back in.
    let location = '/';
    try {
      location = (await oidc().endSessionUrl(`${origin}/`))?.href ?? '/';
    } catch (err) {
      deps.log.warn('provider sign-out page unavailable', { error: (err as Error).name });
    }
    // And whatever the provider does with its sign-out page (a person may walk away from it, or the
    // provider may not offer one), the next sign-in from this browser sends prompt=login.
    // Past maxAuthAgeMinutes the provider must ask anyway (max_age, auth_time), so the marker lasts that long.
    const maxAuthAgeMinutes = deps.config.staffAccess.oidc?.maxAuthAgeMinutes ?? 60;
    const reauth = reauthCookie(policy, maxAuthAgeMinutes * 60);
    return { ended, location, cookies: [clearSessionCookie(policy), reauth] };
  };

  const endSession: StaffAuth['endSession'] = async (actor, sessionId) => {
    const record = await getSession(deps.store, sessionId);
    if (!record) return { ended: false };
    // Their device may still hold the provider's session: their next sign-in must authenticate again.
    await markReauthentication(deps.store, record.subject, realNow());
    const ended = await endStored(
      { sessionId: record.id, subject: record.subject },
      endReason(actor, record.subject),
      { live: true },
    );
    if (ended) {
      await audit({
        ...auditActor(actor),
        action: 'SESSION_ENDED',
        recordId: record.id,
        detail: `of ${record.subject}`,
      });
    }
    return { ended };
  };

  const endedSessionOf: StaffAuth['endedSession'] = async (request) => {
    const id = sessionIdOf(request);
    if (!id) return undefined;
    const [ended, live] = await Promise.all([endedSession(deps.store, id), getSession(deps.store, id)]);
    // Live after all (a request racing this one slid it): the router's own sign-in redirect stands.
    const nowIso = sessionNow().toISOString();
    if (!ended && live && nowIso < live.idleExpiresAt && nowIso < live.absoluteExpiresAt) return undefined;
    return {
      reason: ended?.reason ?? 'unknown',
      idleMinutes: sessionsConfig.idleMinutes,
      absoluteHours: sessionsConfig.absoluteHours,
      signInAgain: safeReturnTo(request),
      cookies: [clearSessionCookie(policy)],
    };
  };

  const endAllSessions: StaffAuth['endAllSessions'] = (actor, scope) =>
    endSessions(deps, actor, scope, realNow);

  return {
    beginSignIn,
    async signInRedirect(request) {
      const redirect = await beginSignIn(request);
      const headers = new Headers({ location: redirect.location, 'cache-control': 'no-store' });
      for (const cookie of redirect.cookies) headers.append('set-cookie', cookie);
      return new Response(null, { status: 302, headers });
    },
    completeSignIn,
    currentSession,
    current: currentSession,
    endedSession: endedSessionOf,
    signOut,
    endSession,
    endAllSessions,
    cookies: policy,
  };
}
