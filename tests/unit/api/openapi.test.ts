/**
 * The OpenAPI document: it describes exactly the routes the router registers, and it is a well-formed
 * OpenAPI 3.1 document.
 */
import { readFileSync } from 'node:fs';
import { Router } from '@aws-lambda-powertools/event-handler/http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_VERSION, buildOpenApiDocument, ROUTE_DOCS } from '#api/openapi.ts';
import { createAdminRouter } from '#api/router.ts';
import { ROUTES } from '#bin/admin.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import type { Deps } from '#services/deps.ts';
import { openApiProblems } from '#tests/support/openapi-check.ts';

type Registry = {
  register(route: { method: string; path: string }): void;
  resolve(method: string, path: string): unknown;
};

const log = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Deps['log'];
const deps = {
  config: loadTrustConfig('example'),
  log,
  now: () => new Date('2026-11-23T09:00:00Z'),
  store: {},
  sms: {},
  events: {},
} as unknown as Deps;

/** `routeRegistry` is protected in the Router's types; at run time it is the registry every route goes into. */
const registryOf = (router: Router): Registry =>
  (router as unknown as { routeRegistry: Registry }).routeRegistry;

/** Every route createAdminRouter registers, as `GET /bookings/{id}`, read as they go into the registry. */
function registeredRoutes(): string[] {
  const prototype = Object.getPrototypeOf(registryOf(new Router())) as Registry;
  const register = vi.spyOn(prototype, 'register');
  createAdminRouter(deps);
  const routes = register.mock.calls.map(
    ([route]) => `${route.method.toUpperCase()} ${String(route.path).replace(/:(\w+)/g, '{$1}')}`,
  );
  register.mockRestore();
  return routes;
}

const documented = ROUTE_DOCS.map((r) => `${r.method.toUpperCase()} ${r.path}`);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the route catalogue', () => {
  it('documents every route the router registers, and no other', () => {
    // Act
    const registered = registeredRoutes();

    // Assess
    expect(registered.length).toBeGreaterThan(30);
    expect([...documented].sort()).toEqual([...new Set(registered)].sort());
  });

  it('resolves every documented method and path on the router', () => {
    // Prepare
    const registry = registryOf(createAdminRouter(deps));

    // Act
    const unresolved = ROUTE_DOCS.filter(
      (r) => registry.resolve(r.method.toUpperCase(), r.path.replace(/\{(\w+)\}/g, 'x-$1')) === null,
    ).map((r) => `${r.method.toUpperCase()} ${r.path}`);

    // Assess
    expect(unresolved).toEqual([]);
    expect(registry.resolve('GET', '/no-such-route')).toBeNull();
  });

  it('documents every route the CLI calls', () => {
    // Prepare
    const cliRoutes = Object.values(ROUTES).flatMap((actions) =>
      Object.values(actions).map((route) => `${route.method} ${route.path('{id}')}`),
    );

    // Assess
    expect(cliRoutes.filter((route) => !documented.includes(route))).toEqual([]);
  });

  it('names each method and path once', () => {
    expect(new Set(documented).size).toBe(documented.length);
  });

  it("carries package.json's version", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(API_VERSION).toBe(pkg.version);
  });
});

describe('the OpenAPI document', () => {
  const doc = buildOpenApiDocument() as {
    openapi: string;
    info: { title: string; version: string };
    servers: unknown[];
    paths: Record<
      string,
      Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>
    >;
    components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
  };

  it('validates as OpenAPI 3.1', () => {
    expect(openApiProblems(doc)).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Attend admin API');
    expect(doc.servers).toEqual([]);
  });

  it('is plain JSON (survives a round trip unchanged)', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('has the one error shape', () => {
    const errorBody = doc.components.schemas.ErrorBody!;
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
  });

  it('takes request bodies and queries from the route schemas', () => {
    // Prepare
    const cancel = doc.paths['/bookings/{id}/cancel']!.post!;
    const slots = doc.paths['/slots']!.get!;

    // Assess: a body's defaulted field is optional on input; a required query parameter is required.
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

describe('the structural check', () => {
  // biome-ignore lint/suspicious/noExplicitAny: these tests break the document on purpose, deep inside it
  const valid = () => buildOpenApiDocument() as Record<string, any>;

  it('finds a dangling $ref, an undeclared path parameter, a missing 2xx and a repeated operationId', () => {
    // Prepare
    const doc = valid();
    doc.paths['/clinics/{id}'].get.responses['200'].content['application/json'].schema.$ref =
      '#/components/schemas/Nope';
    doc.paths['/slots/{id}'].get.parameters = [];
    delete doc.paths['/health'].get.responses['200'];
    doc.paths['/clinics'].get.operationId = 'getClinic';
    doc.openapi = '3.0.3';

    // Act
    const problems = openApiProblems(doc);

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('$ref #/components/schemas/Nope does not resolve'),
        'GET /slots/{id}: {id} is not declared as a path parameter',
        'GET /health: no 2xx response',
        expect.stringContaining('operationId getClinic repeats'),
        'openapi is 3.0.3, not 3.1.0',
      ]),
    );
  });

  it('finds an error response without ErrorBody and an untyped schema', () => {
    // Prepare
    const doc = valid();
    doc.components.responses.NotFound.content['application/json'].schema = { type: 'object' };
    doc.components.schemas.Clinic.properties.name = { description: 'no type' };

    // Act
    const problems = openApiProblems(doc);

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        'GET /clinics/{id} 404: an error response must use ErrorBody',
        expect.stringContaining('#/components/schemas/Clinic/properties/name: a schema needs one of'),
      ]),
    );
  });
});
