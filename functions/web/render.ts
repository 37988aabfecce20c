/**
 * Server-side rendering with Nunjucks and NHS.UK frontend's own macros. One Environment per cold start;
 * templates are compiled on first use and cached.
 */
import nunjucks from 'nunjucks';
import type { AssetCatalogue } from './assets.ts';
import type { WebPaths } from './paths.ts';
import { ROLE_LABELS, type Role } from './staff-session.ts';

/** The service's name in the header and every page title. */
export const SERVICE_NAME = 'Attend';

export interface RendererOptions {
  readonly paths: WebPaths;
  readonly assets: AssetCatalogue;
  readonly trustName: string;
  /** More template folders, searched after Attend's own (tests' fixture pages). */
  readonly extraTemplates?: readonly string[];
}

/** One item of the header's primary navigation. */
export interface NavItem {
  readonly text: string;
  readonly href: string;
  readonly current: boolean;
}

/**
 * What every page template gets from the router, besides its own data. Layouts read these; pages may
 * too (`staff.name`, `csrfToken` through the form macro).
 */
export interface LayoutContext {
  /** Which layout the page (or error page) extends: `layouts/staff.njk` or `layouts/parent.njk`. */
  readonly layout: string;
  /** This response's CSP nonce: every <script> carries it (nhsuk-frontend's template reads `cspNonce`). */
  readonly cspNonce: string;
  /** A CSRF token for this session; the form macro writes it into every POST form. */
  readonly csrfToken?: string;
  /** The signed-in member of staff, if any. */
  readonly staff?: { readonly name: string; readonly roles: readonly Role[]; readonly roleNames: string };
  /** The primary navigation: the pages this person may open. */
  readonly navigation: readonly NavItem[];
  /** The request's path, for "current page" highlighting. */
  readonly currentPath: string;
}

/**
 * Nunjucks' own `trim` filter, in linear time. Its `str.replace(/^\s*|\s*$/g, '')` tries `\s*$` from
 * every position, so it is quadratic in each run of whitespace; nhsuk-frontend's table macro trims and
 * re-indents every cell, row and whole table, and on the metrics page (nine data tables) that was most of
 * the render. `String.prototype.trim` strips the same characters (ECMAScript's WhiteSpace and
 * LineTerminator, which is what `\s` matches) and, like the original, keeps a SafeString safe.
 */
export function trim(value: unknown): unknown {
  const text = String.prototype.trim.call(value);
  return value instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(text) : text;
}

export class Renderer {
  private readonly env: nunjucks.Environment;

  constructor(options: RendererOptions) {
    const loader = new nunjucks.FileSystemLoader([
      options.paths.templates,
      options.paths.nhsukTemplates,
      ...(options.extraTemplates ?? []),
    ]);
    this.env = new nunjucks.Environment(loader, { autoescape: true });
    this.env.addGlobal('serviceName', SERVICE_NAME);
    this.env.addGlobal('trustName', options.trustName);
    this.env.addGlobal('asset', (logical: string) => options.assets.url(logical));
    this.env.addGlobal(
      'inlineAsset',
      (logical: string) => new nunjucks.runtime.SafeString(options.assets.text(logical)),
    );
    this.env.addGlobal('requireCsrfToken', (token: unknown) => {
      if (typeof token !== 'string' || token === '') {
        // A POST form without a token would be refused anyway; failing the render shows the mistake at once.
        throw new Error(
          'attendForm needs csrfToken in the render context: import it `with context`, on a page for a signed-in person',
        );
      }
      return token;
    });
    this.env.addFilter('roleName', (role: Role) => ROLE_LABELS[role] ?? role);
    this.env.addFilter('trim', trim);
  }

  /** Renders `template` (a path under functions/web/templates) with the layout context and the page's data. */
  render(template: string, context: LayoutContext & Record<string, unknown>): string {
    return this.env.render(template, context);
  }
}
