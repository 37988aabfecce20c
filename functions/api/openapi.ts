/**
 * The OpenAPI 3.1 document of the admin API, built from the route table (routes.ts) and served at
 * `GET /openapi.json`: each operation's path parameters, query, body and success response come from the
 * very zod schemas the route is checked with, and its `x-attend-roles` from the roles it allows, so the
 * document cannot describe a field or a permission the route does not check.
 *
 * Results that are TypeScript interfaces in the services get their schema beside the route, checked
 * against the interface with `satisfies`, so the compiler notices when the two drift apart.
 */
import * as z from 'zod';
import { type AnyRoute, errorBodySchema } from './route.ts';

/** Kept in step with package.json's version by the unit test. */
export const API_VERSION = '0.1.0';

type JsonSchema = Record<string, unknown>;

/** Every error status in the document; each has the one error shape. */
export const ERROR_RESPONSES = {
  400: { name: 'BadRequest', description: 'Bad input: `fields` names each bad field' },
  401: {
    name: 'Unauthenticated',
    description: 'Browser door only (`/staff/api/…`): no signed-in session; sign in again',
  },
  403: {
    name: 'Forbidden',
    description:
      'Your roles may not use this route (`FORBIDDEN`; see `x-attend-roles`), or a browser call without ' +
      'a valid `x-csrf-token` (`CSRF_FAILED`)',
  },
  404: { name: 'NotFound', description: 'No record with that id' },
  409: { name: 'Conflict', description: 'The current state does not allow this; `code` says why' },
  413: { name: 'PayloadTooLarge', description: 'The request body is over 1 MB' },
  422: { name: 'Unprocessable', description: 'The request was understood but could not be carried out' },
  500: { name: 'InternalError', description: 'Something went wrong; the detail is logged, not returned' },
  503: {
    name: 'DatabaseUnavailable',
    description:
      '`DATABASE_UNAVAILABLE`: the database is not answering; a change asked for may or may not have been made, so check before repeating it',
  },
} as const;

export type DocumentedErrorStatus = keyof typeof ERROR_RESPONSES;

/**
 * Statuses every operation can answer, besides those its route lists: 400 too, since any route refuses
 * a query parameter it does not take or one given twice (dispatch.ts).
 */
export const EVERY_ROUTE_ERRORS = [400, 403, 500, 503] as const satisfies readonly DocumentedErrorStatus[];

const PARAM_DESCRIPTIONS: Record<string, string> = {
  cursor: 'Opaque cursor from the previous page, valid only with the same query',
  limit: 'Page size',
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Names each schema once; the same name for two different schemas is a mistake in the table. */
function nameSchemas(entries: Iterable<[string, z.core.$ZodType]>): z.core.$ZodRegistry<{ id: string }> {
  const registry = z.registry<{ id: string }>();
  const byName = new Map<string, z.core.$ZodType>();
  for (const [name, schema] of entries) {
    const known = byName.get(name);
    if (known && known !== schema) throw new Error(`Two different schemas are both named ${name}`);
    if (known) continue;
    const other = registry.get(schema);
    if (other) throw new Error(`One schema is named both ${other.id} and ${name}`);
    byName.set(name, schema);
    registry.add(schema, { id: name });
  }
  return registry;
}

/**
 * Request schemas are converted as zod's input (defaults optional, coercion accepted) and responses as
 * its output (defaults filled in). `$id` and `$schema` are dropped: OpenAPI 3.1 sets the dialect once,
 * and a fragment `$id` is not allowed in JSON Schema 2020-12. Responses lose zod's
 * `additionalProperties: false`, so a client generated from the document keeps working when a record
 * gains a field.
 */
function componentSchemas(registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output') {
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    uri: (name) => `#/components/schemas/${name}`,
    override: ({ jsonSchema }) => {
      if (io === 'output' && jsonSchema.additionalProperties === false)
        delete jsonSchema.additionalProperties;
    },
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([name, { $id: _id, $schema: _schema, ...schema }]) => [name, schema]),
  );
}

function parameters(schema: z.core.$ZodObject | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required?.includes(name) ?? false),
    ...(PARAM_DESCRIPTIONS[name] ? { description: PARAM_DESCRIPTIONS[name] } : {}),
    schema: property,
  }));
}

function operation(route: AnyRoute, requestSchemas: Record<string, JsonSchema>): JsonSchema {
  const params = [...parameters(route.params, 'path'), ...parameters(route.query, 'query')];
  let requestBody: JsonSchema | undefined;
  if (route.body) {
    // An empty body reads as {}, so a body with no required field may be left out.
    const required = ((requestSchemas[route.body.name]?.required as string[] | undefined) ?? []).length > 0;
    requestBody = { required, content: { 'application/json': { schema: ref(route.body.name) } } };
  } else if (route.rawBody) {
    requestBody = { required: true, ...route.rawBody };
  }
  const errors = [...new Set<DocumentedErrorStatus>([...route.errors, ...EVERY_ROUTE_ERRORS])]
    .sort()
    .map((status) => [String(status), { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` }]);
  return {
    operationId: route.id,
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, `Roles: ${route.roles.join(', ')}.`].filter(Boolean).join('\n\n'),
    'x-attend-roles': [...route.roles],
    ...(params.length ? { parameters: params } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      [String(route.response.status)]: {
        description: route.response.description,
        content: route.response.file
          ? { [route.response.file.contentType]: { schema: { type: 'string', format: 'binary' } } }
          : { 'application/json': { schema: ref(route.response.name) } },
      },
      ...Object.fromEntries(errors),
    },
  };
}

export function buildOpenApiDocument(routes: readonly AnyRoute[]): JsonSchema {
  const requests = componentSchemas(
    nameSchemas(
      routes.flatMap((r) => (r.body ? [[r.body.name, r.body.schema] as [string, z.core.$ZodType]] : [])),
    ),
    'input',
  );
  const responses = componentSchemas(
    nameSchemas([
      ['ErrorBody', errorBodySchema],
      ...routes.map((r) => [r.response.name, r.response.schema] as [string, z.core.$ZodType]),
    ]),
    'output',
  );
  for (const name of Object.keys(requests)) {
    if (name in responses) throw new Error(`${name} names both a request and a response schema`);
  }

  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, requests);
  }

  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Attend admin API',
      version: API_VERSION,
      description:
        'The staff admin API of Attend: clinics, clients, slots, bookings, outcomes and follow-ups, the ' +
        'short-notice waitlist, the SMS inbox, EPR import, metrics, the audit trail and staff sessions.\n\n' +
        'Two doors, one route table and one permission check. Machines and the CLI call the AWS_IAM ' +
        "function URL (different for each trust's deployment, so the document names no server), signed " +
        'with SigV4; the IAM role must be mapped to Attend roles in the trust config. A signed-in browser ' +
        'calls the same routes under `/staff/api` on the web origin, with its session cookie and, for ' +
        'anything but GET, the `x-csrf-token` header. Each operation lists the roles that may call it ' +
        '(`x-attend-roles`); any other caller gets 403. Locally (http://localhost:3000) unsigned calls ' +
        'act as the local admin.\n\n' +
        'Every error has the shape `{"error":{"code","message","fields?"}}`, including 404 for an unknown ' +
        'path and 405 (with `Allow`) for a method a path does not serve. Page cursors are sealed: pass ' +
        'one back unchanged with the same query.',
    },
    servers: [],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    security: [{ awsSigV4: [] }, { staffSession: [] }],
    paths,
    components: {
      securitySchemes: {
        awsSigV4: {
          type: 'http',
          scheme: 'AWS4-HMAC-SHA256',
          description:
            'The function URL uses AWS_IAM auth: sign each request with AWS Signature Version 4 for service ' +
            '`lambda` in the deployment region (the `Authorization: AWS4-HMAC-SHA256 …` header, with ' +
            '`X-Amz-Date` and, for temporary credentials, `X-Amz-Security-Token`). The caller needs ' +
            '`lambda:InvokeFunctionUrl` on the function and a mapping in `staffAccess.iamRoles`. ' +
            '`attend admin` signs with the default AWS credential chain. The local runtime is not signed.',
          'x-amazon-sigv4': { service: 'lambda' },
        },
        staffSession: {
          type: 'apiKey',
          in: 'cookie',
          name: '__Host-attend-session',
          description:
            'The browser door: the staff session cookie set by sign-in (`attend-session` on http://localhost), ' +
            'on `/staff/api/<path>`; non-GET requests also send the session’s CSRF token in `x-csrf-token`.',
        },
      },
      schemas: { ...requests, ...responses },
      responses: Object.fromEntries(
        Object.values(ERROR_RESPONSES).map(({ name, description }) => [
          name,
          { description, content: { 'application/json': { schema: ref('ErrorBody') } } },
        ]),
      ),
    },
  };
}
