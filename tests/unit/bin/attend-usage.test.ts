/**
 * The `attend` CLI's usage errors, run as `npm start` runs it: every subcommand says what was wrong and
 * how it is used, with exit code 2 and no stack trace.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runAttend, scratchFolder } from '#tests/support/attend-cli.ts';

const scratch = scratchFolder();
afterAll(() => scratch.remove());

/** A line of a stack trace, as Node prints one. */
const STACK_LINE = /^\s+at /m;

describe.concurrent('attend: usage errors', () => {
  for (const [args, env, said, usage] of [
    [['local', '--bogus'], {}, "Unknown option '--bogus'", 'Usage: attend local [--in-memory] [--port N]'],
    [
      ['local', '--port', 'abc'],
      {},
      '--port (or PORT) must be a port number, 0 to 65535, not "abc"',
      '--in-memory ',
    ],
    [['local'], { PORT: '70000' }, 'not "70000"', '--frozen-clock '],
    [['local', '--port'], {}, "Option '--port <value>' argument missing", '--trust ID '],
    [['local', 'now'], {}, "Unexpected argument 'now'", 'Usage: attend local'],
    [
      ['admin', 'bookings', 'get'],
      {},
      '"bookings get" needs an id',
      'Usage: attend admin <resource> <action>',
    ],
    [['admin', 'bookings', 'list', '--bogus', 'x'], {}, "Unknown option '--bogus'", 'Resources and actions:'],
    [['routes', '--bogus'], {}, "Unknown option '--bogus'", 'Usage: attend routes'],
    [['simulate', '--scale', '2'], {}, '--scale must be in (0, 1], not "2"', 'Usage: attend simulate'],
    [['frobnicate'], {}, 'Unknown command "frobnicate".', 'attend bench ['],
  ] as const) {
    it(`attend ${args.join(' ')}${Object.keys(env).length ? ` (${JSON.stringify(env)})` : ''}`, async () => {
      const ran = await runAttend(args, { cwd: scratch.dir, env });
      expect(ran.code).toBe(2);
      expect(ran.stderr).toContain(said);
      expect(ran.stderr).toContain(usage);
      expect(ran.stderr).not.toMatch(STACK_LINE);
      expect(ran.stdout).toBe('');
    });
  }

  it('attend local --help prints the usage, and exits 0', async () => {
    const ran = await runAttend(['local', '--help'], { cwd: scratch.dir });
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('--in-memory');
  });
});
