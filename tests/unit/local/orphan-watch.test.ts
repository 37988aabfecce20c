import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTsxCli } from '#local/orphan-watch.ts';
import { ends, outputShows, REPO, watch } from '#tests/support/attend-cli.ts';

const CHILD = join(REPO, 'tests', 'support', 'orphan-watch-child.ts');

describe('isTsxCli', () => {
  it("knows tsx's CLI by its command line", () => {
    expect(isTsxCli('node /work/attend/node_modules/.bin/tsx bin/attend.ts local')).toBe(true);
    expect(isTsxCli('/usr/bin/node /work/attend/node_modules/tsx/dist/cli.mjs bin/attend.ts local')).toBe(
      true,
    );
    expect(isTsxCli('tsx bin/attend.ts local')).toBe(true);
    expect(isTsxCli('node --import tsx bin/attend.ts local')).toBe(false);
    expect(isTsxCli('sh -c tsx bin/attend.ts local')).toBe(false);
    expect(isTsxCli('npm start')).toBe(false);
    expect(isTsxCli('')).toBe(false);
  });
});

describe('watchForOrphaning', () => {
  // `; true` keeps the shell a process of its own (a lone command it would replace itself with).
  for (const [how, command] of [
    ['its parent', `node --import tsx ${CHILD}; true`],
    ["the parent of tsx's CLI it runs under", `${join(REPO, 'node_modules', '.bin', 'tsx')} ${CHILD}; true`],
  ] as const) {
    it(`says so when ${how} is killed, and not before`, async () => {
      // Prepare: a shell, standing for npm's, starts the watcher
      const shell = watch(spawn('sh', ['-c', command], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] }));
      await outputShows(shell, (out) => out.includes('watching'), 30_000);
      const watcher = Number(/watching (\d+)/.exec(shell.stdout())![1]);
      await new Promise((r) => setTimeout(r, 300)); // three looks, with the shell there

      // Act
      expect(shell.stdout()).not.toContain('orphaned');
      process.kill(shell.child.pid!, 'SIGKILL');

      // Assess
      expect(await ends(watcher, 10_000)).toBe(true);
      const ran = await shell.ended;
      expect(ran.stdout).toContain(
        `orphaned: the process that started it (pid ${shell.child.pid}) has ended`,
      );
    });
  }
});
