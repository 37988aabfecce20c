/**
 * The esbuild options every Attend function is bundled with, in one place: `AttendFunction` hands them
 * to CDK's NodejsFunction, and `npm run bench` (bench/lambdas.ts) hands the same values to esbuild's
 * own API, so the sizes and import times the bench reports are those of the bundles that deploy.
 */
import type { TrustConfig } from '#core/config/trust-config.ts';

export const LAMBDA_BUNDLING = {
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: true,
  // ESM bundles have no `require`; CommonJS dependencies bundled inside still call it.
  banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
  mainFields: ['module', 'main'],
  // The nodejs22.x runtime ships AWS SDK v3; leaving it out keeps bundles small and synth fast.
  external: ['@aws-sdk/*'],
} as const;

/**
 * Each bundle carries the config `cdk synth` validated, so a function can never start with a config
 * that was not checked (functions/runtime parses it again at cold start).
 */
export function bundlingDefine(config: TrustConfig): Record<string, string> {
  return { 'process.env.ATTEND_TRUST_CONFIG': JSON.stringify(JSON.stringify(config)) };
}
