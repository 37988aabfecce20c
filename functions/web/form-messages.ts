/**
 * The one place a staff page turns a route's refusal of a field into words for the person at the form.
 * The API's error bodies name fields for developers ("Too big: expected string to have <=100
 * characters", `expected an id: letters, digits, "." …`) and tests depend on them, so they stay as they
 * are; a page instead reads what the schema found (the zod issue's code and limits, kept on each field
 * in-process: `issueDetail` in functions/api/dispatch.ts) and says it plainly here:
 *
 * - too long: "The note must be 1000 characters or fewer (it has 1001)";
 * - nothing given, or an empty string: "Enter the …"; a value that is not one of the choices: "Choose …";
 * - any other fault in zod's own wording: a plain sentence of the same kind;
 * - a schema's own message (written for people: "tick at least one day") is kept, after the field's name.
 *
 * A page may say more for a field than any general rule can (`say`): one message for every fault, or
 * one per kind of fault ("Enter the family's mobile number or their Attend id").
 */
import { type FieldIssueDetail, issueDetail } from '#api/dispatch.ts';

/** The kinds of fault a page may word for itself. */
export type FaultKind =
  | 'missing'
  | 'tooLong'
  | 'tooShort'
  | 'tooFew'
  | 'tooMany'
  | 'tooHigh'
  | 'tooLow'
  | 'notAChoice'
  | 'format'
  | 'other';

/** How a page names one of its fields. */
export interface FieldWords {
  /** The form control's id (the error summary links to it). */
  readonly id: string;
  /** Its label as the page shows it: "Note", "Latest date". */
  readonly name: string;
  /** What to call it inside a sentence: "the note" (default: "the " and the name in lower case). */
  readonly noun?: string;
  /** The page's own message for this field: for every fault, or by kind of fault. */
  readonly say?: string | Partial<Record<FaultKind | 'any', string>>;
}

/** One refused field as a route answers it. */
export interface RefusedField {
  readonly field: string;
  readonly message: string;
}

function kindOf(d: FieldIssueDetail): FaultKind {
  if (d.missing) return 'missing';
  const list = d.origin === 'array' || d.origin === 'set';
  const sized = d.origin === 'string' || list;
  switch (d.code) {
    case 'too_big':
      return list ? 'tooMany' : sized ? 'tooLong' : 'tooHigh';
    case 'too_small':
      // An empty box is "Enter …", unless the schema says in its own words what to give.
      if (d.origin === 'string' && d.length === 0 && d.zodWording) return 'missing';
      return list ? 'tooFew' : sized ? 'tooShort' : 'tooLow';
    case 'invalid_value':
    case 'invalid_union':
      return 'notAChoice';
    case 'invalid_format':
    case 'invalid_type':
      return 'format';
    default:
      return 'other';
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Schema messages in a developer's words (functions/core/dates.ts, the HH:MM checks), and what a page
 * says after the field's name instead: "From must be a real date, written like 2026-03-31".
 */
const DEVELOPER_WORDING: readonly (readonly [RegExp, string])[] = [
  [
    /^expected a date as yyyy-mm-dd|^is not a real calendar date/,
    'must be a real date, written like 2026-03-31',
  ],
  [/^expected a 24-hour local time as HH:MM/, 'must be a 24-hour time, written like 09:30'],
];

/** A field's message in plain words, as `words` names the field (see the module's comment). */
export function plainFieldMessage(refused: RefusedField, words?: Omit<FieldWords, 'id'>): string {
  const name = words?.name ?? refused.field.replace(/^(query|path)\./, '');
  const noun = words?.noun ?? `the ${name.toLowerCase()}`;
  const detail = issueDetail(refused);
  const kind = detail ? kindOf(detail) : 'other';
  const say = words?.say;
  if (typeof say === 'string') return say;
  const own = say?.[kind] ?? (detail ? say?.any : undefined);
  if (own) return own;
  if (detail && kind === 'tooLong' && detail.maximum !== undefined) {
    const has = detail.length !== undefined ? ` (it has ${detail.length})` : '';
    return `${capital(noun)} must be ${detail.maximum} characters or fewer${has}`;
  }
  if (detail && kind === 'missing') return `Enter ${noun}`;
  // A few of the schemas' own messages are written for developers (the API names the format it
  // parses): said here as the person at the form needs it.
  for (const [wording, plain] of DEVELOPER_WORDING)
    if (wording.test(refused.message)) return `${name} ${plain}`;
  // A schema's own message was written for people: keep it, after the field's name.
  if (!detail?.zodWording) return `${name}: ${refused.message}`;
  switch (kind) {
    case 'tooShort':
      return `${capital(noun)} must be at least ${detail.minimum} characters`;
    case 'tooFew':
      return `${name}: choose at least ${detail.minimum}`;
    case 'tooMany':
      return `${name}: choose no more than ${detail.maximum}`;
    case 'tooHigh':
      return `${capital(noun)} must be ${detail.maximum} or less`;
    case 'tooLow':
      return `${capital(noun)} must be ${detail.minimum} or more`;
    case 'notAChoice':
      return `Choose ${noun} from the list`;
    case 'format':
      return `Enter ${noun} in the right format`;
    default:
      return `Check ${noun}`;
  }
}

export interface FieldError {
  readonly text: string;
  readonly href: string;
}

/**
 * A route's 400 fields as the error summary's list and a message per form field. `labels` maps the
 * route's field names (`acceptableClinicIds`, `query.type`, `address.postcode`) to the form's field;
 * a field it does not name goes to the first label's field.
 */
export function fieldErrors(
  fields: readonly RefusedField[] | undefined,
  fallback: string,
  labels: Readonly<Record<string, FieldWords>>,
): { list: FieldError[]; byId: Record<string, string> } {
  const byId: Record<string, string> = {};
  const list: FieldError[] = [];
  const first = Object.values(labels)[0];
  for (const f of fields ?? []) {
    const full = f.field.replace(/^(query|path)\./, '');
    const key = full.split('.')[0] ?? full;
    const label = labels[full] ?? labels[f.field] ?? labels[key];
    const id = label?.id ?? first?.id ?? 'main-content';
    const text = plainFieldMessage(f, label ?? (first && { ...first, name: key, noun: `the ${key}` }));
    if (!(id in byId)) byId[id] = text;
    list.push({ text, href: `#${id}` });
  }
  if (list.length === 0) list.push({ text: fallback, href: `#${first?.id ?? 'main-content'}` });
  return { list, byId };
}

/**
 * A value from the address or a form as a page says it back: a control character (NUL, an escape, a
 * line break) is shown as "�" (the value still reads as not what was meant, and nothing unprintable
 * reaches the page), and a long value is cut to `max` characters and "…".
 */
export function echo(value: string, max = 40): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
  const chars = [...clean];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : clean;
}
