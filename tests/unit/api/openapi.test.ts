/**
 * The OpenAPI document, built from the route table: valid OpenAPI 3.1 by a real validator
 * (@seriousme/openapi-schema-validator), and it describes exactly the routes the router serves.
 */
import { readFileSync } from 'node:fs';
import { Router } from '@aws-lambda-powertools/event-handler/http';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_VERSION, buildOpenApiDocument } from '#api/openapi.ts';
import { createAdminApi } from '#api/router.ts';
import { ROUTES } from '#api/routes.ts';
import { ROUTES as CLI_ROUTES } from '#bin/admin.ts';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import { CursorCodec } from '#runtime/cursors.ts';
import type { Deps } from '#services/deps.ts';

type Registry = {
  register(route: { method: string; path: string }): void;
  resolve(method: string, path: string): unknown;
};

type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; required: boolean; schema: Json }[];
  requestBody?: Json;
  responses: Record<string, Json>;
  'x-attend-roles': string[];
}
interface Doc {
  openapi: string;
  info: { title: string; version: string };
  servers: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json & { properties?: Record<string, Json>; required?: string[] }> };
}

const log = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Deps['log'];
const deps = {
  config: loadTrustConfig('example'),
  log,
  now: () => new Date('2026-11-23T09:00:00Z'),
  store: {},
  sms: {},
  events: {},
} as unknown as Deps<TrustConfig>;
const context = { deps, cursors: CursorCodec.ephemeral() };

/** `routeRegistry` is protected in the Router's types; at run time it is the registry every route goes into. */
const registryOf = (router: Router): Registry =>
  (router as unknown as { routeRegistry: Registry }).routeRegistry;

/** Every route the admin API's router registers, as `GET /bookings/{id}`, read as they go into the registry. */
function registeredRoutes(): string[] {
  const prototype = Object.getPrototypeOf(registryOf(new Router())) as Registry;
  const register = vi.spyOn(prototype, 'register');
  createAdminApi(context);
  const routes = register.mock.calls.map(
    ([route]) => `${route.method.toUpperCase()} ${String(route.path).replace(/:(\w+)/g, '{$1}')}`,
  );
  register.mockRestore();
  return routes;
}

const doc = buildOpenApiDocument(ROUTES) as unknown as Doc;
const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
  // A file route's `{batchId}.pdf` is registered with Powertools as `{batchId}` (api/router.ts).
  Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\}\.[a-z]+/g, '}')}`),
);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 by @seriousme/openapi-schema-validator', async () => {
    // Act
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as never);

    // Assess
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('fails the validator when it is broken, so the check above can fail', async () => {
    // Prepare: a response with no description, and an operation that answers nothing.
    const broken = structuredClone(doc);
    delete broken.paths['/clinics']!.get!.responses['200']!.description;
    broken.paths['/health']!.get!.responses = 'none' as never;

    // Act
    const result = await new Validator().validate(broken as never);

    // Assess
    expect(result.valid).toBe(false);
  });

  it('documents every route the router serves, and no other', () => {
    // Act
    const registered = registeredRoutes();

    // Assess
    expect(registered).toHaveLength(ROUTES.length);
    expect([...documented].sort()).toEqual([...new Set(registered)].sort());
    expect(new Set(registered).size).toBe(registered.length);
  });

  it('resolves every documented method and path on the router', () => {
    // Prepare
    const registry = registryOf(createAdminApi(context).router);

    // Act
    const unresolved = documented.filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return registry.resolve(method, path.replace(/\{(\w+)\}/g, 'x-$1')) === null;
    });

    // Assess
    expect(unresolved).toEqual([]);
    expect(registry.resolve('GET', '/no-such-route')).toBeNull();
  });

  it('documents every route the CLI calls', () => {
    // Prepare
    const cliRoutes = Object.values(CLI_ROUTES).flatMap((actions) =>
      Object.values(actions).map((route) => `${route.method} ${route.path('{id}')}`),
    );

    // Assess
    expect(cliRoutes.filter((route) => !documented.includes(route))).toEqual([]);
  });

  it("carries package.json's version, and the title and no server", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(API_VERSION).toBe(pkg.version);
    expect(doc.info).toMatchObject({ title: 'Attend admin API', version: pkg.version });
    expect(doc.servers).toEqual([]);
  });

  it('is plain JSON (survives a round trip unchanged)', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('has the one error shape, and every operation answers 403 and 500 with it', () => {
    // Prepare
    const errorBody = doc.components.schemas.ErrorBody!;
    const operations = Object.values(doc.paths).flatMap((ops) => Object.values(ops));

    // Assess
    expect(errorBody.required).toEqual(['error']);
    expect(errorBody.properties?.error).toMatchObject({
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        fields: { type: 'array', items: { required: ['field', 'message'] } },
      },
    });
    for (const operation of operations) {
      expect(operation.responses['403']).toEqual({ $ref: '#/components/responses/Forbidden' });
      expect(operation.responses['500']).toEqual({ $ref: '#/components/responses/InternalError' });
    }
  });

  it('gives each operation the roles of its route', () => {
    // Prepare
    const erase = doc.paths['/clients/{id}']!.delete!;
    const metrics = doc.paths['/metrics']!.get!;

    // Assess
    expect(erase['x-attend-roles']).toEqual(['admin']);
    expect(metrics['x-attend-roles']).toEqual(['manager', 'admin']);
    for (const route of ROUTES) {
      expect(doc.paths[route.path]![route.method.toLowerCase()]!['x-attend-roles']).toEqual([...route.roles]);
    }
  });

  it('takes path parameters, bodies and queries from the route schemas', () => {
    // Prepare
    const cancel = doc.paths['/bookings/{id}/cancel']!.post!;
    const slots = doc.paths['/slots']!.get!;

    // Assess: the id's pattern and length, a body's defaulted field optional, required query parameters.
    expect(cancel.parameters).toEqual([
      expect.objectContaining({
        name: 'id',
        in: 'path',
        required: true,
        schema: expect.objectContaining({ maxLength: 128, pattern: expect.any(String) }),
      }),
    ]);
    expect(doc.components.schemas.CancelBookingRequest).toMatchObject({
      required: ['reason'],
      properties: { notify: { type: 'boolean', default: true } },
    });
    expect(cancel.requestBody).toMatchObject({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/CancelBookingRequest' } } },
    });
    expect(slots.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'clinicId', in: 'query', required: true }),
        expect.objectContaining({ name: 'cursor', in: 'query', required: false }),
      ]),
    );
    expect(doc.paths['/inbox/{id}/handled']!.post!.requestBody).toMatchObject({ required: false });
  });
});
