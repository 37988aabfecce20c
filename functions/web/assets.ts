/**
 * The static assets at /assets/…: content-hashed names from the build manifest, served with a year's
 * immutable caching, and brotli or gzip when the browser accepts it (pre-compressed at build time).
 */
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { type AssetManifest, manifestSchema } from './manifest.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

export type Encoding = 'br' | 'gzip' | 'identity';

/** The best encoding the request accepts among br, gzip and none (q=0 refuses one). */
export function acceptedEncoding(acceptEncoding: string | null, available: readonly Encoding[]): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(token, q ? Number(q.slice(2)) || 0 : 1);
  }
  const weight = (encoding: Encoding) => accepted.get(encoding) ?? accepted.get('*') ?? 0;
  for (const encoding of ['br', 'gzip'] as const) {
    if (available.includes(encoding) && weight(encoding) > 0) return encoding;
  }
  return 'identity';
}

export interface AssetBody {
  readonly body: Buffer;
  readonly contentType: string;
  readonly encoding: Encoding;
}

export class AssetCatalogue {
  private readonly byUrlPath = new Map<string, { file: string; compressed: boolean }>();
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly dir: string,
    readonly manifest: AssetManifest,
  ) {
    const compressed = new Set(manifest.compressed);
    for (const file of Object.values(manifest.files)) {
      this.byUrlPath.set(`/assets/${file}`, { file, compressed: compressed.has(file) });
    }
  }

  /** Reads the manifest the build wrote into `dir`; fails at cold start if the assets were not built. */
  static load(dir: string): AssetCatalogue {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    } catch (err) {
      throw new Error(
        `No built web assets in ${dir}: run \`npx tsx functions/web/asset-build.ts\` (the local runtime and the CDK bundling hook do this)`,
        { cause: err },
      );
    }
    return new AssetCatalogue(dir, manifestSchema.parse(raw));
  }

  /** The URL of a logical asset (`staff.css`, `images/favicon.svg`) for a template to link to. */
  url(logical: string): string {
    const file = this.manifest.files[logical];
    if (!file) throw new Error(`No asset "${logical}" in the manifest`);
    return `/assets/${file}`;
  }

  /**
   * A logical asset's text, to inline in a page (the parent pages' stylesheet: on a slow network a
   * second request costs a whole round trip before the page can be drawn). Read once.
   */
  text(logical: string): string {
    const file = this.manifest.files[logical];
    if (!file) throw new Error(`No asset "${logical}" in the manifest`);
    const path = join(this.dir, file);
    let body = this.cache.get(path);
    if (!body) {
      body = readFileSync(path);
      this.cache.set(path, body);
    }
    return body.toString('utf8');
  }

  /** The body to send for an /assets/… path, or undefined for a file that is not in the manifest. */
  read(urlPath: string, acceptEncoding: string | null): AssetBody | undefined {
    const entry = this.byUrlPath.get(urlPath);
    if (!entry) return undefined;
    const encoding = acceptedEncoding(acceptEncoding, entry.compressed ? ['br', 'gzip'] : []);
    const suffix = encoding === 'br' ? '.br' : encoding === 'gzip' ? '.gz' : '';
    const path = join(this.dir, `${entry.file}${suffix}`);
    let body = this.cache.get(path);
    if (!body) {
      body = readFileSync(path);
      this.cache.set(path, body);
    }
    return {
      body,
      contentType: CONTENT_TYPES[extname(entry.file)] ?? 'application/octet-stream',
      encoding,
    };
  }
}
