/**
 * A process that watches for its orphaning (local/orphan-watch.ts, every 100 ms) as `attend local` does:
 * it prints `watching <pid>`, then `orphaned: <why>` and exits 0 when told, or exits 3 after 30 s.
 * For tests/unit/local/orphan-watch.test.ts.
 */
import { watchForOrphaning } from '#local/orphan-watch.ts';

watchForOrphaning((why) => {
  process.stdout.write(`orphaned: ${why}\n`);
  process.exit(0);
}, 100);
process.stdout.write(`watching ${process.pid}\n`);
setTimeout(() => process.exit(3), 30_000);
