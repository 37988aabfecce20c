/** `attend admin` against the local runtime (unsigned, as for localhost). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runAdmin } from '#bin/admin.ts';
import type { LocalRuntime } from '#local/runtime.ts';
import { startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime('2026-11-23T09:00:00Z');
});

afterAll(async () => {
  await runtime?.stop();
});

it('creates and lists clinics, and reports API errors with a non-zero exit', async () => {
  const lines: string[] = [];
  const print = (line: string) => lines.push(line);

  const created = await runAdmin(
    [
      'clinics',
      'create',
      '--json',
      '{"id":"harbour","name":"Harbour Family Hub","venue":"Harbour Family Hub"}',
      '--url',
      runtime.url,
    ],
    print,
  );
  expect(created).toBe(0);

  lines.length = 0;
  expect(await runAdmin(['clinics', 'list', '--url', runtime.url], print)).toBe(0);
  expect(lines.join('\n')).toMatch(/^id\s+name\s+venue\s+area/m);
  expect(lines.join('\n')).toMatch(/^harbour\s+Harbour Family Hub/m);

  lines.length = 0;
  expect(await runAdmin(['bookings', 'get', 'nope', '--url', runtime.url], print)).toBe(1);
  expect(lines.join('\n')).toContain('NOT_FOUND');
});
