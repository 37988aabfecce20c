/**
 * One way into a route, whichever door the call came through: the permission check (deny by default),
 * the input parsed by the route's schemas, page cursors sealed and opened, the handler, and the audit
 * record. The IAM door (router.ts), the browser door (functions/web/api-door.ts) and the staff pages
 * (`invokeRoute`, in-process) all end here, so a route cannot be reached without its check and audit.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { bodyNotJson, ForbiddenError, PayloadTooLargeError, ValidationError } from '#core/errors.ts';
import type { Caller } from '#core/roles.ts';
import { type CursorCodec, cursorScope } from '#runtime/cursors.ts';
import { type ErrorBody, errorAnswer, json, MAX_BODY_BYTES, zodFields } from '#runtime/http.ts';
import type { Deps } from '#services/deps.ts';
import { type AuditEntry, auditActor, recordAudit } from '#store/audit.ts';
import { mayUse } from './access.ts';
import { type AnyRoute, type RawBody, type RouteSpec, recordId } from './route.ts';
import { type Route, type RouteId, routeById } from './routes.ts';
import { answerForRoles } from './sensitive.ts';
import { unknownFields } from './unknown-fields.ts';

/** What every call into the route table needs: the services' dependencies and the cursor key. */
export interface RouteContext {
  readonly deps: Deps;
  readonly cursors: CursorCodec;
  /** Check each success against the route's response schema (tests): a handler that drifts fails loudly. */
  readonly checkResponses?: boolean;
}

/** Which door a call came through (for logs). */
export type Door = 'iam' | 'browser' | 'in-process';

/** A call's query and body before the route's schemas have read them. */
export interface UncheckedInput {
  readonly query?: Readonly<Record<string, unknown>>;
  /** The JSON body (already parsed from text, or given in-process). */
  readonly body?: unknown;
  /** The body as text, for a route with a raw body. */
  readonly raw?: RawBody;
}

/** A route's answer: the status and the JSON body (the route's response, or the error shape). */
export interface RouteAnswer {
  readonly status: number;
  readonly body: unknown;
}

const forbidden = (route: AnyRoute, caller: Caller | undefined): ForbiddenError =>
  new ForbiddenError(
    caller
      ? `${route.method} ${route.path} is for ${route.roles.join(', ')}; your roles: ${caller.roles.join(', ') || 'none'}`
      : `${route.method} ${route.path} needs a signed request from a member of staff`,
  );

function parse<S extends z.core.$ZodType>(
  schema: S | undefined,
  value: unknown,
  prefix: string,
  message: string,
) {
  if (!schema) return {};
  // Classic and zod/mini schemas (core/zod.ts) both have safeParse. A field left out "is required",
  // not zod's "expected string, received undefined" (a schema's own message still wins).
  const result = (schema as unknown as z.ZodType).safeParse(value === undefined ? {} : value, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? REQUIRED : undefined),
  });
  if (!result.success) {
    const fields = zodFields(result.error, prefix);
    result.error.issues.forEach((issue, i) => {
      if (fields[i]) attachIssue(fields[i], issue, value);
    });
    throw new ValidationError(missingQueryMessage(fields, prefix) ?? message, fields);
  }
  return result.data as Record<string, unknown>;
}

const REQUIRED = 'is required';

/**
 * What the schema found wrong with one field, for the staff pages to say in their own words
 * (functions/web/form-messages.ts): the zod issue's code and limits, the length of what was given, and
 * whether the message is the schema's own or zod's developer wording. Kept on the field as a hidden
 * (symbol, non-enumerable) property: the API's JSON error bodies stay exactly `{field, message}`.
 */
export interface FieldIssueDetail {
  readonly code: string;
  /** `string`, `array`, `number`, … for a size check. */
  readonly origin?: string;
  readonly maximum?: number;
  readonly minimum?: number;
  /** The choices, for a value that is not one of them. */
  readonly values?: readonly unknown[];
  /** Nothing was given for the field. */
  readonly missing: boolean;
  /** The length of the string or list given, when it was one. */
  readonly length?: number;
  /** The message is zod's own wording ("Too big: expected string to have <=100 characters"). */
  readonly zodWording: boolean;
}

const ISSUE_DETAIL = Symbol('field issue detail');
const zodWords = z.locales.en().localeError;

function attachIssue(field: object, issue: z.core.$ZodIssue, input: unknown): void {
  let given: unknown = input;
  for (const key of issue.path) {
    given =
      given !== null && typeof given === 'object' ? (given as Record<PropertyKey, unknown>)[key] : undefined;
  }
  let wording: string | undefined;
  try {
    const words = zodWords(issue as never);
    wording = typeof words === 'string' ? words : words?.message;
  } catch {
    // Only a page's wording depends on it: an issue zod's locale cannot word is treated as the schema's own.
  }
  const raw = issue as unknown as Record<string, unknown>;
  const detail: FieldIssueDetail = {
    code: issue.code,
    ...(typeof raw.origin === 'string' && { origin: raw.origin }),
    ...(typeof raw.maximum === 'number' && { maximum: raw.maximum }),
    ...(typeof raw.minimum === 'number' && { minimum: raw.minimum }),
    ...(Array.isArray(raw.values) && { values: raw.values }),
    missing: given === undefined,
    ...((typeof given === 'string' || Array.isArray(given)) && { length: given.length }),
    zodWording: wording === issue.message,
  };
  Object.defineProperty(field, ISSUE_DETAIL, { value: detail, enumerable: false });
}

/** What the schema found wrong with a field of a refused call, when a schema refused it (else undefined). */
export function issueDetail(field: {
  readonly field: string;
  readonly message: string;
}): FieldIssueDetail | undefined {
  return (field as { [ISSUE_DETAIL]?: FieldIssueDetail })[ISSUE_DETAIL];
}

/** "Query parameter q is required" when every fault is a query parameter left out. */
function missingQueryMessage(fields: readonly { field: string; message: string }[], prefix: string) {
  if (prefix !== 'query' || fields.length === 0 || fields.some((f) => f.message !== REQUIRED))
    return undefined;
  const names = fields.map((f) => f.field.replace(/^query\./, ''));
  return names.length === 1
    ? `Query parameter ${names[0]} is required`
    : `Query parameters ${names.slice(0, -1).join(', ')} and ${names.at(-1)} are required`;
}

const UNKNOWN_WORDS = {
  body: {
    message: 'Request body has fields this request does not take',
    prefix: '',
    each: 'not a field of this request; expected',
    none: 'no fields here',
  },
  query: {
    message: 'Query string has parameters this request does not take',
    prefix: 'query.',
    each: 'not a parameter of this request; expected',
    none: 'no query parameters',
  },
} as const;

/**
 * Throws a 400 naming each body field, or query parameter (`query.extra`), the route's schema does not
 * know, with the ones it does (unknown-fields.ts): a misspelt `form=` for `from=`, or `firstname`, would
 * otherwise be dropped and the default used. A route with no query schema takes no parameter.
 */
function refuseUnknown(schema: z.core.$ZodType | undefined, value: unknown, where: 'body' | 'query'): void {
  const unknown = schema
    ? unknownFields(schema, value)
    : isRecord(value)
      ? Object.keys(value).map((field) => ({ field, known: [] as string[] }))
      : [];
  if (unknown.length === 0) return;
  const words = UNKNOWN_WORDS[where];
  throw new ValidationError(
    words.message,
    unknown.map(({ field, known }) => ({
      field: `${words.prefix}${field}`,
      message: `${words.each} ${known.length ? known.join(', ') : words.none}`,
    })),
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The path parameters of a refused or failed call, kept for the audit only when they look like ids. */
function auditableId(params: Readonly<Record<string, string>> | undefined): string | undefined {
  const id = params?.id;
  return id !== undefined && recordId.safeParse(id).success ? id : undefined;
}

async function audit(deps: Deps, entry: Omit<AuditEntry, 'id' | 'at'>): Promise<void> {
  try {
    await recordAudit(deps.store, { id: randomUUID(), at: deps.now().toISOString(), ...entry });
  } catch (err) {
    // A failure to audit is logged, not hidden, and does not undo a change already made.
    deps.log.error('audit record not written', { action: entry.action, error: err as Error });
  }
}

/**
 * Runs one route for one caller. `read` is asked for the query and body only once the caller may use
 * the route, so a refused caller learns nothing from validation errors and never has a body parsed.
 * Never throws: every failure is an answer in the error shape.
 */
export async function runRoute(
  ctx: RouteContext,
  route: AnyRoute,
  caller: Caller | undefined,
  rawParams: Readonly<Record<string, string>>,
  read: () => Promise<UncheckedInput>,
  meta: { readonly door: Door; readonly path: string },
): Promise<RouteAnswer> {
  const { deps } = ctx;
  const action = `${route.method} ${route.path}`;
  try {
    if (!caller || !mayUse(caller.roles, route.roles)) {
      await audit(deps, {
        ...(caller ? auditActor(caller) : { actor: 'anonymous' }),
        action,
        path: meta.path,
        recordId: auditableId(rawParams),
        status: 403,
        fields: [],
        detail: `refused: needs ${route.roles.join(' or ')}`,
      });
      throw forbidden(route, caller);
    }
    const input = await read();
    const params = parse(route.params, rawParams, 'path', 'The request path is invalid');
    // As for a body: a stray or misspelt parameter is refused, not dropped (the pages' queries are typed).
    if (meta.door !== 'in-process') refuseUnknown(route.query, input.query, 'query');
    const query = parse(route.query, input.query, 'query', 'Query string is invalid');
    const paged = route.query !== undefined && 'cursor' in route.query.shape;
    const scope = paged ? cursorScope(route.id, { ...query, ...params }) : '';
    if (paged && typeof query.cursor === 'string') {
      const position = await ctx.cursors.open(query.cursor, scope);
      if (position === undefined) {
        throw new ValidationError('Invalid cursor', [
          { field: 'query.cursor', message: 'not a cursor this API returned for this query' },
        ]);
      }
      query.cursor = position;
    }
    // A caller's misspelt or stray field is refused, not dropped (the staff pages build their own bodies).
    if (route.body && meta.door !== 'in-process') refuseUnknown(route.body.schema, input.body, 'body');
    const body = route.body ? parse(route.body.schema, input.body, '', 'Request body is invalid') : undefined;
    let output = (await route.handler({ deps, caller, params, query, body, raw: input.raw })) as unknown;
    // The safeguarding flags, for the caller's roles (a scheduler's answer leaves them out): sensitive.ts.
    if (!route.noFamilyData) output = answerForRoles(output, caller.roles);
    if (ctx.checkResponses) route.response.schema.parse(output);
    if (paged && isRecord(output) && typeof output.cursor === 'string') {
      output = { ...output, cursor: await ctx.cursors.seal(output.cursor, scope) };
    }
    if (route.method !== 'GET') {
      await audit(deps, {
        ...auditActor(caller),
        action,
        path: meta.path,
        recordId:
          (params.id as string | undefined) ??
          (isRecord(output) && typeof output.id === 'string' ? output.id : undefined),
        status: route.response.status,
        fields: isRecord(input.body) ? Object.keys(input.body).sort() : [],
      });
    }
    return { status: route.response.status, body: output };
  } catch (err) {
    const answer = errorAnswer(err, deps.log);
    if (answer.status >= 500) deps.log.warn('route failed', { route: route.id, door: meta.door });
    return answer;
  }
}

// ---------------------------------------------------------------------------------------------------
// In-process calls: the staff pages (issue 12) call routes this way, as the signed-in person.

type Given<S> = S extends z.core.$ZodType ? z.input<S> : undefined;

type RouteOf<Id extends RouteId> = Extract<Route, { id: Id }>;

/** What `invokeRoute` takes for a route: its path parameters, query and body, as the schemas accept them. */
export type RouteInput<Id extends RouteId> =
  // biome-ignore lint/suspicious/noExplicitAny: only the schema types are read here
  RouteOf<Id> extends RouteSpec<any, infer P, infer Q, infer B, any>
    ? {
        readonly params?: Given<P>;
        readonly query?: Given<Q>;
        readonly body?: Given<B>;
        readonly raw?: RawBody;
      }
    : never;

/** What a route answers on success, as its response schema says. */
export type RouteOutput<Id extends RouteId> = z.output<RouteOf<Id>['response']['schema']>;

export type RouteResult<Id extends RouteId> =
  | { readonly ok: true; readonly status: number; readonly body: RouteOutput<Id> }
  | { readonly ok: false; readonly status: number; readonly error: ErrorBody['error'] };

const asStrings = (record: Readonly<Record<string, unknown>> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k, String(v)]));

/**
 * Calls a route of the table in-process, as `caller`: the same permission check, schemas, cursors and
 * audit as a call through either door. A refusal or a bad input is a result (`ok: false`, the status and
 * the error shape), never a throw, so a page can show it. Query values may be given as the types the
 * schema accepts (numbers, booleans) or as strings.
 */
export async function invokeRoute<Id extends RouteId>(
  ctx: RouteContext,
  routeId: Id,
  caller: Caller | undefined,
  input: RouteInput<Id>,
): Promise<RouteResult<Id>> {
  const route = routeById(routeId);
  if (!route) throw new Error(`No route ${routeId} in the route table`);
  const given = input as UncheckedInput & { readonly params?: Readonly<Record<string, unknown>> };
  const params = asStrings(given.params);
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const answer = await runRoute(ctx, route, caller, params, async () => given, { door: 'in-process', path });
  if (answer.status < 300) return { ok: true, status: answer.status, body: answer.body as RouteOutput<Id> };
  return { ok: false, status: answer.status, error: (answer.body as ErrorBody).error };
}

// ---------------------------------------------------------------------------------------------------
// HTTP: both doors read a web Request the same way.

/**
 * The query string's parameters. Each takes one value: a parameter given twice (`?date=…&date=…`) is a
 * 400 naming it, not its first value quietly used.
 */
function queryOf(url: URL): Record<string, string> {
  // A Map, then own properties: `__proto__` and `constructor` are parameters like any other.
  const query = new Map<string, string>();
  const repeated = new Set<string>();
  for (const [name, value] of url.searchParams) {
    if (query.has(name)) repeated.add(name);
    else query.set(name, value);
  }
  if (repeated.size > 0) {
    throw new ValidationError(
      'Query string gives a parameter more than once',
      [...repeated].map((name) => ({
        field: `query.${name}`,
        message: 'given more than once; give it once',
      })),
    );
  }
  return Object.fromEntries(query);
}

async function readHttpInput(route: AnyRoute, request: Request): Promise<UncheckedInput> {
  const base = { query: queryOf(new URL(request.url)) };
  if (!route.body && !route.rawBody) return base;
  const text = await request.text();
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(
      route.rawBody
        ? 'Request body is larger than 1 MB; split the file and send each part'
        : 'Request body is larger than 1 MB',
    );
  }
  if (route.rawBody) return { ...base, raw: { text, contentType: request.headers.get('content-type') } };
  // An empty body reads as {}, so a body whose fields are all optional may be left out. The Content-Type
  // is not insisted on: `curl -d` sends form-urlencoded, and the body is JSON whatever it says.
  if (text.trim() === '') return { ...base, body: {} };
  try {
    return { ...base, body: JSON.parse(text) as unknown };
  } catch {
    throw bodyNotJson('expected a JSON object');
  }
}

/** Answers one HTTP request for a route already matched, as `caller`, in the error shape on failure. */
export async function answerRequest(
  ctx: RouteContext,
  route: AnyRoute,
  caller: Caller | undefined,
  request: Request,
  params: Readonly<Record<string, string>>,
  door: Door,
): Promise<Response> {
  const path = new URL(request.url).pathname;
  const answer = await runRoute(ctx, route, caller, params, () => readHttpInput(route, request), {
    door,
    path,
  });
  const file = route.response.file;
  if (file && answer.status < 300) {
    const { fileName, base64 } = answer.body as { fileName: string; base64: string };
    return new Response(Buffer.from(base64, 'base64'), {
      status: answer.status,
      headers: {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
        // Names and addresses: never kept by a browser or a proxy.
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  }
  return json(answer.status, answer.body);
}

/** 404, or 405 with `Allow`, in the error shape: for a path or method the API does not serve. */
export function notServed(method: string, path: string, allow?: readonly string[]): Response {
  if (!allow || allow.length === 0) {
    return json(404, { error: { code: 'NOT_FOUND', message: `No route ${path}` } } satisfies ErrorBody);
  }
  return json(
    405,
    {
      error: {
        code: 'METHOD_NOT_ALLOWED',
        message: `${method} is not served on ${path}; use ${allow.join(', ')}`,
      },
    } satisfies ErrorBody,
    { allow: allow.join(', ') },
  );
}
