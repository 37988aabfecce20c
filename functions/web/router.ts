/**
 * The web function's page router: each page is declared once (method, path, who may open it, whether it
 * shows in the navigation) and every response, page or error, goes through one place that sets the
 * security headers and compresses it.
 *
 * Why not Powertools' HTTP Router, which the admin API uses: it resolves REST API (payload 1.0) events,
 * but as of 2.35 it decodes base64 request bodies to UTF-8 text (a non-UTF-8 upload is corrupted),
 * splits Set-Cookie values on commas (an `Expires=` attribute breaks the cookie) and marks a response
 * base64 only when it is gzip or deflate (brotli assets and binary images would be sent as mangled text).
 * A page router needs none of its JSON features, so this small one keeps full control of both ends.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { parse as parseCookies } from 'cookie';
import { invokeRoute, type RouteContext, type RouteInput, type RouteResult } from '#api/dispatch.ts';
import type { RouteId } from '#api/routes.ts';
import type { Deps, Log } from '#services/deps.ts';
import type { AssetCatalogue } from './assets.ts';
import { acceptedEncoding } from './assets.ts';
import { FormTooLargeError, FormUnreadableError, type ParsedForm, readForm } from './body.ts';
import { csrfToken, presentedCsrfToken, verifyCsrfToken } from './csrf.ts';
import { plainFieldMessage } from './form-messages.ts';
import { auditEarlyRefusal } from './refusal-audit.ts';
import type { LayoutContext, NavItem, Renderer } from './render.ts';
import { newNonce, type ResponseKind, securityHeaders } from './security-headers.ts';
import {
  callerOfStaff,
  type EndedStaffSession,
  ROLE_LABELS,
  type Role,
  type StaffMember,
  type StaffSessionPort,
} from './staff-session.ts';

/**
 * Who may open a page: anyone (`public`; parent pages check their own link and session), any signed-in
 * member of staff even with no role (`signed-in`: the no-access page), or staff with at least one of
 * the listed roles.
 */
export type Access = 'public' | 'signed-in' | readonly Role[];

export interface PageContext {
  readonly request: Request;
  readonly url: URL;
  /** The path's `:name` segments, decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string | undefined>>;
  /** The signed-in member of staff: always present on a page whose access is not `public`. */
  readonly staff: StaffMember | undefined;
  /** This response's CSP nonce. */
  readonly nonce: string;
  /** A POST's form, already checked for its CSRF token. */
  readonly form: ParsedForm | undefined;
  /**
   * Calls a route of the admin API's route table in-process as the signed-in person (functions/api,
   * `invokeRoute`): the route's own schemas, permission check (a role that may not gets `ok: false`,
   * status 403), cursors and audit, exactly as through either door. Never throws for a refusal or bad
   * input: the result says `ok` or carries the status and the error shape.
   */
  invoke<Id extends RouteId>(routeId: Id, input: RouteInput<Id>): Promise<RouteResult<Id>>;
  /** Renders a template in its layout, with the navigation, nonce and CSRF token filled in. */
  render(
    template: string,
    data?: Record<string, unknown>,
    init?: { status?: number; headers?: Record<string, string> },
  ): Response;
}

export interface PageDefinition {
  readonly method: 'GET' | 'POST';
  /** `/staff/families/:id`: literal segments and `:name` parameters. */
  readonly path: string;
  /** One line: what the page is for (shown in the route listing). */
  readonly summary: string;
  readonly access: Access;
  /** Shown in the header's navigation to those who may open it (GET pages only), in `order`. */
  readonly nav?: { readonly label: string; readonly order: number };
  /**
   * Whether the page shows personal data (`Cache-Control: no-store`). Every page is personal unless it
   * says `false`; only pages with nothing about a person should.
   */
  readonly personal?: boolean;
  /**
   * For a `public` POST page (parent pages): the CSRF secret of the request's own session. Staff pages
   * use the staff session's secret. A POST page without either cannot be registered.
   */
  readonly csrfSecret?: (request: Request) => Promise<string | undefined>;
  /**
   * For a `public` POST page: the answer to a form posted after its session has gone (no CSRF secret to
   * check it against), instead of the 403 "your form could not be sent". The post is still refused
   * (logged, audited, nothing done); this only says where to go next, such as the page it came from.
   */
  readonly sessionGone?: (params: Readonly<Record<string, string>>) => Response;
  readonly handler: (page: PageContext) => Promise<Response> | Response;
}

/** A module of pages: registers its pages on the router. A new area of the app is one more entry in PAGES (app.ts). */
export type RegisterPages = (router: WebRouter, deps: Deps) => void;

export interface WebRouterOptions {
  readonly renderer: Renderer;
  readonly assets: AssetCatalogue;
  readonly staffSessions: StaffSessionPort;
  readonly log: Log;
  /** Origins forms may post or be redirected to after posting, besides this one (the identity provider's). */
  readonly formActionOrigins?: readonly string[];
  /** The route table's context, for `page.invoke` (without it, invoking a route throws). */
  readonly routes?: RouteContext;
  /** Where refused form posts (CSRF, another origin) are audited; without it they are only logged. */
  readonly audit?: Pick<Deps, 'store' | 'now' | 'log'>;
}

/** A part of the origin answered by its own handler (the browser door's JSON API), headers still set here. */
type MountHandler = (request: Request, url: URL) => Promise<Response>;

/** A 303 See Other: the answer to every successful POST, and how pages send people on. */
export function redirect(location: string, status: 301 | 302 | 303 | 307 = 303): Response {
  return new Response(null, { status, headers: { location } });
}

/** The response with these Set-Cookie values added, each kept whole (sign-in and sign-out set cookies). */
export function withCookies(response: Response, cookies: readonly string[]): Response {
  for (const cookie of cookies) response.headers.append('set-cookie', cookie);
  return response;
}

/** What a 400 from `errorStatus` says on its error page, kept off the response itself. */
const ERROR_MESSAGES = new WeakMap<Response, string>();

/**
 * An empty response with this status: the router shows its error page (404, 403, 500, …), with
 * `message` (what is wrong, in words) on a 400's page instead of only "go back and try again".
 */
export function errorStatus(status: number, message?: string): Response {
  const response = new Response(null, { status });
  if (message) ERROR_MESSAGES.set(response, message);
  return response;
}

/**
 * A refused route call's 400 message for an error page: each field the route named and what is wrong
 * with it (`labels` gives the page's words for a field), else the route's own message.
 */
export function refusalMessage(
  error: { readonly message: string; readonly fields?: readonly { field: string; message: string }[] },
  labels: Readonly<Record<string, string>> = {},
): string {
  const fields = error.fields ?? [];
  if (fields.length === 0) return error.message;
  return fields
    .map((f) => plainFieldMessage(f, { name: labels[f.field] ?? f.field.replace(/^(query|path)\./, '') }))
    .join('. ');
}

interface CompiledPage {
  readonly definition: PageDefinition;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

const ERROR_TEMPLATES: Readonly<Record<number, string>> = {
  400: 'errors/bad-request.njk',
  403: 'errors/forbidden.njk',
  404: 'errors/not-found.njk',
  405: 'errors/not-found.njk',
  413: 'errors/bad-request.njk',
  503: 'errors/unavailable.njk',
};

/** Errors from the services map to error pages by their code (the AttendError tree's `code`). */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
};

const COMPRESS_MIN_BYTES = 1024;

function compile(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), names };
}

function allows(access: Access, staff: StaffMember | undefined): boolean {
  if (access === 'public') return true;
  if (!staff) return false;
  if (access === 'signed-in') return true;
  return staff.roles.some((role) => access.includes(role));
}

export class WebRouter {
  private readonly pages: CompiledPage[] = [];
  private readonly mounts: { readonly prefix: string; readonly handle: MountHandler }[] = [];

  constructor(private readonly options: WebRouterOptions) {}

  /**
   * Hands every request under `prefix` (any method) to `handle`, which answers it whole (JSON, say); the
   * response still gets the security headers and `no-store` here. Nothing under it can be a page.
   */
  mount(prefix: string, handle: MountHandler): this {
    if (!prefix.startsWith('/') || prefix.endsWith('/'))
      throw new Error(`Mount ${prefix}: /a/path, no trailing /`);
    this.mounts.push({ prefix, handle });
    return this;
  }

  /** Declares a page. Fails at start-up on a duplicate, or on a POST with no CSRF secret to check. */
  page(definition: PageDefinition): this {
    if (
      this.pages.some(
        (p) => p.definition.method === definition.method && p.definition.path === definition.path,
      )
    ) {
      throw new Error(`Page ${definition.method} ${definition.path} is declared twice`);
    }
    if (definition.method === 'POST' && definition.access === 'public' && !definition.csrfSecret) {
      throw new Error(
        `POST ${definition.path} is public: it needs csrfSecret (every POST checks a CSRF token)`,
      );
    }
    if (definition.nav && definition.method !== 'GET')
      throw new Error(`Only GET pages can be in the navigation`);
    const { pattern, names } = compile(definition.path);
    this.pages.push({ definition, pattern, names });
    return this;
  }

  /** Every declared page, for listings and tests. */
  routes(): readonly PageDefinition[] {
    return this.pages.map((p) => p.definition);
  }

  /** The navigation for this person: GET pages with `nav` that they may open, in order. */
  navigation(staff: StaffMember | undefined, currentPath: string): NavItem[] {
    if (!staff) return [];
    return this.pages
      .filter(
        (p) => p.definition.nav && p.definition.access !== 'public' && allows(p.definition.access, staff),
      )
      .sort((a, b) => (a.definition.nav?.order ?? 0) - (b.definition.nav?.order ?? 0))
      .map(({ definition }) => ({
        text: definition.nav?.label ?? definition.path,
        href: definition.path,
        current: currentPath === definition.path || currentPath.startsWith(`${definition.path}/`),
      }));
  }

  /** Answers one browser request. Never throws: every failure becomes an error page. */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const nonce = newNonce();
    const state: RequestState = { url, nonce, staff: undefined, layout: layoutFor(url.pathname) };
    let response: Response;
    let kind: ResponseKind = 'personal';
    try {
      const mount = this.mounts.find(
        (m) => url.pathname === m.prefix || url.pathname.startsWith(`${m.prefix}/`),
      );
      if (mount) {
        return this.finish(request, await mount.handle(request, url), 'personal', state);
      }
      if (url.pathname.startsWith('/assets/')) {
        const asset = this.asset(request, url);
        if (asset) return this.finish(request, asset, 'asset', state);
        response = errorStatus(404);
        kind = 'public';
      } else {
        ({ response, kind } = await this.dispatch(request, state));
      }
    } catch (err) {
      response = this.failure(err, state);
    }
    if (response.status >= 400 && response.body === null) {
      response = this.errorPage(response.status, state, response.headers, ERROR_MESSAGES.get(response));
    }
    // Anything shown to a signed-in person carries their name at least: never stored.
    if (state.staff) kind = 'personal';
    return this.finish(request, response, kind, state);
  }

  private asset(request: Request, url: URL): Response | undefined {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const found = this.options.assets.read(url.pathname, request.headers.get('accept-encoding'));
    if (!found) return undefined;
    const headers: Record<string, string> = { 'content-type': found.contentType, vary: 'accept-encoding' };
    if (found.encoding !== 'identity') headers['content-encoding'] = found.encoding;
    return new Response(new Uint8Array(found.body), { status: 200, headers });
  }

  private async dispatch(
    request: Request,
    state: RequestState,
  ): Promise<{ response: Response; kind: ResponseKind }> {
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const path = state.url.pathname.length > 1 ? state.url.pathname.replace(/\/+$/, '') : '/';
    const matches = this.pages
      .map((page) => ({ page, match: page.pattern.exec(path) }))
      .filter((m): m is { page: CompiledPage; match: RegExpExecArray } => m.match !== null);
    const found = matches.find((m) => m.page.definition.method === method);
    if (!found) {
      // Signed-in staff still see their navigation on a "page not found".
      if (state.layout === 'layouts/staff.njk')
        state.staff = await this.options.staffSessions.current(request);
      if (matches.length === 0) return { response: errorStatus(404), kind: 'public' };
      const allow = [...new Set(matches.map((m) => m.page.definition.method))].join(', ');
      return { response: new Response(null, { status: 405, headers: { allow } }), kind: 'public' };
    }
    const { definition, names } = found.page;
    const params: Record<string, string> = {};
    try {
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(found.match[i + 1] ?? '');
      });
    } catch {
      // A malformed percent-escape (`/p/%ZZ`) names no page: the same 404 as any unknown address.
      return { response: errorStatus(404), kind: 'public' };
    }
    if (definition.access !== 'public') {
      state.staff = await this.options.staffSessions.current(request);
      if (!state.staff) {
        // A session that has ended says so (and why), once: the page clears its cookie, so its "Sign in
        // again" link comes back without it and goes on to sign in (no loop, and no script needed).
        const ended = await this.options.staffSessions.endedSession?.(request);
        if (ended) return { response: this.sessionEnded(state, ended), kind: 'personal' };
        return { response: await this.options.staffSessions.signInRedirect(request), kind: 'personal' };
      }
      if (state.staff.roles.length === 0 && definition.access !== 'signed-in') {
        return { response: redirect('/auth/no-access'), kind: 'personal' };
      }
      if (!allows(definition.access, state.staff)) return { response: errorStatus(403), kind: 'personal' };
    }

    let form: ParsedForm | undefined;
    let csrfSecret = state.staff?.csrfSecret;
    if (definition.access === 'public' && definition.csrfSecret)
      csrfSecret = await definition.csrfSecret(request);
    if (request.method === 'POST') {
      const origin = request.headers.get('origin');
      if (origin !== null && origin !== state.url.origin) {
        this.options.log.warn('cross-origin form post refused', {
          route: definition.path,
          origin,
          expected: state.url.origin,
        });
        state.reason = 'form-expired';
        await auditEarlyRefusal(this.options.audit, state.staff, {
          method: 'POST',
          pattern: definition.path,
          why: 'cross-origin',
        });
        return { response: errorStatus(403), kind: 'personal' };
      }
      form = await readForm(request);
      if (!csrfSecret || !verifyCsrfToken(csrfSecret, presentedCsrfToken(request, form.fields))) {
        this.options.log.warn('form post without a valid CSRF token refused', { route: definition.path });
        await auditEarlyRefusal(this.options.audit, state.staff, {
          method: 'POST',
          pattern: definition.path,
          why: 'csrf-token',
        });
        state.reason = 'form-expired';
        if (!csrfSecret && definition.access === 'public' && definition.sessionGone)
          return { response: definition.sessionGone(params), kind: 'personal' };
        return { response: errorStatus(403), kind: 'personal' };
      }
    }

    const context: PageContext = {
      request,
      url: state.url,
      params,
      cookies: parseCookies(request.headers.get('cookie') ?? ''),
      staff: state.staff,
      nonce: state.nonce,
      form,
      invoke: (routeId, input) => {
        if (!this.options.routes)
          throw new Error('This web app has no route table context (WebRouterOptions.routes)');
        return invokeRoute(this.options.routes, routeId, state.staff && callerOfStaff(state.staff), input);
      },
      render: (template, data = {}, init = {}) =>
        this.html(
          template,
          { ...this.layoutContext(state, csrfSecret), ...data },
          init.status ?? 200,
          init.headers,
        ),
    };
    const response = await definition.handler(context);
    return { response, kind: definition.personal === false ? 'public' : 'personal' };
  }

  /** "Your session has ended": why, and a "Sign in again" link; the cookies it needs are set. */
  private sessionEnded(state: RequestState, ended: EndedStaffSession): Response {
    const response = this.html(
      'pages/session-ended.njk',
      {
        ...this.layoutContext(state),
        reason: ended.reason,
        idleMinutes: ended.idleMinutes,
        absoluteHours: ended.absoluteHours,
        signInAgain: ended.signInAgain,
      },
      200,
    );
    return withCookies(response, ended.cookies);
  }

  private layoutContext(state: RequestState, csrfSecret?: string): LayoutContext {
    const staff = state.staff;
    return {
      layout: state.layout,
      cspNonce: state.nonce,
      ...(csrfSecret && { csrfToken: csrfToken(csrfSecret) }),
      ...(staff && {
        staff: {
          name: staff.name,
          roles: staff.roles,
          roleNames: staff.roles.map((r) => ROLE_LABELS[r]).join(', '),
        },
      }),
      navigation: this.navigation(staff, state.url.pathname),
      currentPath: state.url.pathname,
    };
  }

  private html(
    template: string,
    context: LayoutContext & Record<string, unknown>,
    status: number,
    headers?: Record<string, string> | Headers,
  ): Response {
    const response = new Response(this.options.renderer.render(template, context), { status, headers });
    response.headers.set('content-type', 'text/html; charset=utf-8');
    return response;
  }

  private failure(err: unknown, state: RequestState): Response {
    if (err instanceof FormTooLargeError) return errorStatus(413);
    if (err instanceof FormUnreadableError) return errorStatus(400);
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
    const status = code ? STATUS_BY_CODE[code] : undefined;
    if (status) return errorStatus(status);
    this.options.log.error('unhandled error in a web page', {
      error: err as Error,
      path: state.url.pathname,
    });
    return errorStatus(500);
  }

  /** The error page for a status; a failure to render even that is a bare 500 that says nothing. */
  private errorPage(status: number, state: RequestState, headers: Headers, message?: string): Response {
    const template = ERROR_TEMPLATES[status] ?? 'errors/server-error.njk';
    try {
      const context = { ...this.layoutContext(state, state.staff?.csrfSecret), reason: state.reason };
      const response = this.html(template, { ...context, status, message }, status, headers);
      return response;
    } catch (err) {
      this.options.log.error('could not render an error page', { error: err as Error, status });
      return new Response('Sorry, there is a problem with the service.', {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
  }

  /** Security headers on everything; HTML compressed when the browser accepts it. */
  private async finish(
    request: Request,
    response: Response,
    kind: ResponseKind,
    state: RequestState,
  ): Promise<Response> {
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(
      securityHeaders({
        kind,
        https: state.url.protocol === 'https:',
        ...(kind !== 'asset' && { nonce: state.nonce }),
        ...(this.options.formActionOrigins && { formActionOrigins: this.options.formActionOrigins }),
      }),
    )) {
      headers.set(name, value);
    }
    const contentType = headers.get('content-type') ?? '';
    if (!contentType.startsWith('text/html') || headers.has('content-encoding') || response.body === null) {
      return new Response(response.body, { status: response.status, headers });
    }
    // A page is tens of kilobytes: compressing it synchronously costs about a millisecond.
    const body = Buffer.from(await response.arrayBuffer());
    headers.append('vary', 'accept-encoding');
    const encoding =
      body.length >= COMPRESS_MIN_BYTES
        ? acceptedEncoding(request.headers.get('accept-encoding'), ['br', 'gzip'])
        : 'identity';
    if (encoding === 'identity')
      return new Response(new Uint8Array(body), { status: response.status, headers });
    headers.set('content-encoding', encoding);
    const compressed =
      encoding === 'br'
        ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
        : gzipSync(body);
    return new Response(new Uint8Array(compressed), { status: response.status, headers });
  }
}

interface RequestState {
  readonly url: URL;
  readonly nonce: string;
  staff: StaffMember | undefined;
  readonly layout: string;
  /** Why a 403 was given, for its page (`form-expired`). */
  reason?: string;
}

/** Parent pages and everything under /p/ use the light layout; all else the staff one. */
function layoutFor(path: string): string {
  return path === '/p' || path.startsWith('/p/') ? 'layouts/parent.njk' : 'layouts/staff.njk';
}
