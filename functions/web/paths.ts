/**
 * Where the web function finds its templates and built assets, both in the source tree (local runtime,
 * tests) and in the bundled Lambda. The bundling hook (functions/web/asset-build.ts --bundle) lays the
 * bundle out like this folder: `templates/` and `public/` sit next to the code that reads them, and
 * nhsuk-frontend's Nunjucks files are copied to `nhsuk-frontend/` because the bundle has no node_modules.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WebPaths {
  /** Attend's own templates. */
  readonly templates: string;
  /** The folder holding nhsuk-frontend's `nhsuk/…` templates (its `dist`). */
  readonly nhsukTemplates: string;
  /** The built assets and their manifest (functions/web/asset-build.ts). */
  readonly public: string;
}

/** This module's folder: functions/web in the source tree, the bundle's root in Lambda. */
const here = dirname(fileURLToPath(import.meta.url));

/** The nhsuk-frontend package's `dist` folder in node_modules. */
export function nhsukDistFromNodeModules(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('nhsuk-frontend/package.json')), 'dist');
}

export function webPaths(root: string = here): WebPaths {
  const bundled = join(root, 'nhsuk-frontend');
  return {
    templates: join(root, 'templates'),
    nhsukTemplates: existsSync(bundled) ? bundled : nhsukDistFromNodeModules(),
    public: join(root, 'public'),
  };
}
