/**
 * Builds the web function's static assets, and lays out the bundled Lambda's web files.
 *
 * - `buildWebAssets()` compiles the two stylesheets with Sass (NHS.UK frontend without its web fonts,
 *   which come from a host our CSP does not allow), bundles the two scripts with esbuild, copies
 *   nhsuk-frontend's images into a versioned folder, names every file by its content hash, writes a
 *   `.br` and a `.gz` beside each text file, and records it all in `manifest.json`. The result is cached
 *   in functions/web/public/ (git-ignored) and rebuilt only when an input changes.
 * - Run as a script (`tsx functions/web/asset-build.ts --bundle <dir>`), it copies the templates,
 *   nhsuk-frontend's Nunjucks files and the built assets into a Lambda bundle; the web function's
 *   CDK construct runs it as an esbuild afterBundling hook.
 *
 * Build-time only: nothing in the Lambda imports this module.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import * as sass from 'sass';
import { type AssetManifest, manifestSchema } from './manifest.ts';
import { nhsukDistFromNodeModules, webPaths } from './paths.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** Bump when the build's output changes for the same inputs. */
const BUILD_VERSION = 2;

export const ASSET_ENTRIES = {
  stylesheets: { staff: 'styles/staff.scss', parent: 'styles/parent.scss' },
  scripts: { staff: 'scripts/staff.js', parent: 'scripts/parent.js' },
} as const;

const COMPRESSIBLE = new Set(['.css', '.js', '.svg', '.json', '.ico']);

function nhsukVersion(): string {
  const pkg = JSON.parse(readFileSync(join(nhsukDistFromNodeModules(), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** A hash of everything the build reads, so an unchanged tree is not rebuilt. */
function inputHash(version: string): string {
  const hash = createHash('sha256').update(`v${BUILD_VERSION} nhsuk ${version}\n`);
  for (const file of [...listFiles(join(here, 'styles')), ...listFiles(join(here, 'scripts'))]) {
    hash.update(relative(here, file)).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

const contentName = (logical: string, body: Buffer): string => {
  const ext = extname(logical);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return `${logical.slice(0, -ext.length)}-${hash}${ext}`;
};

function readManifest(dir: string): AssetManifest | undefined {
  try {
    return manifestSchema.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  } catch {
    return undefined;
  }
}

async function compileAll(outDir: string, version: string, hash: string): Promise<AssetManifest> {
  const files: Record<string, string> = {};
  const write = (logical: string, body: Buffer, named = contentName(logical, body)) => {
    mkdirSync(dirname(join(outDir, named)), { recursive: true });
    writeFileSync(join(outDir, named), body);
    files[logical] = named;
  };

  // Images keep their names inside a folder named for the nhsuk-frontend version, because the compiled
  // CSS refers to them by path.
  const imagesFolder = `nhsuk-${version}/images`;
  const imagesSource = join(nhsukDistFromNodeModules(), 'nhsuk', 'assets', 'images');
  for (const file of listFiles(imagesSource)) {
    const name = relative(imagesSource, file);
    write(`images/${name}`, readFileSync(file), `${imagesFolder}/${name}`);
  }

  const nodeModules = join(nhsukDistFromNodeModules(), '..', '..');
  for (const [name, entry] of Object.entries(ASSET_ENTRIES.stylesheets)) {
    const path = join(here, entry);
    const source = readFileSync(path, 'utf8');
    const result = await sass.compileStringAsync(source, {
      url: new URL(`file://${path}`),
      loadPaths: [join(here, 'styles'), nodeModules],
      style: 'compressed',
      quietDeps: true,
    });
    // The images path is only known here (it carries the nhsuk-frontend version): _settings.scss
    // configures nhsuk-frontend with a marker that is replaced in the compiled CSS.
    const css = result.css.replaceAll('__NHSUK_IMAGES_PATH__', `/assets/${imagesFolder}/`);
    write(`${name}.css`, Buffer.from(css, 'utf8'));
  }

  for (const [name, entry] of Object.entries(ASSET_ENTRIES.scripts)) {
    const result = await build({
      entryPoints: [join(here, entry)],
      bundle: true,
      format: 'esm',
      minify: true,
      target: 'es2020',
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
    });
    const output = result.outputFiles[0];
    if (!output) throw new Error(`esbuild produced nothing for ${entry}`);
    write(`${name}.js`, Buffer.from(output.contents));
  }

  const compressed: string[] = [];
  for (const named of Object.values(files)) {
    if (!COMPRESSIBLE.has(extname(named))) continue;
    const body = readFileSync(join(outDir, named));
    writeFileSync(
      join(outDir, `${named}.br`),
      brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    );
    writeFileSync(join(outDir, `${named}.gz`), gzipSync(body, { level: 9 }));
    compressed.push(named);
  }
  const manifest: AssetManifest = { inputHash: hash, nhsukVersion: version, files, compressed };
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

/**
 * Builds the assets into `dir` (default functions/web/public) unless they are already built from the
 * same inputs. Safe to run from several processes at once: each builds into its own folder and moves it
 * into place; a loser finds the winner's identical build.
 */
export async function buildWebAssets(dir: string = webPaths().public): Promise<AssetManifest> {
  const version = nhsukVersion();
  const hash = inputHash(version);
  const existing = readManifest(dir);
  if (existing?.inputHash === hash) return existing;

  const staging = `${dir}.staging-${randomUUID().slice(0, 8)}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const manifest = await compileAll(staging, version, hash);
    if (readManifest(dir)?.inputHash === hash) return manifest;
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (err) {
      if (readManifest(dir)?.inputHash !== hash) throw err;
    }
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Lays out a Lambda bundle's web files in `outDir`: templates/, public/ and nhsuk-frontend/nhsuk/**.njk,
 * which is where functions/web/paths.ts looks for them next to the bundled code.
 */
export async function layOutBundle(outDir: string): Promise<void> {
  await buildWebAssets();
  const source = webPaths();
  cpSync(source.templates, join(outDir, 'templates'), { recursive: true });
  cpSync(source.public, join(outDir, 'public'), { recursive: true });
  const nhsuk = nhsukDistFromNodeModules();
  for (const file of listFiles(join(nhsuk, 'nhsuk'))) {
    if (extname(file) !== '.njk') continue;
    const target = join(outDir, 'nhsuk-frontend', relative(nhsuk, file));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(file, target);
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && basename(process.argv[1]) === basename(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  const [flag, target] = process.argv.slice(2);
  if (flag === '--bundle' && target) {
    await layOutBundle(target);
  } else if (flag === undefined) {
    const manifest = await buildWebAssets();
    process.stdout.write(`${Object.keys(manifest.files).length} assets in ${webPaths().public}\n`);
  } else {
    process.stderr.write('usage: tsx functions/web/asset-build.ts [--bundle <lambda bundle dir>]\n');
    process.exit(2);
  }
  if (!existsSync(webPaths().public)) process.exit(1);
}
