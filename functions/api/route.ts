/**
 * How a route of the admin API is declared: once, with everything the three things made from it need.
 * The route table (routes.ts) is a list of these; the Powertools router (router.ts), the OpenAPI document
 * (openapi.ts) and the permission check (dispatch.ts) all read it, so a route cannot be served without
 * being documented and checked, or documented differently from what it checks.
 *
 * A handler is a plain function of its parsed input and the caller: it never sees an HTTP request, so the
 * same handler answers the IAM door (the function URL), the browser door (`/staff/api/…` on the web
 * function) and the staff pages' in-process calls (`invokeRoute`).
 */
import * as z from 'zod';
import type { Caller, Role } from '#core/roles.ts';
import type { Deps } from '#services/deps.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Statuses a route may answer besides its success: the ones it names in `errors`, plus 400 (a query
 * parameter it does not take, or one given twice), 403 (a caller whose roles may not use it), 500 and
 * 503, which every route can answer.
 */
export type RouteErrorStatus = 400 | 404 | 409 | 413 | 422;

/** A body the handler reads as text itself (an EPR file), with the Content-Type it came with. */
export interface RawBody {
  readonly text: string;
  readonly contentType: string | null;
}

type JsonSchema = Record<string, unknown>;

/** How a raw body is documented: its media types and their schemas (JSON Schema as written). */
export interface RawBodyDoc {
  readonly description: string;
  readonly content: Readonly<Record<string, { readonly schema: JsonSchema }>>;
}

type Parsed<S> = S extends z.core.$ZodType ? z.output<S> : Record<string, never>;

/** What a handler is given: its dependencies, who is calling, and its input already parsed by the schemas. */
export interface HandlerArgs<P, Q, B> {
  readonly deps: Deps;
  readonly caller: Caller;
  /** Path parameters, checked for pattern and length by `params`. */
  readonly params: Parsed<P>;
  readonly query: Parsed<Q>;
  /** The JSON body, parsed by `body.schema` (undefined for a route without one). */
  readonly body: B extends z.core.$ZodType ? z.output<B> : undefined;
  /** The body as text, for a route declared with `rawBody`. */
  readonly raw: RawBody | undefined;
}

export interface RouteSpec<
  Id extends string,
  P extends z.core.$ZodObject | undefined,
  Q extends z.core.$ZodObject | undefined,
  B extends z.core.$ZodType | undefined,
  R extends z.core.$ZodType,
> {
  /** The OpenAPI operationId, and the name `invokeRoute` calls the route by. */
  readonly id: Id;
  readonly method: HttpMethod;
  /** OpenAPI form: `/bookings/{id}/cancel`. */
  readonly path: `/${string}`;
  /** The OpenAPI tag (the resource). */
  readonly tag: string;
  /** One line: what the route does. */
  readonly summary: string;
  readonly description?: string;
  /**
   * The roles that may call it; every other caller gets 403. An empty list is refused by the table's
   * test (deny by default: a route must say who may use it).
   */
  readonly roles: readonly Role[];
  /** Path parameters: each `{name}` in the path, with its pattern and length. */
  readonly params?: P;
  readonly query?: Q;
  /** A JSON body, with the name its schema has in the document. */
  readonly body?: { readonly name: string; readonly schema: B };
  /** A body the handler reads itself (not JSON), described as given. */
  readonly rawBody?: RawBodyDoc;
  readonly response: {
    readonly status: 200 | 201;
    readonly name: string;
    readonly schema: R;
    readonly description: string;
    /**
     * The answer is a file, not JSON: the handler returns `{ fileName, base64 }` and both doors send the
     * bytes with this Content-Type as an attachment.
     */
    readonly file?: { readonly contentType: string };
  };
  /** The error statuses it can answer besides 400, 403, 500 and 503. */
  readonly errors: readonly RouteErrorStatus[];
  /**
   * The answer holds no family's data (the OpenAPI document, whose schemas name the flags): it is sent as
   * is. Every other answer goes through `answerForRoles` (sensitive.ts), which leaves the safeguarding
   * flags out for a caller who may not see them.
   */
  readonly noFamilyData?: true;
  handler(args: HandlerArgs<P, Q, B>): Promise<z.output<R>>;
}

// biome-ignore lint/suspicious/noExplicitAny: the table holds routes of every input and output type
export type AnyRoute = RouteSpec<string, any, any, any, any>;

/** Declares a route: the identity function, there for the types (the handler's input comes from the schemas). */
export function defineRoute<
  const Id extends string,
  R extends z.core.$ZodType,
  P extends z.core.$ZodObject | undefined = undefined,
  Q extends z.core.$ZodObject | undefined = undefined,
  B extends z.core.$ZodType | undefined = undefined,
>(spec: RouteSpec<Id, P, Q, B, R>): RouteSpec<Id, P, Q, B, R> {
  return spec;
}

// ---------------------------------------------------------------------------------------------------
// Shared pieces of schemas. Every id that reaches a key in DynamoDB is checked here, at the edge:
// DynamoDB refuses a key over 2,048 bytes with an error the caller would otherwise see as a 500.

/** A record id as Attend makes and stores them: UUIDs, `wnb-…`, `<client>.<type>`, EPR clinic codes. */
export const recordId = z
  .string()
  .max(128, 'an id is at most 128 characters')
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, 'expected an id: letters, digits, ".", "_" and "-"');

/** `{ id }` for a route whose path has one `{id}`. */
export const idParams = z.object({ id: recordId });

/** An appointment type id (the trust config's keys). */
export const appointmentTypeId = z
  .string()
  .regex(/^[a-z0-9-]{2,40}$/, 'expected an appointment type id (lower-case letters, digits and "-")');

/**
 * A page cursor as the API hands it out: opaque, sealed (encrypted and authenticated with the trust's
 * cursor key) and bound to the route and query that made it; see functions/runtime/cursors.ts.
 */
export const pageCursor = z.string().min(1).max(2048);

export const pageLimit = (max: number) => z.coerce.number().int().min(1).max(max);

export const page = <T extends z.core.$ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    /** Opaque; pass it back as `?cursor=` with the same query for the next page. Absent on the last page. */
    cursor: z.string().optional(),
  });

export const list = <T extends z.core.$ZodType>(item: T) => z.object({ items: z.array(item) });

/** The one error shape every 4xx and 5xx has. */
export const errorBodySchema = z.object({
  error: z.object({
    /** Machine-readable, e.g. VALIDATION_FAILED, FORBIDDEN, NOT_FOUND, SLOT_NOT_FREE, ALREADY_CLOSED. */
    code: z.string(),
    message: z.string(),
    /** On a 400: each bad field (`query.` prefixes a query parameter, `path.` a path one) and what is wrong. */
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

/**
 * What a record's `…By` field (cancelledBy, closedBy, outcomeBy, …) holds for this caller: a signed-in
 * person's display name, so the staff pages can show who did it; an IAM caller's principal ARN; the
 * local runtime's `local-dev`. The audit trail keeps both the subject and the name of every change.
 */
export function actedBy(caller: Caller): string {
  return caller.kind === 'oidc' ? caller.name : caller.subject;
}
