/**
 * Writes the transactions of many new records as fewer, larger ones (the import's new clients and
 * bookings in new slots).
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const itemKey = (item: TransactItem): string => {
  const key = (item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key) as
    | Record<string, unknown>
    | undefined;
  return `${String(key?.pk)}|${String(key?.sk)}`;
};

interface Pending {
  items: TransactItem[];
  keys: string[];
  alone: () => Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Writes the transactions of many new records as fewer, larger transactions (up to 100 items, never
 * two operations on one item). An import of 5,000 new rows is otherwise 8,000 requests, and the
 * request work alone is most of the function's time. If a combined transaction is cancelled (one
 * record's condition failed: another import made it first), every record in it is written on its own
 * with `alone`, so only that record fails and is planned again.
 */
export class TransactionGrouper {
  private queue: Pending[] = [];
  private queuedKeys = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: StoreContext,
    private readonly maxItems = 100,
    private readonly waitMs = 2,
  ) {}

  write(items: TransactItem[], alone: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      const keys = items.map(itemKey);
      const full = this.queued() + items.length > this.maxItems;
      if (full || keys.some((k) => this.queuedKeys.has(k))) this.flush();
      this.queue.push({ items, keys, alone, resolve, reject });
      for (const k of keys) this.queuedKeys.add(k);
      this.timer ??= setTimeout(() => this.flush(), this.waitMs);
    });
  }

  private queued(): number {
    return this.queue.reduce((n, p) => n + p.items.length, 0);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const group = this.queue;
    this.queue = [];
    this.queuedKeys = new Set();
    if (group.length > 0) void this.send(group);
  }

  private async send(group: Pending[]): Promise<void> {
    if (group.length > 1) {
      try {
        await this.ctx.db.send(new TransactWriteCommand({ TransactItems: group.flatMap((p) => p.items) }));
        for (const p of group) p.resolve();
        return;
      } catch (err) {
        if (!isConditionFailure(err)) {
          for (const p of group) p.reject(err);
          return;
        }
      }
    }
    await Promise.all(
      group.map(async (p) => {
        try {
          await p.alone();
          p.resolve();
        } catch (err) {
          p.reject(err);
        }
      }),
    );
  }
}

/** True when a write failed only because something changed since the import read it. */
export const isRace = isConditionFailure;
