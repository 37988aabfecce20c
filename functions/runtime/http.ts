/**
 * HTTP plumbing for the admin API: the one error shape `{ error: { code, message, fields? } }`, zod
 * issues as its `fields`, and the mapping from errors to status codes (the only place that mapping
 * lives). Bodies and queries are read by the route table's dispatcher (functions/api/dispatch.ts).
 */
import { HttpError } from '@aws-lambda-powertools/event-handler/http';
import type * as z from 'zod';
import {
  AttendError,
  ConflictError,
  DatabaseUnavailableError,
  type FieldIssue,
  ForbiddenError,
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

/** An error as the API answers it: a status and the one error shape. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: ErrorBody;
}

/** Maps any error to a status and the API's one error shape; 5xx details go to the log, never to the caller. */
export function errorAnswer(err: unknown, log: Log): ErrorAnswer {
  const answer = (status: number, code: string, message: string): ErrorAnswer => ({
    status,
    body: { error: { code, message } },
  });
  if (err instanceof ValidationError) {
    return { status: 400, body: { error: { code: err.code, message: err.message, fields: err.fields } } };
  }
  if (err instanceof ForbiddenError) return answer(403, err.code, err.message);
  if (err instanceof NotFoundError) return answer(404, err.code, err.message);
  if (err instanceof ConflictError) return answer(409, err.code, err.message);
  if (err instanceof PayloadTooLargeError) return answer(413, err.code, err.message);
  if (err instanceof AttendError) return answer(422, err.code, err.message);
  // A percent-escape that does not decode, wherever the decoding happened: the input is at fault.
  if (err instanceof URIError)
    return answer(400, 'VALIDATION_FAILED', 'The request has malformed percent-encoding');
  if (err instanceof HttpError) {
    const code =
      err.statusCode === 404 ? 'NOT_FOUND' : err.statusCode === 405 ? 'METHOD_NOT_ALLOWED' : 'BAD_REQUEST';
    return answer(err.statusCode, code, err.message);
  }
  if (err instanceof DatabaseUnavailableError) return { status: 503, body: DATABASE_UNAVAILABLE };
  if (isDatabaseUnreachable(err)) {
    log.error('the database did not answer', { error: err as Error });
    return { status: 503, body: DATABASE_UNAVAILABLE };
  }
  log.error('unhandled error in admin API', { error: err as Error });
  return answer(500, 'INTERNAL', 'Something went wrong; the error has been logged.');
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
  const { status, body } = errorAnswer(err, log);
  return json(status, body);
}
