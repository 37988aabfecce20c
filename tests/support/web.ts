/** Web test support: a signed-in member of staff, a session port that returns them, and a web app to ask. */
import { fileURLToPath } from 'node:url';
import { createDocClient } from '#store/client.ts';
import { createWebApp, type RegisterPages, type WebApp } from '#web/app.ts';
import { newCsrfSecret } from '#web/csrf.ts';
import { redirect } from '#web/router.ts';
import type { Role, StaffMember, StaffSessionPort } from '#web/staff-session.ts';
import { exampleConfig, testDeps } from './dynamo.ts';

/** The identity provider's authorization endpoint the test port sends signed-out people to. */
export const TEST_SIGN_IN_URL = 'https://idp.example.nhs.uk/authorize';

export function aStaffMember(overrides: Partial<StaffMember> = {}): StaffMember {
  return {
    id: 'session-1',
    subject: 'subject-1',
    name: 'Sam Scheduler',
    roles: ['scheduler'] satisfies Role[],
    csrfSecret: newCsrfSecret(),
    ...overrides,
  };
}

/**
 * A session port for tests: the person signed in is whoever `who()` says (undefined: nobody), so a test
 * can sign in and out between requests.
 */
export function staffSessionsFor(who: () => StaffMember | undefined): StaffSessionPort {
  return {
    current: async () => who(),
    signInRedirect: () => redirect(TEST_SIGN_IN_URL, 302),
  };
}

/** Web-app dependencies that never touch DynamoDB (the pages under test do not). */
export function webTestDeps() {
  const store = {
    db: createDocClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'eu-west-2',
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
    }),
    table: 'attend-unused',
    metricsTable: 'attend-unused-metrics',
  };
  return testDeps(store, '2026-11-30T09:00:00Z', exampleConfig);
}

export interface TestWebApp extends WebApp {
  /** Signs in as this person (undefined: signs out) for the following requests. */
  signIn(staff: StaffMember | undefined): void;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, body: URLSearchParams | FormData, headers?: Record<string, string>): Promise<Response>;
}

export const TEST_ORIGIN = 'https://attend.example.nhs.uk';

/** Fixture templates for test pages (a form, an upload, a chart). */
export const TEST_TEMPLATES = fileURLToPath(new URL('../fixtures/web-templates', import.meta.url));

export function testWebApp(options: { staff?: StaffMember; pages?: RegisterPages[] } = {}): TestWebApp {
  let current = options.staff;
  const app = createWebApp(webTestDeps(), {
    staffSessions: staffSessionsFor(() => current),
    ...(options.pages && { pages: options.pages }),
    extraTemplates: [TEST_TEMPLATES],
  });
  return {
    ...app,
    signIn: (staff) => {
      current = staff;
    },
    get: (path, headers = {}) => app.handle(new Request(`${TEST_ORIGIN}${path}`, { headers })),
    post: (path, body, headers = {}) =>
      app.handle(new Request(`${TEST_ORIGIN}${path}`, { method: 'POST', body, headers })),
  };
}
