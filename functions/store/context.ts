import { ValidationError } from '#core/errors.ts';
import type { DocClient } from './client.ts';

/** What every repository function needs: the document client and the tables' names. */
export interface StoreContext {
  readonly db: DocClient;
  /** The Attend table: every entity (store/table.ts TABLE). */
  readonly table: string;
  /** The metrics counters' table (store/table.ts METRICS_TABLE): read and written only by store/metrics.ts (and, locally, local/metrics-move.ts). */
  readonly metricsTable: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; absent on the last page. */
  cursor?: string;
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
}

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('Invalid cursor', [
    { field: 'cursor', message: 'not a cursor this API returned' },
  ]);
}
