/**
 * The browser door (`/staff/api/…` on the web function) and in-process calls (`invokeRoute`, what the
 * staff pages use): the same route table, permission check, cursors and audit as the IAM door, as the
 * signed-in person. Real web app, real sessions service, DynamoDB Local.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { invokeRoute } from '#api/dispatch.ts';
import type { Caller } from '#core/roles.ts';
import { type AuditEntry, auditByDay } from '#store/audit.ts';
import { followUpItem } from '#store/follow-ups.ts';
import { type BrowserDoor, browserDoor, WEB_ORIGIN } from '#tests/support/browser-door.ts';
import { aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, testRouteContext } from '#tests/support/function-url.ts';
import { seed } from './helpers.ts';

const NOW = '2026-11-30T10:00:00.000Z';
const DAY = '2026-12-03';
let deps: TestDeps;
let door: BrowserDoor;

beforeAll(async () => {
  deps = testDeps(await freshTable(), NOW);
  const clinic = aClinic({ id: 'riverside' });
  const slots = Array.from({ length: 5 }, (_, i) =>
    aSlotFor(clinic, { startsAt: `${DAY}T0${i + 1}:00:00.000Z`, localDay: DAY }),
  );
  await seed(deps.store, { clinic, clients: [aClient({ id: 'erase-me' })], slots });
  door = browserDoor(deps);
});

async function auditNow(): Promise<AuditEntry[]> {
  return (await auditByDay(deps.store, NOW.slice(0, 10), { limit: 500 })).items;
}

const json = async <T>(res: Response) => (await res.json()) as T;

describe('the browser door', () => {
  it('answers a signed-out call with 401 in the error shape, whatever the route', async () => {
    // Act
    const reads = await door.call(undefined, 'GET', '/clinics');
    const erase = await door.call(undefined, 'DELETE', '/clients/erase-me');
    const unknown = await door.call(undefined, 'GET', '/no-such-thing');

    // Assess
    for (const res of [reads, erase, unknown]) {
      expect(res.status).toBe(401);
      expect(await json(res)).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
      expect(res.headers.get('cache-control')).toContain('no-store');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('refuses a change without the session’s CSRF token, or from another origin', async () => {
    // Prepare
    const admin = await door.signIn({ name: 'Alex Morgan', roles: ['admin'] });
    const body = JSON.stringify({ id: 'csrf-check', name: 'Csrf Check', venue: 'Csrf Check' });

    // Act
    const noToken = await door.call(admin, 'POST', '/clinics', body, {}, { csrf: false });
    const wrongToken = await door.call(
      admin,
      'POST',
      '/clinics',
      body,
      { 'x-csrf-token': 'forged' },
      { csrf: false },
    );
    const crossSite = await door.call(admin, 'POST', '/clinics', body, { origin: 'https://evil.example' });
    const sameSite = await door.call(admin, 'POST', '/clinics', body, { origin: WEB_ORIGIN });

    // Assess
    for (const res of [noToken, wrongToken, crossSite]) {
      expect(res.status).toBe(403);
      expect((await json<{ error: { code: string } }>(res)).error.code).toBe('CSRF_FAILED');
    }
    expect(sameSite.status).toBe(201);
    // Each refusal is in the audit trail, as the admin's, with why (and no field values).
    const refusals = (await auditNow()).filter(
      (e) => e.status === 403 && e.action === 'POST /staff/api/clinics',
    );
    expect(refusals.map((e) => e.detail).sort()).toEqual([
      'refused: no valid CSRF token',
      'refused: no valid CSRF token',
      'refused: sent from another origin',
    ]);
    for (const entry of refusals) expect(entry).toMatchObject({ actorName: 'Alex Morgan', fields: [] });
  });

  it('acts as the signed-in person: the audit trail names them, their session and the door', async () => {
    // Prepare
    const scheduler = await door.signIn({ name: 'Sam Patel', roles: ['scheduler'], subject: 'sub-sam' });

    // Act
    const created = await door.call(
      scheduler,
      'POST',
      '/clinics',
      JSON.stringify({ id: 'meadow', name: 'Meadow Lane', venue: 'Meadow Lane' }),
    );
    const erase = await door.call(scheduler, 'DELETE', '/clients/erase-me');

    // Assess
    expect(created.status).toBe(201);
    expect(erase.status).toBe(403);
    const trail = await auditNow();
    expect(trail.find((e) => e.action === 'POST /clinics' && e.recordId === 'meadow')).toMatchObject({
      actor: 'sub-sam',
      actorKind: 'oidc',
      actorName: 'Sam Patel',
      sessionId: scheduler.id,
      path: '/staff/api/clinics',
      status: 201,
      fields: ['id', 'name', 'venue'],
    });
    expect(trail.find((e) => e.action === 'DELETE /clients/{id}' && e.actor === 'sub-sam')).toMatchObject({
      actorName: 'Sam Patel',
      status: 403,
      recordId: 'erase-me',
      detail: 'refused: needs admin',
    });
  });

  it('pages with sealed cursors that either door opens, only for the query that made them', async () => {
    // Prepare
    const scheduler = await door.signIn({ name: 'Sam Patel', roles: ['scheduler'] });
    const query = `/slots?clinicId=riverside&date=${DAY}&limit=2`;

    // Act: three pages through the browser door, then a cursor carried to the IAM door and elsewhere.
    const seen: string[] = [];
    let path = query;
    let pages = 0;
    let firstCursor: string | undefined;
    for (;;) {
      const page = await json<{ items: { id: string }[]; cursor?: string }>(
        await door.call(scheduler, 'GET', path),
      );
      seen.push(...page.items.map((s) => s.id));
      pages += 1;
      firstCursor ??= page.cursor;
      if (!page.cursor) break;
      path = `${query}&cursor=${encodeURIComponent(page.cursor)}`;
    }
    const viaIam = await callApi<{ items: unknown[] }>(deps, 'GET', `${query}&cursor=${firstCursor}`);
    const otherClinic = await callApi(
      deps,
      'GET',
      `/slots?clinicId=meadow&date=${DAY}&cursor=${firstCursor}`,
    );
    const onAudit = await callApi(deps, 'GET', `/audit?cursor=${firstCursor}`);
    const onBookings = await door.call(
      scheduler,
      'GET',
      `/bookings?clinicId=riverside&date=${DAY}&cursor=${firstCursor}`,
    );

    // Assess
    expect(new Set(seen).size).toBe(5);
    expect(pages).toBe(3);
    // Sealed: neither the text nor its base64 decoding shows the key (random ciphertext may hold any letters).
    expect(Buffer.from(firstCursor!, 'base64url').toString('latin1')).not.toMatch(/SLOT#|"pk"|"sk"/);
    expect(firstCursor).not.toContain('SLOT#');
    expect(viaIam.status).toBe(200);
    expect(viaIam.body.items).toHaveLength(2);
    for (const status of [otherClinic.status, onAudit.status, onBookings.status]) expect(status).toBe(400);
  });

  it('opens nothing once the session is ended', async () => {
    // Prepare
    const manager = await door.signIn({ name: 'Tom Hughes', roles: ['manager'], subject: 'sub-tom' });
    expect((await door.call(manager, 'GET', '/metrics')).status).toBe(200);
    const admin = await door.signIn({ name: 'Alex Morgan', roles: ['admin'], subject: 'sub-alex' });

    // Act
    const ended = await door.call(admin, 'POST', '/sessions/end', JSON.stringify({ subject: 'sub-tom' }));
    const after = await door.call(manager, 'GET', '/metrics');

    // Assess
    expect(ended.status).toBe(200);
    expect(await json(ended)).toEqual({ ended: 1 });
    expect(after.status).toBe(401);
    const trail = await auditNow();
    expect(trail.find((e) => e.action === 'SESSIONS_ENDED' && e.recordId === 'sub-tom')).toMatchObject({
      actorName: 'Alex Morgan',
      detail: 'all sessions of the person (1)',
    });
    expect(trail.find((e) => e.action === 'POST /sessions/end')).toMatchObject({
      actorName: 'Alex Morgan',
      fields: ['subject'],
    });
  });

  it('answers a method a path does not serve with 405 and Allow, and a bad escape with 400', async () => {
    const admin = await door.signIn({ name: 'Alex Morgan', roles: ['admin'] });
    const put = await door.call(admin, 'PUT', '/clients/erase-me', '{}');
    const bad = await door.call(admin, 'GET', '/clinics/%F0%28%8C%28');
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('DELETE, GET, PATCH');
    expect((await json<{ error: { code: string } }>(put)).error.code).toBe('METHOD_NOT_ALLOWED');
    expect(bad.status).toBe(400);
  });
});

describe('invokeRoute (in-process, as the staff pages call routes)', () => {
  const scheduler: Caller = {
    kind: 'oidc',
    subject: 'sub-sam',
    name: 'Sam Patel',
    roles: ['scheduler'],
    sessionId: 's1',
  };
  const admin: Caller = {
    kind: 'oidc',
    subject: 'sub-alex',
    name: 'Alex Morgan',
    roles: ['admin'],
    sessionId: 's2',
  };

  it('checks the roles, parses the input and audits, as through either door', async () => {
    // Prepare
    const ctx = testRouteContext(deps);
    await seed(deps.store, { clients: [aClient({ id: 'erase-me-too' })] });

    // Act
    const refused = await invokeRoute(ctx, 'eraseClient', scheduler, { params: { id: 'erase-me-too' } });
    const badId = await invokeRoute(ctx, 'eraseClient', admin, { params: { id: 'x'.repeat(300) } });
    const erased = await invokeRoute(ctx, 'eraseClient', admin, { params: { id: 'erase-me-too' } });
    const slots = await invokeRoute(ctx, 'listSlots', scheduler, {
      query: { clinicId: 'riverside', date: DAY, limit: 2 },
    });

    // Assess
    expect(refused).toEqual({
      ok: false,
      status: 403,
      error: { code: 'FORBIDDEN', message: expect.stringContaining('admin') },
    });
    expect(badId).toMatchObject({ ok: false, status: 400, error: { fields: [{ field: 'path.id' }] } });
    expect(erased).toMatchObject({
      ok: true,
      status: 200,
      body: { clientId: 'erase-me-too', erasedBy: 'Alex Morgan' },
    });
    expect(slots.ok && slots.body.items).toHaveLength(2);
    const trail = await auditNow();
    const steps = trail.filter((e) => e.recordId === 'erase-me-too').map((e) => [e.actorName, e.status]);
    expect(steps).toEqual(
      expect.arrayContaining([
        ['Sam Patel', 403],
        ['Alex Morgan', 200],
      ]),
    );
  });

  it("lists a health visitor's own follow-ups first, by their display name", async () => {
    // Prepare: three open follow-ups, newest first: Priya's, Grace's, Priya's.
    const ctx = testRouteContext(deps);
    for (const [id, hv, at] of [
      ['wnb-1', 'Priya Shah', '2026-11-27T09:00:00.000Z'],
      ['wnb-2', 'Grace  ADEYEMI', '2026-11-28T09:00:00.000Z'],
      ['wnb-3', 'Priya Shah', '2026-11-29T09:00:00.000Z'],
    ] as const) {
      const item = followUpItem({
        id,
        clientId: 'c',
        bookingId: `b-${id}`,
        namedHealthVisitor: hv,
        reason: 'repeated-wnb',
        consecutiveWnb: 2,
        vulnerable: false,
        status: 'OPEN',
        openedAt: at,
        openedBy: 'someone',
      });
      await deps.store.db.send(new PutCommand({ TableName: deps.store.table, Item: item }));
    }
    const grace: Caller = {
      kind: 'oidc',
      subject: 'sub-grace',
      name: 'Grace Adeyemi',
      roles: ['health-visitor'],
    };

    // Act
    const first = await invokeRoute(ctx, 'listFollowUps', grace, { query: { limit: 2 } });
    const next =
      first.ok && first.body.cursor
        ? await invokeRoute(ctx, 'listFollowUps', grace, { query: { limit: 2, cursor: first.body.cursor } })
        : undefined;
    const asManager = await invokeRoute(
      ctx,
      'listFollowUps',
      { ...grace, name: 'Tom Hughes', roles: ['manager'] },
      {},
    );
    const asScheduler = await invokeRoute(ctx, 'listFollowUps', scheduler, {});

    // Assess
    expect(first.ok && first.body.items.map((f) => [f.id, f.yours])).toEqual([
      ['wnb-2', true],
      ['wnb-3', false],
    ]);
    expect(next?.ok && next.body.items.map((f) => f.id)).toEqual(['wnb-1']);
    expect(next?.ok && next.body.cursor).toBeUndefined();
    expect(asManager.ok && asManager.body.items.map((f) => f.id)).toEqual(['wnb-3', 'wnb-2', 'wnb-1']);
    expect(asScheduler.status).toBe(403);
  });
});
