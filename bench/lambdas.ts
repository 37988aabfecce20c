/**
 * `npm run bench`'s Lambda table: each function entry bundled as the stack bundles it (esbuild, ESM,
 * minified, the AWS SDK left out: see lib/constructs/attend-function.ts), and its cold import time in a
 * fresh Node process with a Lambda-like environment, beside a minimal Powertools-Logger-only handler
 * bundled and measured the same way in the same run. Prints a table; asserts nothing.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { bundlingDefine, LAMBDA_BUNDLING } from '#lib/constructs/bundling.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
/** Inside the repo, so a bundle's external `@aws-sdk/*` imports resolve to node_modules as in Lambda. */
const OUT = resolve(ROOT, '.attend/bench-bundles');

/** The functions on the event path: each should be ≤ 300 KB and import in ≤ 2× the minimal handler. */
export const EVENT_PATH = [
  'reminder-sweep',
  'inbound-sms',
  'backfill',
  'offer-expiry',
  'metrics-stream',
  'delivery-status',
];
export const SIZE_GOAL_KB = 300;
export const IMPORT_GOAL_RATIO = 2;

export interface LambdaRow {
  name: string;
  eventPath: boolean;
  bytes: number;
  importMs: number | undefined;
  /**
   * The same import with the AWS SDK packages the bundle names already loaded in the process: the part
   * of the import that the bundle itself (our code and what it bundles) costs.
   */
  ownImportMs: number | undefined;
  /** The external AWS SDK packages the bundle imports (the Lambda runtime provides them). */
  sdk: string[];
  error?: string;
  /** The largest inputs of the bundle, for seeing what to cut. */
  largest: { path: string; bytes: number }[];
}

/** The environment a deployed function has (values are placeholders; nothing is called at import). */
function lambdaEnv(name: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'eu-west-2',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: `attend-bench-${name}`,
    TABLE_NAME: 'attend-bench',
    METRICS_TABLE_NAME: 'attend-bench-metrics',
    IDEMPOTENCY_TABLE_NAME: 'attend-bench-idempotency',
    EVENT_BUS_NAME: 'attend-bench',
    CONSENT_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/bench/consent-key',
    CURSOR_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/bench/cursor-key',
    WEB_ORIGIN: 'https://attend.example.nhs.uk',
    POWERTOOLS_SERVICE_NAME: name,
    POWERTOOLS_METRICS_NAMESPACE: 'Attend',
    SMS_ADAPTER: 'sns',
    EVENTS_ADAPTER: 'eventbridge',
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    NODE_OPTIONS: '--enable-source-maps',
  };
}

async function bundle(
  name: string,
  entry: string,
  config: TrustConfig,
): Promise<{ file: string; meta: Metafile }> {
  // One folder per function, as in Lambda: the web function reads its templates and assets beside it.
  const outfile = resolve(OUT, name, 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    // Exactly the options the stack bundles with (lib/constructs/bundling.ts).
    ...LAMBDA_BUNDLING,
    banner: { js: LAMBDA_BUNDLING.banner },
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    external: [...LAMBDA_BUNDLING.external],
    define: bundlingDefine(config),
    metafile: true,
    logLevel: 'silent',
  });
  if (name === 'web-app') {
    const { layOutBundle } = await import('#web/asset-build.ts');
    await layOutBundle(resolve(OUT, name));
  }
  return { file: outfile, meta: result.metafile };
}

/**
 * Milliseconds to import the bundle in a fresh Node process (the median of `runs`); with `preload`, those
 * packages are imported first, outside the timed part.
 */
async function importTime(name: string, file: string, runs: number, preload: string[] = []): Promise<number> {
  const before = preload.map((p) => `await import(${JSON.stringify(p)});`).join(' ');
  const script = `${before} const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t0));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: lambdaEnv(name),
      cwd: ROOT,
    });
    times.push(Number(stdout));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

function largestInputs(meta: Metafile, outfile: string): { path: string; bytes: number }[] {
  const output = Object.entries(meta.outputs).find(([path]) =>
    outfile.endsWith(path.replace(/^.*\.attend/, '.attend')),
  );
  const inputs = output?.[1].inputs ?? {};
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.replace(/\/[^/]+$/, '/');
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .map(([path, bytes]) => ({ path, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 4);
}

/** The `@aws-sdk/*` packages a bundle imports (left external, as in the stack). */
function sdkImports(meta: Metafile): string[] {
  const names = new Set<string>();
  for (const input of Object.values(meta.inputs)) {
    for (const imported of input.imports) {
      if (imported.external && imported.path.startsWith('@aws-sdk/')) names.add(imported.path);
    }
  }
  return [...names].sort();
}

export interface LambdaTable {
  minimal: LambdaRow;
  /** The minimal handler plus Powertools Tracer: what Tracer adds to a function. */
  minimalTracer: LambdaRow;
  rows: LambdaRow[];
}

export async function measureLambdas(runs = 5): Promise<LambdaTable> {
  mkdirSync(OUT, { recursive: true });
  const config = loadTrustConfig('example');
  const entries = (await readdir(resolve(ROOT, 'functions')))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort((a, b) => Number(EVENT_PATH.includes(b)) - Number(EVENT_PATH.includes(a)) || a.localeCompare(b));
  const measureOne = async (name: string, entry: string): Promise<LambdaRow> => {
    const { file, meta } = await bundle(name, entry, config);
    const row: LambdaRow = {
      name,
      eventPath: EVENT_PATH.includes(name),
      bytes: statSync(file).size,
      importMs: undefined,
      ownImportMs: undefined,
      sdk: sdkImports(meta),
      largest: largestInputs(meta, file),
    };
    try {
      row.importMs = await importTime(name, file, runs);
      row.ownImportMs = await importTime(name, file, runs, row.sdk);
    } catch (err) {
      const stderr = String((err as { stderr?: string }).stderr ?? err);
      const line = stderr.split('\n').find((l) => /^\w*Error: /.test(l)) ?? 'failed';
      row.error = line.replace(/^\w*Error: /, 'fails: ').slice(0, 60);
    }
    return row;
  };
  const minimal = await measureOne('minimal', resolve(ROOT, 'bench/minimal-handler.ts'));
  const minimalTracer = await measureOne('minimal-tracer', resolve(ROOT, 'bench/minimal-tracer-handler.ts'));
  const rows: LambdaRow[] = [];
  for (const name of entries) rows.push(await measureOne(name, resolve(ROOT, `functions/${name}.ts`)));
  return { minimal, minimalTracer, rows };
}

export function printLambdas({ minimal, minimalTracer, rows }: LambdaTable): void {
  const kb = (bytes: number): string => (bytes / 1024).toFixed(0);
  const base = minimal.importMs ?? Number.NaN;
  const ownBase = minimal.ownImportMs ?? Number.NaN;
  const ms = (r: LambdaRow, v: number | undefined): number | string =>
    v === undefined ? (r.error ?? 'failed') : Math.round(v);
  const times = (v: number | undefined, b: number): string =>
    v === undefined || Number.isNaN(b) ? '' : (v / b).toFixed(1);
  console.log(
    `\nLambda bundles and cold import (goal for the event path: ≤ ${SIZE_GOAL_KB} KB and an import ≤ ${IMPORT_GOAL_RATIO}× the minimal handler's)\n` +
      "'import ms' is the whole import in a fresh Node process (median), the AWS SDK packages the bundle names included;\n" +
      "'w/o SDK' is the same import with those packages loaded first: what the bundle itself costs.\n",
  );
  console.table(
    [minimal, minimalTracer, ...rows].map((r) => {
      const yardstick = r.name === 'minimal' || r.name === 'minimal-tracer';
      const sizeOk = r.bytes <= SIZE_GOAL_KB * 1024;
      const ratio = r.importMs === undefined ? Number.NaN : r.importMs / base;
      const importOk = ratio <= IMPORT_GOAL_RATIO;
      return {
        function:
          r.name === 'minimal'
            ? 'minimal (Logger only)'
            : r.name === 'minimal-tracer'
              ? 'minimal + Tracer'
              : r.name,
        'event path': yardstick ? '' : r.eventPath ? 'yes' : 'no',
        KB: Number(kb(r.bytes)),
        'KB / goal': r.eventPath ? (r.bytes / 1024 / SIZE_GOAL_KB).toFixed(2) : '',
        'size goal': r.eventPath ? (sizeOk ? 'met' : 'not met') : '',
        'import ms': ms(r, r.importMs),
        '× minimal': times(r.importMs, base),
        'import goal': r.eventPath ? (importOk ? 'met' : 'not met') : '',
        'w/o SDK ms': ms(r, r.ownImportMs),
        'w/o SDK × minimal': times(r.ownImportMs, ownBase),
        'largest parts (KB)': r.largest.map((p) => `${p.path} ${kb(p.bytes)}`).join(', '),
      };
    }),
  );
}
