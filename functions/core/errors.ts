/**
 * The small error tree, at the bottom layer: the core, the store and the services throw these, and
 * `errorResponse` in functions/runtime/http.ts maps them to status codes in exactly one place.
 * Anything else is a 500 that says little to the caller.
 */
export interface FieldIssue {
  field: string;
  message: string;
}

export abstract class AttendError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that fails validation; names each bad field. */
export class ValidationError extends AttendError {
  readonly code: string = 'VALIDATION_FAILED';
  constructor(
    message: string,
    readonly fields: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/**
 * A request body that does not parse as JSON at all, told apart from one whose fields are wrong:
 * 400 VALIDATION_FAILED "Request body is not valid JSON", on `(body)`, saying what was `expected`
 * ("expected a JSON object"). The admin API, the import route and the local /dev endpoints answer it.
 */
export function bodyNotJson(expected: string): ValidationError {
  return new ValidationError('Request body is not valid JSON', [{ field: '(body)', message: expected }]);
}

/** A caller whose roles do not allow what they asked for (every route says who may use it). */
export class ForbiddenError extends AttendError {
  readonly code = 'FORBIDDEN';
}

export class NotFoundError extends AttendError {
  readonly code = 'NOT_FOUND';
}

/** A state change that the current state does not allow (e.g. cancelling a cancelled booking). */
export class ConflictError extends AttendError {
  readonly code: string;
  constructor(message: string, code = 'CONFLICT', options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export class PayloadTooLargeError extends AttendError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}

/** A text could not be handed to the SMS provider; the caller decides whether to retry. */
export class SmsSendError extends AttendError {
  readonly code = 'SMS_SEND_FAILED';
}

/**
 * A text to a number that is opted out (STOP, staff, unreachable) was refused before it reached the
 * provider. Not sent, and never to be retried: the caller records it as not sent. Names no number.
 */
export class RecipientSuppressedError extends AttendError {
  readonly code = 'RECIPIENT_SUPPRESSED';
  constructor(message = 'The number is opted out of texts; the text was not sent') {
    super(message);
  }
}

/**
 * A conditional write refused because one named condition did not hold: `record` says which item
 * ("slot", "offer", …), `condition` names the piece of its condition that failed, judged on the item as
 * it was (DynamoDB's ALL_OLD), and `current` is that item (undefined when it did not exist). Callers
 * decide on the name, never on a position in a transaction.
 */
export class ConditionFailedError extends ConflictError {
  constructor(
    readonly record: string,
    readonly condition: string,
    readonly current: Readonly<Record<string, unknown>> | undefined,
    /** Every failed item's `record:condition`, when more than one failed. */
    readonly failed: readonly string[] = [`${record}:${condition}`],
  ) {
    super(`The ${record} did not meet the condition "${condition}"`, 'CONDITION_FAILED');
  }
}

/** DynamoDB cancelled a transaction because another one held an item: nothing was written; retry. */
export class WriteConflictError extends ConflictError {
  constructor(options?: { cause?: unknown }) {
    super(
      'Another change to the same records was in progress; please try again',
      'TRANSACTION_CONFLICT',
      options,
    );
  }
}

/**
 * A text longer than Attend sends: over 6 segments (918 GSM-7 characters, or 402 counted as UCS-2).
 * A 400 at `POST /templates/preview`; a config whose templates can render one fails to load.
 */
export class TextTooLongError extends ValidationError {
  override readonly code = 'TEXT_TOO_LONG';
}

/**
 * True for a send refused because the number has opted out or is unreachable (the consent wrapper's
 * `RecipientSuppressedError`): the text is not sent, and trying again never helps. Told by name so the
 * send paths need no import of the wrapper.
 */
export function isRecipientSuppressed(err: unknown): boolean {
  return err instanceof RecipientSuppressedError;
}

/**
 * The table did not answer (GET /health's probe, say): a 503 `DATABASE_UNAVAILABLE`. Not an AttendError:
 * nothing about the request is at fault.
 */
export class DatabaseUnavailableError extends Error {
  constructor(readonly reason: string) {
    super('The database is not answering');
    this.name = 'DatabaseUnavailableError';
  }
}
