import { probeTable, type TableProbe } from '#store/health.ts';
import type { Deps } from './deps.ts';

/** How long GET /health waits for the table: well inside a load balancer's or monitor's own timeout. */
export const HEALTH_TIMEOUT_MS = 2000;

/** Whether Attend can do its work: today, whether its table answers. */
export async function checkHealth(deps: Pick<Deps, 'store'>): Promise<TableProbe> {
  return probeTable(deps.store, HEALTH_TIMEOUT_MS);
}
