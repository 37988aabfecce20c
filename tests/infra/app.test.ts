/**
 * bin/app.ts as `cdk synth` runs it: a bad or missing trust config stops synth with the file and the
 * field at fault and a non-zero exit, without a stack trace; a good one synthesises and passes cdk-nag.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTrustConfig, TrustConfigError } from '#lib/trust-config.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(repoRoot, 'node_modules/.bin/tsx');

/** Runs bin/app.ts with CDK context, as the CDK CLI would. */
function synth(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'attend-app-'));
  const result = spawnSync(tsx, ['bin/app.ts'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      // CDK's built-in template schema check is not what these tests are about; it costs seconds.
      CDK_VALIDATION: 'false',
      CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }),
    },
  });
  return { ...result, outdir };
}

/** Writes a copy of the example config, changed by `edit`, as <dir>/<trustId>.json. */
function brokenConfig(trustId: string, edit: (raw: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'attend-config-'));
  const raw = JSON.parse(readFileSync(join(repoRoot, 'config/trusts/example.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  raw.trustId = trustId;
  edit(raw);
  writeFileSync(join(dir, `${trustId}.json`), JSON.stringify(raw));
  return dir;
}

const badQuietHours = (raw: Record<string, unknown>) => {
  raw.quietHours = { start: '25:00', end: '08:00' };
};

describe('loadTrustConfig', () => {
  it('names the file and the field when a value is invalid', () => {
    const dir = brokenConfig('broken', badQuietHours);
    expect(() => loadTrustConfig('broken', dir)).toThrow(TrustConfigError);
    expect(() => loadTrustConfig('broken', dir)).toThrow(
      new RegExp(`${dir}/broken\\.json[\\s\\S]*quietHours\\.start`),
    );
  });
});

describe('bin/app.ts', () => {
  it('exits non-zero naming the file and field of an invalid config, without a stack trace', () => {
    const dir = brokenConfig('broken', badQuietHours);
    const run = synth({ trust: 'broken', trustConfigDir: dir });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${dir}/broken.json`);
    expect(run.stderr).toMatch(/quietHours\.start: expected a 24-hour local time/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('exits non-zero naming the missing file of an unknown trust', () => {
    const run = synth({ trust: 'no-such-trust' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('config/trusts/no-such-trust.json does not exist');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('exits non-zero naming a withoutIndexes value that is not an index, without a stack trace', () => {
    const run = synth({ trust: 'example', withoutIndexes: 'lookups' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/withoutIndexes names lookups, which is not an index of the table/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('synthesises Attend-<trustId> for a valid trust with no cdk-nag findings', () => {
    const run = synth({ trust: 'example-north' });
    expect(run.stderr).not.toMatch(/AwsSolutions-|HIPAA\.Security-/);
    expect(run.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(run.outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string }>;
    };
    expect(manifest.artifacts['Attend-example-north']?.type).toBe('aws:cloudformation:stack');
    const report = JSON.parse(readFileSync(join(run.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };
    expect(report.pluginReports).toEqual([]);
  });
});
