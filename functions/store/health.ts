import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreContext } from './context.ts';
import { keys } from './keys.ts';

export type TableProbe = { answers: true } | { answers: false; reason: string };

/**
 * Pattern: one cheap read (an item that never exists) that proves the table answers, for GET /health.
 * It gives up after `timeoutMs`, so a database that hangs is reported as one that does not answer.
 */
export async function probeTable(ctx: StoreContext, timeoutMs: number): Promise<TableProbe> {
  try {
    await ctx.db.send(new GetCommand({ TableName: ctx.table, Key: keys.healthProbe }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    return { answers: true };
  } catch (err) {
    const e = err as { name?: string; code?: string };
    return { answers: false, reason: e.code ?? e.name ?? 'unknown' };
  }
}
