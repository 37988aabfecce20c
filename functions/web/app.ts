/**
 * The web app: the page router with every page module registered, the renderer and the assets. Built
 * once per cold start by functions/web-app.ts (and by tests, with their own session port).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { RouteContext } from '#api/dispatch.ts';
import type { Deps } from '#services/deps.ts';
import { browserApiDoor, STAFF_API_PREFIX } from './api-door.ts';
import { AssetCatalogue } from './assets.ts';
import { registerFamilyPages } from './pages/families.ts';
import { registerFollowUpPages } from './pages/follow-ups.ts';
import { registerHomePages } from './pages/home.ts';
import { registerImportPages } from './pages/import.ts';
import { registerInboxPages } from './pages/inbox.ts';
import { registerLetterPages } from './pages/letters.ts';
import { registerMetricsPages } from './pages/metrics.ts';
import { registerParentPages } from './pages/parent.ts';
import { registerSessionPages } from './pages/sessions.ts';
import { registerShortNoticePages } from './pages/short-notice.ts';
import { type SignInRoutes, signInPages } from './pages/sign-in.ts';
import { registerSlotPages } from './pages/slots.ts';
import { registerTodayPages } from './pages/today.ts';
import { type WebPaths, webPaths } from './paths.ts';
import { requestFromRestEvent, restResultFromResponse } from './proxy.ts';
import { Renderer } from './render.ts';
import { type RegisterPages, WebRouter } from './router.ts';
import type { StaffSessionPort } from './staff-session.ts';

export type { RegisterPages } from './router.ts';

/** Every page module of the web app. */
const PAGES: readonly RegisterPages[] = [
  registerHomePages,
  registerSessionPages,
  registerMetricsPages,
  registerShortNoticePages,
  registerImportPages,
  registerSlotPages,
  registerTodayPages,
  registerFamilyPages,
  registerInboxPages,
  registerFollowUpPages,
  registerLetterPages,
  registerParentPages,
];

export interface WebAppOptions {
  /** Who is signed in (the staff sign-in service, or a test's port). */
  readonly staffSessions: StaffSessionPort;
  /** The sign-in service's callback and sign-out, served at /auth/callback and /auth/sign-out. */
  readonly signIn?: SignInRoutes;
  /** Extra page modules (tests). */
  readonly pages?: readonly RegisterPages[];
  /** Where templates and assets are (default: next to the code, see paths.ts). */
  readonly paths?: WebPaths;
  /** More template folders for the extra pages (tests). */
  readonly extraTemplates?: readonly string[];
  /** Origins forms may post or be redirected to after posting, besides this one (the identity provider's). */
  readonly formActionOrigins?: readonly string[];
  /**
   * The admin API's route table context (the cursor key): pages call routes with `page.invoke`, and the
   * browser door serves the table as JSON under /staff/api. Without it, neither is there.
   */
  readonly routes?: RouteContext;
}

export interface WebApp {
  readonly router: WebRouter;
  readonly assets: AssetCatalogue;
  /** Answers a web Request (tests and the local runtime's fetch-style callers). */
  handle(request: Request): Promise<Response>;
  /** Answers a REST API proxy event, as the deployed front door and the local runtime deliver it. */
  handleEvent(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult>;
}

export function createWebApp(deps: Deps, options: WebAppOptions): WebApp {
  const paths = options.paths ?? webPaths();
  const assets = AssetCatalogue.load(paths.public);
  const renderer = new Renderer({
    paths,
    assets,
    trustName: deps.config.trustName,
    ...(options.extraTemplates && { extraTemplates: options.extraTemplates }),
  });
  const router = new WebRouter({
    renderer,
    assets,
    staffSessions: options.staffSessions,
    log: deps.log,
    audit: deps,
    ...(options.formActionOrigins && { formActionOrigins: options.formActionOrigins }),
    ...(options.routes && { routes: options.routes }),
  });
  if (options.routes) router.mount(STAFF_API_PREFIX, browserApiDoor(options.routes, options.staffSessions));
  const signIn = options.signIn ? [signInPages(options.signIn)] : [];
  for (const register of [...PAGES, ...signIn, ...(options.pages ?? [])]) register(router, deps);
  return {
    router,
    assets,
    handle: (request) => router.handle(request),
    async handleEvent(event) {
      const request = requestFromRestEvent(event);
      return restResultFromResponse(await router.handle(request), request.method);
    },
  };
}
