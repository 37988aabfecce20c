/**
 * A structural check of an OpenAPI 3.1 document: no validator library is installed, so this checks the
 * essentials a validator would, and returns every problem found (an empty list means none).
 */
type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const SCHEMA_KINDS = ['type', '$ref', 'anyOf', 'oneOf', 'allOf', 'const', 'enum'] as const;
/** Keywords of OpenAPI 3.0's schema dialect that mean something else, or nothing, in 3.1. */
const OPENAPI_30_ONLY = ['nullable', 'x-nullable'] as const;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Resolves a local JSON pointer (`#/components/schemas/Booking`), or undefined. */
export function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(node) || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Every `$ref` anywhere in the document, with where it sits. */
function refs(node: unknown, at: string, found: [string, string][] = []): [string, string][] {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) refs(item, `${at}/${i}`, found);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push([at, value]);
      else refs(value, `${at}/${key}`, found);
    }
  }
  return found;
}

/**
 * A JSON Schema used as a property, item or member must say what it is (a type, a reference, a
 * combination, a constant or an enumeration); `additionalProperties` may be `{}` (anything).
 */
export function schemaProblems(schema: unknown, at: string, problems: string[] = []): string[] {
  if (!isObject(schema)) {
    problems.push(`${at}: a schema must be an object`);
    return problems;
  }
  if (!SCHEMA_KINDS.some((k) => k in schema)) {
    problems.push(`${at}: a schema needs one of ${SCHEMA_KINDS.join(', ')}`);
  }
  for (const k of OPENAPI_30_ONLY) if (k in schema) problems.push(`${at}: "${k}" is OpenAPI 3.0, not 3.1`);
  if ('$schema' in schema || '$id' in schema) problems.push(`${at}: $schema/$id inside the document`);
  if (typeof schema.exclusiveMinimum === 'boolean' || typeof schema.exclusiveMaximum === 'boolean') {
    problems.push(`${at}: boolean exclusiveMinimum/Maximum is draft-04/OpenAPI 3.0`);
  }
  if ('$ref' in schema && typeof schema.$ref !== 'string') problems.push(`${at}: $ref must be a string`);
  // Legal JSON Schema, but a sign of a typo unless the object is a map (a record's keys are not properties).
  const isMap = 'propertyNames' in schema || isObject(schema.additionalProperties);
  if (schema.type === 'object' && 'required' in schema && !isMap) {
    const props = isObject(schema.properties) ? schema.properties : {};
    for (const name of schema.required as string[]) {
      if (!(name in props)) problems.push(`${at}: required "${name}" is not a property`);
    }
  }
  if (isObject(schema.properties)) {
    for (const [name, prop] of Object.entries(schema.properties)) {
      schemaProblems(prop, `${at}/properties/${name}`, problems);
    }
  }
  if ('items' in schema) schemaProblems(schema.items, `${at}/items`, problems);
  for (const combo of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (combo in schema) {
      const members = schema[combo];
      if (!Array.isArray(members) || members.length === 0) problems.push(`${at}/${combo}: a non-empty array`);
      else for (const [i, m] of members.entries()) schemaProblems(m, `${at}/${combo}/${i}`, problems);
    }
  }
  for (const open of ['additionalProperties', 'propertyNames'] as const) {
    const value = schema[open];
    if (value === undefined || typeof value === 'boolean') continue;
    if (!isObject(value)) problems.push(`${at}/${open}: a schema or a boolean`);
    else if (Object.keys(value).length > 0) schemaProblems(value, `${at}/${open}`, problems);
  }
  return problems;
}

/** The problems with a document as OpenAPI 3.1; empty when it passes. */
export function openApiProblems(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(doc)) return ['the document is not an object'];
  if (doc.openapi !== '3.1.0') problems.push(`openapi is ${String(doc.openapi)}, not 3.1.0`);
  const info = doc.info;
  if (!isObject(info) || typeof info.title !== 'string' || !info.title)
    problems.push('info.title is missing');
  if (!isObject(info) || typeof info.version !== 'string' || !info.version) {
    problems.push('info.version is missing');
  }
  if ('servers' in doc && !Array.isArray(doc.servers)) problems.push('servers must be an array');
  if (!isObject(doc.paths)) return [...problems, 'paths is missing'];

  const components = isObject(doc.components) ? doc.components : {};
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  for (const [name, scheme] of Object.entries(schemes)) {
    if (!isObject(scheme)) continue;
    const type = scheme.type;
    if (!['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'].includes(String(type))) {
      problems.push(`securitySchemes.${name}: unknown type ${String(type)}`);
    }
    if (type === 'http' && typeof scheme.scheme !== 'string')
      problems.push(`securitySchemes.${name}: scheme`);
  }
  for (const requirement of (doc.security as Json[] | undefined) ?? []) {
    for (const name of Object.keys(requirement)) {
      if (!(name in schemes)) problems.push(`security names an undeclared scheme ${name}`);
    }
  }

  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/')) problems.push(`${path}: a path starts with /`);
    if (!isObject(item)) continue;
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => name!);
    for (const method of METHODS) {
      const op = item[method];
      if (op === undefined) continue;
      const at = `${method.toUpperCase()} ${path}`;
      if (!isObject(op)) {
        problems.push(`${at}: not an object`);
        continue;
      }
      if (typeof op.operationId !== 'string') problems.push(`${at}: no operationId`);
      else if (operationIds.has(op.operationId))
        problems.push(`${at}: operationId ${op.operationId} repeats`);
      else operationIds.add(op.operationId);

      const params = ((op.parameters as unknown[] | undefined) ?? []).filter(isObject);
      const seen = new Set<string>();
      for (const param of params) {
        const key = `${String(param.in)}:${String(param.name)}`;
        if (seen.has(key)) problems.push(`${at}: parameter ${key} repeats`);
        seen.add(key);
        if (!['query', 'header', 'path', 'cookie'].includes(String(param.in))) {
          problems.push(`${at}: parameter ${String(param.name)} has in=${String(param.in)}`);
        }
        if (param.in === 'path') {
          if (param.required !== true)
            problems.push(`${at}: path parameter ${String(param.name)} not required`);
          if (!templated.includes(String(param.name))) {
            problems.push(`${at}: path parameter ${String(param.name)} is not in the path`);
          }
        }
        if (!('schema' in param) && !('content' in param))
          problems.push(`${at}: parameter ${key} has no schema`);
        else if ('schema' in param) schemaProblems(param.schema, `${at} parameter ${key}`, problems);
      }
      for (const name of templated) {
        if (!params.some((p) => p.in === 'path' && p.name === name)) {
          problems.push(`${at}: {${name}} is not declared as a path parameter`);
        }
      }

      if (isObject(op.requestBody)) {
        const content = op.requestBody.content;
        if (!isObject(content) || Object.keys(content).length === 0)
          problems.push(`${at}: requestBody without content`);
        else {
          for (const [type, media] of Object.entries(content)) {
            if (isObject(media)) schemaProblems(media.schema, `${at} requestBody ${type}`, problems);
          }
        }
      }

      const responses = op.responses;
      if (!isObject(responses) || Object.keys(responses).length === 0) {
        problems.push(`${at}: no responses`);
        continue;
      }
      if (!Object.keys(responses).some((s) => /^2(\d\d|XX)$/.test(s)))
        problems.push(`${at}: no 2xx response`);
      for (const [status, raw] of Object.entries(responses)) {
        if (!/^([1-5](\d\d|XX)|default)$/.test(status)) problems.push(`${at}: response status ${status}`);
        const response = isObject(raw) && typeof raw.$ref === 'string' ? resolvePointer(doc, raw.$ref) : raw;
        if (!isObject(response) || typeof response.description !== 'string') {
          problems.push(`${at} ${status}: a response needs a description`);
          continue;
        }
        const schema = isObject(response.content)
          ? (response.content['application/json'] as Json)?.schema
          : undefined;
        if (schema !== undefined) schemaProblems(schema, `${at} ${status}`, problems);
        if (/^[45]/.test(status) && (!isObject(schema) || schema.$ref !== '#/components/schemas/ErrorBody')) {
          problems.push(`${at} ${status}: an error response must use ErrorBody`);
        }
      }
    }
  }

  for (const [name, schema] of Object.entries(isObject(components.schemas) ? components.schemas : {})) {
    schemaProblems(schema, `#/components/schemas/${name}`, problems);
  }
  for (const [at, ref] of refs(doc, '#')) {
    if (!ref.startsWith('#/components/')) problems.push(`${at}: $ref ${ref} is not inside components`);
    else if (resolvePointer(doc, ref) === undefined) problems.push(`${at}: $ref ${ref} does not resolve`);
  }
  return problems;
}
