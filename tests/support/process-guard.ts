/**
 * Fails the test during (or after) which a promise was rejected with nobody to handle it. In the local
 * runtime (and in Node by default) an unhandled rejection ends the process, so every one is a bug even
 * when the test's own assertions pass. Registered for every test file by vitest.config.ts.
 */
import { afterAll, afterEach } from 'vitest';

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(reason);
});

function assertNone(): void {
  if (unhandled.length === 0) return;
  const reasons = unhandled
    .splice(0)
    .map((r) => (r instanceof Error ? `${r.name}: ${r.message}` : String(r)));
  throw new Error(`Unhandled promise rejection(s):\n  ${reasons.join('\n  ')}`);
}

afterEach(assertNone);
afterAll(assertNone);
