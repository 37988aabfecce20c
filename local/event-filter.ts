/**
 * Lambda event filtering (EventBridge pattern syntax) for the local stream poller, so a record reaches
 * a handler locally exactly when the event source mapping's FilterCriteria would let it through in AWS.
 *
 * Records are matched in the JSON form Lambda delivers: `eventName`, and `dynamodb.NewImage` /
 * `OldImage` / `Keys` in attribute-value form, so a pattern reaches a value through its type key:
 * `{ dynamodb: { NewImage: { status: { S: ['FREE'] } } } }`.
 *
 * Supported, as in EventBridge:
 * - a nested object in the pattern matches the record's nested keys (every key must match);
 * - an array of rules matches if any rule matches; a plain value (string, number, boolean, null) is
 *   an exact match;
 * - `{ "anything-but": v | [v, ...] | { "prefix": "..." } }`, `{ "exists": true | false }`,
 *   `{ "prefix": "..." }`;
 * - an array in the record matches if any of its elements matches.
 *
 * Rules apply to leaves only, as in EventBridge: a field that is absent, or that holds an object, has
 * no value here. So a value rule and `anything-but` never match an absent field (a MODIFY whose old
 * image has no `status` does not match `{ status: { S: [{ 'anything-but': ['FREE'] }] } }`), and
 * `{ exists: true }` must be written on the leaf (`status: { S: [{ exists: true }] }`), not on
 * `status` itself. Anything else (numeric ranges, suffix, `$or`, …) is refused as an invalid pattern
 * rather than silently never matching, so a pattern that would behave differently in AWS fails fast.
 */

export type FilterPattern = Readonly<Record<string, unknown>>;

export class InvalidFilterPatternError extends Error {
  override readonly name = 'InvalidFilterPatternError';
}

type Scalar = string | number | boolean | null;

/** True if the record (in Lambda's JSON form) matches the pattern; throws for an invalid pattern. */
export function matchesFilter(record: unknown, pattern: FilterPattern): boolean {
  // Patterns are a few keys deep, so checking each time costs little and keeps matching simple.
  assertValidPattern(pattern);
  return matchObject(record, pattern);
}

/** True if the record matches at least one pattern: Lambda's FilterCriteria are OR-ed. */
export function matchesAny(record: unknown, patterns: readonly FilterPattern[]): boolean {
  return patterns.some((pattern) => matchesFilter(record, pattern));
}

/** Throws InvalidFilterPatternError for a pattern this matcher (or Lambda) would not accept. */
export function assertValidPattern(pattern: FilterPattern): void {
  validateObject(pattern, '');
}

/** Matches a pattern already checked by assertValidPattern. */
function matchObject(value: unknown, pattern: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const child = isPlainObject(value) ? value[key] : undefined;
    if (!Array.isArray(rule)) return matchObject(child, rule as Record<string, unknown>);
    const values = leaves(child);
    return rule.some((r) => matchRule(values, r));
  });
}

/** The scalar values at a path: none for an absent field or an object, each element of an array. */
function leaves(value: unknown): Scalar[] {
  if (value === undefined || isPlainObject(value)) return [];
  if (Array.isArray(value)) return value.filter(isScalar);
  return isScalar(value) ? [value] : [];
}

function matchRule(values: readonly Scalar[], rule: unknown): boolean {
  if (isScalar(rule)) return values.some((v) => v === rule);
  const [operator, operand] = Object.entries(rule as Record<string, unknown>)[0] as [string, unknown];
  if (operator === 'exists') return operand === values.length > 0;
  if (operator === 'prefix')
    return values.some((v) => typeof v === 'string' && v.startsWith(operand as string));
  // anything-but: an absent field has no values, so it never matches.
  return values.some((v) => !excluded(v, operand));
}

function excluded(value: Scalar, operand: unknown): boolean {
  if (isPlainObject(operand)) {
    return typeof value === 'string' && value.startsWith(operand.prefix as string);
  }
  const list: unknown[] = Array.isArray(operand) ? operand : [operand];
  return list.includes(value);
}

function validateObject(pattern: Readonly<Record<string, unknown>>, path: string): void {
  for (const [key, rule] of Object.entries(pattern)) {
    const at = join(path, key);
    if (Array.isArray(rule)) {
      if (rule.length === 0) throw new InvalidFilterPatternError(`"${at}": an empty list matches nothing`);
      for (const r of rule) validateRule(r, at);
    } else if (isPlainObject(rule)) {
      validateObject(rule, at);
    } else {
      throw notArray(at);
    }
  }
}

function validateRule(rule: unknown, path: string): void {
  if (isScalar(rule)) return;
  if (!isPlainObject(rule)) throw new InvalidFilterPatternError(`"${path}": unsupported rule ${show(rule)}`);
  const [operator, operand] = singleOperator(rule, path);
  const bad = (why: string) => new InvalidFilterPatternError(`"${path}": "${operator}" ${why}`);
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') throw bad('takes true or false');
      return;
    case 'prefix':
      if (typeof operand !== 'string') throw bad('takes a string');
      return;
    case 'anything-but':
      if (isPlainObject(operand)) {
        const keys = Object.keys(operand);
        if (keys.length !== 1 || keys[0] !== 'prefix' || typeof operand.prefix !== 'string')
          throw bad('supports only { "prefix": "..." } as an object here');
        return;
      }
      if (Array.isArray(operand) ? operand.every(isScalar) && operand.length > 0 : isScalar(operand)) return;
      throw bad('takes a value, a list of values or { "prefix": "..." }');
    default:
      throw new InvalidFilterPatternError(`"${path}": unsupported operator "${operator}"`);
  }
}

function singleOperator(rule: Readonly<Record<string, unknown>>, path: string): [string, unknown] {
  const entries = Object.entries(rule);
  if (entries.length !== 1 || !entries[0]) {
    throw new InvalidFilterPatternError(`"${path}": a rule object must hold exactly one operator`);
  }
  return entries[0];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function notArray(path: string): InvalidFilterPatternError {
  return new InvalidFilterPatternError(
    `"${path}": a pattern value must be a list of rules or a nested object`,
  );
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
