/**
 * Finds the route a method and path name in the route table, for the browser door (which has no
 * Powertools router) and for the IAM door's edge (which answers what the router would get wrong: a
 * method the API does not serve, and a path that does not decode).
 */
import { ValidationError } from '#core/errors.ts';
import type { AnyRoute } from './route.ts';
import { ROUTES } from './routes.ts';

interface Compiled {
  readonly route: AnyRoute;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

function compile(route: AnyRoute): Compiled {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      // A whole segment (`{id}`), or one with a literal ending (`{batchId}.pdf`).
      const param = /^\{(\w+)\}(\.[a-z]+)?$/.exec(segment);
      if (param) {
        names.push(param[1]!);
        return param[2] ? `([^/]+?)${param[2].replace('.', '\\.')}` : '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

// Literal paths before those with parameters, so `/slots/session` is never read as `/slots/{id}`.
const COMPILED = ROUTES.map((route) => compile(route)).sort((a, b) => a.names.length - b.names.length);

/** A path without its trailing slashes (`/` stays `/`), as the Powertools router reads paths. */
export function canonicalPath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/** Whether every percent-escape in the path decodes (as UTF-8); a path that does not is a 400. */
export function assertPathDecodes(path: string): void {
  try {
    decodeURIComponent(path);
  } catch {
    throw new ValidationError('The request path is not valid', [
      { field: 'path', message: 'malformed percent-encoding (each %XX must spell UTF-8)' },
    ]);
  }
}

export type RouteMatch =
  | { readonly kind: 'route'; readonly route: AnyRoute; readonly params: Record<string, string> }
  /** The path is served, but not with this method: answer 405 with these in `Allow`. */
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

/** The route for this method and (still percent-encoded) path; path parameters come back decoded. */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  assertPathDecodes(rawPath);
  const path = canonicalPath(rawPath);
  const allow = new Set<string>();
  for (const { route, pattern, names } of COMPILED) {
    const found = pattern.exec(path);
    if (!found) continue;
    if (route.method !== method) {
      allow.add(route.method);
      continue;
    }
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(found[i + 1] ?? '');
    });
    return { kind: 'route', route, params };
  }
  return allow.size > 0 ? { kind: 'method-not-allowed', allow: [...allow].sort() } : { kind: 'not-found' };
}
