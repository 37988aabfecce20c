/**
 * HTTP plumbing for the admin API: body and query parsing with zod, the one error shape
 * `{ error: { code, message, fields? } }`, and the mapping from errors to status codes (the only place
 * that mapping lives).
 */
import { HttpError } from '@aws-lambda-powertools/event-handler/http';
import type * as z from 'zod';
import {
  AttendError,
  ConflictError,
  type FieldIssue,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '#core/errors.ts';
import type { Log } from '#services/deps.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldIssue[] };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function zodFields(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || prefix || '(body)',
    message: issue.message,
  }));
}

/** Reads a JSON body and validates it; a 400 names every bad field, a body over 1 MB is a 413. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const text = await req.text();
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError('Request body is larger than 1 MB');
  }
  let raw: unknown;
  if (text.trim() === '') {
    raw = {};
  } else {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ValidationError('Request body is not valid JSON', [
        { field: '(body)', message: 'expected a JSON object' },
      ]);
    }
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new ValidationError('Request body is invalid', zodFields(result.error));
  return result.data;
}

/** Validates the query string (each parameter's first value). */
export function readQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const params = Object.fromEntries(new URL(req.url).searchParams.entries());
  const result = schema.safeParse(params);
  if (!result.success) throw new ValidationError('Query string is invalid', zodFields(result.error, 'query'));
  return result.data;
}

/** Node's and the SDK's names for "the database did not answer": refused, reset, timed out, aborted. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'TimeoutError',
  'RequestTimeout',
  'AbortError',
]);

/**
 * Whether an error means the database could not be reached (as opposed to answering with an error).
 * The outcome of a write that failed this way is unknown: it may have been applied before the
 * connection broke. So the caller is told to check before repeating it, not that nothing happened.
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (UNREACHABLE.has(String(e.code)) || UNREACHABLE.has(String(e.name))) return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnreachable(e.cause);
}

export const DATABASE_UNAVAILABLE: ErrorBody = {
  error: {
    code: 'DATABASE_UNAVAILABLE',
    message:
      'The database is not answering. A change asked for now may or may not have been made: check before trying again.',
  },
};

/** 503 in the API's error shape: the database is not answering. */
export function databaseUnavailable(): Response {
  return json(503, DATABASE_UNAVAILABLE);
}

/** Maps any error to the API's one error shape; 5xx details go to the log, never to the caller. */
export function errorResponse(err: unknown, log: Log): Response {
  if (err instanceof ValidationError) {
    return json(400, {
      error: { code: err.code, message: err.message, fields: err.fields },
    } satisfies ErrorBody);
  }
  if (err instanceof NotFoundError) return json(404, { error: { code: err.code, message: err.message } });
  if (err instanceof ConflictError) return json(409, { error: { code: err.code, message: err.message } });
  if (err instanceof PayloadTooLargeError)
    return json(413, { error: { code: err.code, message: err.message } });
  if (err instanceof AttendError) return json(422, { error: { code: err.code, message: err.message } });
  if (err instanceof HttpError) {
    const code =
      err.statusCode === 404 ? 'NOT_FOUND' : err.statusCode === 405 ? 'METHOD_NOT_ALLOWED' : 'BAD_REQUEST';
    return json(err.statusCode, { error: { code, message: err.message } });
  }
  if (isDatabaseUnreachable(err)) {
    log.error('the database did not answer', { error: err as Error });
    return databaseUnavailable();
  }
  log.error('unhandled error in admin API', { error: err as Error });
  return json(500, {
    error: { code: 'INTERNAL', message: 'Something went wrong; the error has been logged.' },
  });
}
