/**
 * The body fields a route's schema does not know. zod's objects drop unknown keys quietly, so a caller
 * who misspells `firstname` or sends `dateOfBrith` would get a 201 and lose the field; the doors refuse
 * such a body instead, with a 400 naming each unknown field (`fields[].field` is its dotted path, as for
 * any other body error).
 *
 * Walks the schema beside the value: objects (each known key, deeper where the value is an object),
 * arrays (each element), optional, nullable, default, readonly and pipe (its input side). A key is known
 * to a union when any of its object options knows it. An object with a catchall, a record, or any other
 * schema accepts whatever it is given, so nothing under it is reported.
 */
import type * as z from 'zod';

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly catchall?: z.core.$ZodType;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly element?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
}

const defOf = (schema: z.core.$ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object schemas `schema` may read a value with (through wrappers and unions); none if it takes anything. */
function objectSchemas(schema: z.core.$ZodType): Def[] | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      // A catchall (z.looseObject, .catchall) takes any key.
      return def.catchall && defOf(def.catchall).type !== 'never' ? undefined : [def];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return def.innerType ? objectSchemas(def.innerType) : undefined;
    case 'pipe':
      return def.in ? objectSchemas(def.in) : undefined;
    case 'union': {
      const all: Def[] = [];
      for (const option of def.options ?? []) {
        const objects = objectSchemas(option);
        if (objects === undefined) return undefined;
        all.push(...objects);
      }
      return all.length > 0 ? all : undefined;
    }
    default:
      return undefined;
  }
}

function arrayElement(schema: z.core.$ZodType): z.core.$ZodType | undefined {
  const def = defOf(schema);
  if (def.type === 'array') return def.element;
  if (
    ['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch'].includes(def.type)
  ) {
    return def.innerType ? arrayElement(def.innerType) : undefined;
  }
  if (def.type === 'pipe') return def.in ? arrayElement(def.in) : undefined;
  return undefined;
}

/** A field the schema does not know: its dotted path, and the fields known beside it (sorted). */
export interface UnknownField {
  readonly field: string;
  readonly known: readonly string[];
}

/**
 * Every field in `value` that `schema` does not know, in the value's key order (`firstname`,
 * `address.line4`, `children.1.nmae`). Empty when all are known.
 */
export function unknownFields(schema: z.core.$ZodType, value: unknown, prefix = ''): UnknownField[] {
  const at = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (Array.isArray(value)) {
    const element = arrayElement(schema);
    return element ? value.flatMap((item, i) => unknownFields(element, item, at(String(i)))) : [];
  }
  if (!isRecord(value)) return [];
  const objects = objectSchemas(schema);
  if (objects === undefined) return [];
  const found: UnknownField[] = [];
  const names = [...new Set(objects.flatMap((o) => Object.keys(o.shape ?? {})))].sort();
  for (const [key, inner] of Object.entries(value)) {
    // Own keys only: `in` would also find `constructor` and `__proto__` on every object's prototype.
    const known = objects.flatMap((o) => (o.shape && Object.hasOwn(o.shape, key) ? [o.shape[key]!] : []));
    if (known.length === 0) {
      found.push({ field: at(key), known: names });
      continue;
    }
    // Deeper, a key is unknown only when no option that knows this field knows it.
    const deeper = known.map((s) => unknownFields(s, inner, at(key)));
    const shortest = deeper.reduce((a, b) => (b.length < a.length ? b : a));
    found.push(...shortest);
  }
  return found;
}
