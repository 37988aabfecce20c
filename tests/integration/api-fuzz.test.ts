/**
 * Issue 9 item 7's fuzz test: property-based (fast-check) over every operation in the served
 * /openapi.json, at least 15 bad inputs per route — bad path ids, forged and foreign cursors, wrong types,
 * missing fields, huge strings, bad JSON, wrong content types, odd methods, missing CSRF tokens — sent
 * through the real handlers on DynamoDB Local, through the IAM door and the browser door. Goal and
 * assertion: no 5xx at all, and every 4xx in the documented error shape with a status the document gives
 * the operation (404 and 405 for a path or method it does not serve, 405 with `Allow`).
 *
 * The runs are seeded (FUZZ_SEED, default below) so a failure reproduces; fast-check prints the seed and
 * the shrunk counterexample.
 */
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '#api/route.ts';
import { createAdminApi } from '#api/router.ts';
import { type BrowserDoor, type BrowserSession, browserDoor } from '#tests/support/browser-door.ts';
import { aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, functionUrlEvent, STAFF_ARN, testRouteContext } from '#tests/support/function-url.ts';
import { seed } from './helpers.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS_PER_ROUTE = 24;
const DAY = '2026-12-03';

interface Operation {
  operationId: string;
  parameters?: { name: string; in: 'path' | 'query'; required: boolean }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, unknown>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

/** One bad request, and whether the document must list its status for this operation. */
interface BadRequest {
  kind: string;
  door: 'iam' | 'browser';
  method: string;
  path: string;
  query: string;
  body?: string;
  contentType: string;
  csrf: boolean;
  /** False when the request no longer names this operation (another method or path). */
  documented: boolean;
}

let deps: TestDeps;
let doc: Doc;
let door: BrowserDoor;
let admin: BrowserSession;
/** Real sealed cursors, each good only for its own query: used on the wrong ones. */
const foreignCursors: string[] = [];
const sentPerRoute = new Map<string, number>();
const kindsSeen = new Set<string>();

const context = { functionName: 'attend-admin-api', awsRequestId: 'fuzz' } as unknown as Context;

beforeAll(async () => {
  deps = testDeps(await freshTable(), '2026-11-30T10:00:00Z');
  const clinic = aClinic({ id: 'riverside' });
  const slots = Array.from({ length: 6 }, (_, i) =>
    aSlotFor(clinic, { startsAt: `${DAY}T0${i + 1}:00:00.000Z`, localDay: DAY }),
  );
  await seed(deps.store, { clinic, clients: [aClient()], slots });
  door = browserDoor(deps);
  admin = await door.signIn({ name: 'Fuzz Admin', roles: ['admin'] });
  const first = await callApi<{ cursor?: string }>(
    deps,
    'GET',
    `/slots?clinicId=riverside&date=${DAY}&limit=2`,
  );
  const audit = await callApi<{ cursor?: string }>(deps, 'GET', '/audit?limit=1');
  foreignCursors.push(first.body.cursor!, ...(audit.body.cursor ? [audit.body.cursor] : []));
  doc = (await callApi<Doc>(deps, 'GET', '/openapi.json')).body;
});

afterAll(() => {
  // Printed so the report of a run says how much was sent.
  console.info(`fuzz: ${[...sentPerRoute.values()].reduce((a, b) => a + b, 0)} requests, seed ${SEED}`);
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

const badIds = fc.oneof(
  fc.constant('x'.repeat(3000)),
  fc.constant('%F0%28%8C%28'),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%00', '%20', 'a%2Fb', '..', '.'),
  fc.string({ minLength: 129, maxLength: 400 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map(encodeURIComponent),
);

const forgedCursors = fc.oneof(
  fc.constant(b64({ pk: 'CLIENT#1' })),
  fc.constant(b64({ pk: 'CLIENT#1', sk: 'CLIENT' })),
  fc.object().map(b64),
  fc.string({ maxLength: 300 }),
  fc.constant('A'.repeat(5000)),
  fc.constant('foreign'),
);

const wrongValues = fc.oneof(
  fc.constantFrom(
    '-1',
    '0',
    '1e309',
    'NaN',
    'Infinity',
    '2023-02-31',
    '2026-13-01',
    'true',
    'maybe',
    '',
    '[]',
    '{}',
  ),
  fc.string({ maxLength: 50 }),
  fc.constant('y'.repeat(10_000)),
);

const badJson = fc.oneof(
  fc.constantFrom('{', '{"a":', '[1,2', '{"a":1}}', 'null', '"text"', '42', '\u0000', '<xml/>'),
  fc.string({ maxLength: 100 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
);

const wrongBodies = fc.oneof(fc.jsonValue(), fc.constant({}), fc.array(fc.integer()), fc.constant(null));

const wrongTypes = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string()),
  fc.object(),
  fc.string({ maxLength: 20 }),
);

const oddMethods = fc.constantFrom('PUT', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'FOO');

/** The generator of bad requests for one operation. */
function badRequests(path: string, method: string, op: Operation): fc.Arbitrary<BadRequest> {
  const upper = method.toUpperCase();
  const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
  const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
  const ref = op.requestBody?.content['application/json']?.schema.$ref;
  const bodyFields = ref ? Object.keys(doc.components.schemas[ref.split('/').pop()!]?.properties ?? {}) : [];
  const raw = op.requestBody !== undefined && ref === undefined;
  const okPath = path.replace(/\{(\w+)\}/g, 'fuzz-missing');
  const requiredQuery = queryParams
    .filter((p) => p.required)
    .map(
      (p) =>
        `${p.name}=${p.name === 'date' ? DAY : p.name === 'type' ? 'six-to-eight-week-review' : 'riverside'}`,
    );
  const base = (kind: string): Omit<BadRequest, 'door'> => ({
    kind,
    method: upper,
    path: okPath,
    query: requiredQuery.join('&'),
    ...(upper !== 'GET' && { body: raw ? 'a,b\n1,2' : '{}' }),
    contentType: raw ? 'text/csv' : 'application/json',
    csrf: true,
    documented: true,
  });
  const withQuery = (b: Omit<BadRequest, 'door'>, extra: string) => ({
    ...b,
    query: [b.query, extra].filter(Boolean).join('&'),
  });

  const kinds: fc.Arbitrary<Omit<BadRequest, 'door'>>[] = [
    // Bad path ids (or, for a path without one, a junk segment that makes it another path).
    badIds.map((id) =>
      pathParams.length > 0
        ? { ...base('bad path id'), path: path.replace(/\{(\w+)\}/g, id) }
        : { ...base('bad path id'), path: `${okPath}/${id}`, documented: false },
    ),
    // Forged and foreign cursors.
    forgedCursors.chain((forged) =>
      fc
        .constantFrom(...foreignCursors, forged)
        .map((cursor) => withQuery(base('forged cursor'), `cursor=${encodeURIComponent(cursor)}`)),
    ),
    // Wrong types and values in the query.
    fc
      .record({
        name: fc.constantFrom(...queryParams.map((p) => p.name), 'limit', 'junk'),
        value: wrongValues,
      })
      .map(({ name, value }) => ({
        ...base('wrong query type'),
        query: [
          ...requiredQuery.filter((q) => !q.startsWith(`${name}=`)),
          `${name}=${encodeURIComponent(value)}`,
        ].join('&'),
      })),
    // Missing required query parameters.
    fc.constant({ ...base('missing query'), query: '' }),
    // Missing fields and wrong types in the body.
    wrongBodies.map((value) => ({ ...base('wrong body'), body: JSON.stringify(value) })),
    fc
      .record({ field: fc.constantFrom(...bodyFields, 'id'), value: wrongTypes })
      .map(({ field, value }) => ({ ...base('wrong field type'), body: JSON.stringify({ [field]: value }) })),
    // Huge strings: every field, and a body over 1 MB.
    fc.constantFrom(1000, 200_000, 1_100_000).map((size) => ({
      ...base('huge strings'),
      body: raw
        ? 'z'.repeat(size)
        : JSON.stringify(Object.fromEntries([...bodyFields, 'note'].map((f) => [f, 'z'.repeat(size)]))),
    })),
    // Bad JSON.
    badJson.map((text) => ({ ...base('bad JSON'), body: text })),
    // Wrong content types.
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'image/png',
      )
      .map((contentType) => ({ ...base('wrong content type'), contentType, body: '{"a":1}' })),
    // Odd methods.
    oddMethods.map((odd) => ({ ...base('odd method'), method: odd, documented: false })),
  ];
  return fc
    .record({
      door: fc.constantFrom<'iam' | 'browser'>('iam', 'iam', 'browser'),
      request: fc.oneof(...kinds),
    })
    .chain(({ door: d, request }) =>
      d === 'browser' && request.method !== 'GET' && request.method !== 'HEAD'
        ? fc
            .boolean()
            .map((csrf) => ({ ...request, door: d, csrf, kind: csrf ? request.kind : 'no CSRF token' }))
        : fc.constant({ ...request, door: d }),
    );
}

async function send(request: BadRequest): Promise<{ status: number; text: string; allow: string | null }> {
  const target = request.query ? `${request.path}?${request.query}` : request.path;
  const headers = { 'content-type': request.contentType };
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body;
  if (request.door === 'iam') {
    const event = functionUrlEvent(deps.now(), request.method, target, body, STAFF_ARN, headers);
    const res = await createAdminApi(testRouteContext(deps)).resolve(event, context);
    const allow = Object.entries(res.headers ?? {}).find(([k]) => k.toLowerCase() === 'allow')?.[1];
    return {
      status: res.statusCode ?? 0,
      text: String(res.body ?? ''),
      allow: allow === undefined ? null : String(allow),
    };
  }
  const res = await door.call(admin, request.method, target, body, headers, { csrf: request.csrf });
  return { status: res.status, text: await res.text(), allow: res.headers.get('allow') };
}

function operations(): [string, string, string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(
      ([method, op]) =>
        [`${method.toUpperCase()} ${path}`, path, method, op] as [string, string, string, Operation],
    ),
  );
}

describe('bad input never gets a 5xx, and every 4xx is in the documented error shape', () => {
  it('reads the operations from the served document', () => {
    expect(operations().length).toBeGreaterThan(30);
  });

  it('fuzzes every operation', async () => {
    for (const [name, path, method, op] of operations()) {
      await fc.assert(
        fc.asyncProperty(badRequests(path, method, op), async (request) => {
          sentPerRoute.set(name, (sentPerRoute.get(name) ?? 0) + 1);
          kindsSeen.add(request.kind);
          const res = await send(request);
          const where = `${request.door} ${request.method} ${request.path.slice(0, 120)}?${request.query.slice(0, 80)} (${request.kind}) → ${res.status} ${res.text.slice(0, 200)}`;
          expect(res.status, where).toBeLessThan(500);
          if (res.status < 400) return;
          let body: unknown;
          expect(() => {
            body = JSON.parse(res.text);
          }, where).not.toThrow();
          expect(errorBodySchema.strict().safeParse(body).success, where).toBe(true);
          if (res.status === 405) expect(res.allow, where).toMatch(/^[A-Z]+(, [A-Z]+)*$/);
          if (request.documented && res.status !== 405 && res.status !== 404) {
            expect(Object.keys(op.responses), `${where}: undocumented status`).toContain(String(res.status));
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
    }
  }, 600_000);

  it('sent at least 15 bad inputs to every route, of every kind', () => {
    for (const [name] of operations()) expect(sentPerRoute.get(name) ?? 0, name).toBeGreaterThanOrEqual(15);
    expect([...kindsSeen].sort()).toEqual(
      [
        'bad JSON',
        'bad path id',
        'forged cursor',
        'huge strings',
        'missing query',
        'no CSRF token',
        'odd method',
        'wrong body',
        'wrong content type',
        'wrong field type',
        'wrong query type',
      ].sort(),
    );
  });
});
