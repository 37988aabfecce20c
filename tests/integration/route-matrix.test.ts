/**
 * Issue 11's matrix: every route in the table × every role, and a caller with no role, through both
 * doors — the IAM door (function URL, the principal mapped through staffAccess.iamRoles) and the browser
 * door (`/staff/api/…` with a session cookie) — answers 403 in the error shape exactly when the table
 * says the role may not use the route, and otherwise gets past the check (whatever its input makes of
 * it, never a 5xx). Every refusal is on the audit trail with who was refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#api/routes.ts';
import type { Role } from '#core/roles.ts';
import { type AuditEntry, auditByDay } from '#store/audit.ts';
import { type BrowserDoor, type BrowserSession, browserDoor, PEOPLE } from '#tests/support/browser-door.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, type ErrorResult, IAM_CALLER_ARNS, UNMAPPED_ARN } from '#tests/support/function-url.ts';

const DAY = '2026-11-23';
let deps: TestDeps;
let door: BrowserDoor;
const sessions = new Map<string, BrowserSession>();

beforeAll(async () => {
  deps = testDeps(await freshTable(), `${DAY}T10:00:00Z`);
  door = browserDoor(deps);
  for (const person of PEOPLE) sessions.set(person.name, await door.signIn(person));
});

/** A request for the route that any caller may send: ids that do not exist, an empty body. */
function requestFor(route: (typeof ROUTES)[number]): { path: string; body?: string; contentType: string } {
  const path = route.path.replace(/\{(\w+)\}/g, 'matrix-missing');
  if ('rawBody' in route && route.rawBody)
    return { path, body: 'not,a,known,header', contentType: 'text/csv' };
  if ('body' in route && route.body) return { path, body: '{}', contentType: 'application/json' };
  return { path, contentType: 'application/json' };
}

const CASES = ROUTES.flatMap((route) =>
  PEOPLE.map(
    (person) =>
      [`${route.method} ${route.path}`, person.roles.join('+') || 'no role', route, person] as const,
  ),
);

const refusedBy: { door: string; route: string; subject: string }[] = [];

function expectAsTheTableSays(
  status: number,
  body: unknown,
  allowed: boolean,
  where: { door: string; route: string; subject: string },
): void {
  if (allowed) {
    expect(status, `${where.door} ${where.route}: allowed, so past the check`).not.toBe(403);
    expect(status).toBeLessThan(500);
  } else {
    expect(status, `${where.door} ${where.route}: refused`).toBe(403);
    expect(Object.keys(body as object)).toEqual(['error']);
    expect((body as ErrorResult).error).toMatchObject({ code: 'FORBIDDEN', message: expect.any(String) });
    refusedBy.push(where);
  }
}

/** The table's answer, worked out here rather than by the code under test. */
const tableAllows = (roles: readonly Role[], route: (typeof ROUTES)[number]) =>
  route.roles.some((role) => roles.includes(role));

const arnOf = (roles: readonly Role[]) => (roles.length === 0 ? UNMAPPED_ARN : IAM_CALLER_ARNS[roles[0]!]);

describe('the IAM door', () => {
  it.each(CASES)('%s as %s', async (_, __, route, person) => {
    // Prepare
    const request = requestFor(route);

    // Act
    const res = await callApi(deps, route.method, request.path, request.body, arnOf(person.roles), {
      'content-type': request.contentType,
    });

    // Assess
    const subject = arnOf(person.roles);
    expectAsTheTableSays(res.status, res.body, tableAllows(person.roles, route), {
      door: 'iam',
      route: route.id,
      subject,
    });
  });

  it('refuses a signed request from a role with no mapping, on every route', async () => {
    for (const route of ROUTES) {
      const request = requestFor(route);
      const res = await callApi(deps, route.method, request.path, request.body, UNMAPPED_ARN);
      expect(res.status).toBe(403);
    }
  });
});

describe('the browser door', () => {
  it.each(CASES)('%s as %s', async (_, __, route, person) => {
    // Prepare
    const session = sessions.get(person.name)!;
    const request = requestFor(route);

    // Act
    const res = await door.call(session, route.method, request.path, request.body, {
      'content-type': request.contentType,
    });

    // Assess
    expect(res.headers.get('content-type')).toContain('application/json');
    expectAsTheTableSays(res.status, await res.json(), tableAllows(person.roles, route), {
      door: 'browser',
      route: route.id,
      subject: session.subject,
    });
  });
});

describe('the audit trail', () => {
  it('records every refusal, naming who was refused and which route', async () => {
    // Prepare: the matrix above ran first (vitest runs a file's tests in order).
    expect(refusedBy.length).toBeGreaterThan(100);
    const entries: AuditEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await auditByDay(deps.store, DAY, { limit: 500, cursor });
      entries.push(...page.items);
      cursor = page.cursor;
    } while (cursor);

    // Act
    const refusals = entries.filter((e) => e.status === 403);

    // Assess: the ones refused here (the unmapped-role sweep adds its own).
    const matrixRefusals = refusals.filter((e) => !(e.actor === UNMAPPED_ARN && e.actorKind === 'iam'));
    const expected = refusedBy.filter((r) => r.subject !== UNMAPPED_ARN);
    expect(matrixRefusals).toHaveLength(expected.length);
    const browserRefusal = refusals.find((e) => e.actorKind === 'oidc');
    expect(browserRefusal).toMatchObject({
      actorName: expect.stringMatching(/^Demo |^Nobody/),
      sessionId: expect.any(String),
      path: expect.stringMatching(/^\/staff\/api\//),
      detail: expect.stringMatching(/^refused: needs /),
    });
    for (const r of expected) {
      expect(refusals.some((e) => e.actor === r.subject)).toBe(true);
    }
  });
});
