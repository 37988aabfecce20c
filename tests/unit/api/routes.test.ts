/**
 * The route table itself: each route declared once, with who may use it (deny by default: a route with
 * no roles fails here), its path parameters checked, and the role rules of issue 11 kept.
 */
import { describe, expect, it } from 'vitest';
import { ADMINS, forStaff, MANAGERS, mayUse } from '#api/access.ts';
import { matchRoute } from '#api/match.ts';
import { ROUTES } from '#api/routes.ts';
import { ROLES } from '#core/roles.ts';

describe('the route table', () => {
  it('names each route once, by id and by method and path', () => {
    const ids = ROUTES.map((r) => r.id);
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s says who may call it', (_, route) => {
    expect(route.roles.length).toBeGreaterThan(0);
    expect(route.roles.every((role) => ROLES.includes(role))).toBe(true);
    // An admin may do everything; a manager whatever a scheduler or a health visitor may.
    expect(route.roles).toContain('admin');
    if (route.roles.includes('scheduler') || route.roles.includes('health-visitor'))
      expect(route.roles).toContain('manager');
    expect(route.summary.length).toBeGreaterThan(5);
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s checks each path parameter at the edge',
    (_, route) => {
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = route.params ? Object.keys(route.params.shape) : [];
      expect(declared.sort()).toEqual(names.sort());
    },
  );

  it('gives erasure, import and ending sessions to admins only; metrics and audit to managers and admins', () => {
    const roles = (id: string) => ROUTES.find((r) => r.id === id)?.roles;
    expect(roles('eraseClient')).toEqual(ADMINS);
    expect(roles('importFromEpr')).toEqual(ADMINS);
    expect(roles('endStaffSessions')).toEqual(ADMINS);
    expect(roles('listStaffSessions')).toEqual(ADMINS);
    expect(roles('getMetrics')).toEqual(MANAGERS);
    expect(roles('listAudit')).toEqual(MANAGERS);
    expect(roles('listFollowUps')).toEqual(forStaff('health-visitor'));
    expect(roles('cancelBooking')).toEqual(forStaff('scheduler'));
    expect(roles('recordOutcome')).toEqual(forStaff('scheduler', 'health-visitor'));
  });

  it('gives GET /families-to-call exactly the roles of GET /call-list, whose bookings it lists too', () => {
    // `include=cannot-reach` answers what `GET /call-list` does: it must not open it to anyone more.
    const roles = (id: string) => ROUTES.find((r) => r.id === id)?.roles;
    expect(roles('listFamiliesToCall')).toEqual(roles('getCallList'));
  });
});

describe('mayUse (deny by default)', () => {
  it.each([
    [[], ['admin'], false],
    [['scheduler'], ['admin'], false],
    [['scheduler'], forStaff('scheduler'), true],
    [['health-visitor'], forStaff('scheduler'), false],
    [['manager'], forStaff('scheduler'), true],
    [['scheduler', 'health-visitor'], MANAGERS, false],
  ] as const)('%j on a route for %j → %s', (held, allowed, expected) => {
    expect(mayUse(held, allowed)).toBe(expected);
  });
});

describe('matchRoute', () => {
  it('finds literal paths before parameters, and decodes parameters', () => {
    expect(matchRoute('POST', '/slots/session')).toMatchObject({
      kind: 'route',
      route: { id: 'createSession' },
    });
    expect(matchRoute('GET', '/slots/a%2Eb/')).toMatchObject({
      kind: 'route',
      route: { id: 'getSlot' },
      params: { id: 'a.b' },
    });
  });

  it('says which methods a served path allows, and when a path is not served', () => {
    expect(matchRoute('PUT', '/clients/abc')).toEqual({
      kind: 'method-not-allowed',
      allow: ['DELETE', 'GET', 'PATCH'],
    });
    expect(matchRoute('GET', '/nothing-here')).toEqual({ kind: 'not-found' });
  });

  it('refuses a percent-escape that does not decode', () => {
    expect(() => matchRoute('GET', '/clinics/%F0%28%8C%28')).toThrow(/not valid/);
  });
});
