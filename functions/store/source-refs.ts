/**
 * EPR imports: pointers from a source record (kind, source system, source id) to the Attend record made
 * from it, and the writes that create or change an imported record together with its pointer.
 *
 * A pointer is created with `attribute_not_exists` in the same transaction as the record it points to,
 * so two imports of the same file, even at the same moment, can never make two records for one source
 * record: the second transaction fails and its import re-reads the pointer. A pointer also keeps a
 * digest of what the source last said (`sourceHash`); it changes only on the condition that it still
 * holds the digest the import read.
 */
import {
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { mapWithConcurrency } from '#core/concurrency.ts';
import { NotFoundError } from '#core/errors.ts';
import type { SourceKey, SourceKind } from '#core/import-model.ts';
import { type Booking, type Client, id, isoInstant, type Slot } from '#core/model.ts';
import { batchGet } from './batch.ts';
import { bookingItem } from './bookings.ts';
import { isConditionFailure } from './client.ts';
import { clientItem } from './clients.ts';
import { failedOn, raw as rawWrite, transact as transactNamed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { byClinicDay, byPhone, keys, withoutStorageAttributes } from './keys.ts';
import { statusChange } from './slot-runs.ts';
import { slotItem } from './slots.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const sourceRefSchema = z.object({
  kind: z.enum(['Patient', 'Slot', 'Appointment']),
  system: z.string(),
  sourceId: z.string(),
  /** The client, slot or booking id. */
  attendId: id,
  /** For an appointment: the slot its booking is in. */
  slotId: id.optional(),
  sourceHash: z.string(),
  createdAt: isoInstant,
  updatedAt: isoInstant,
});
export type SourceRef = z.infer<typeof sourceRefSchema>;

const refKey = (kind: SourceKind, key: SourceKey) => keys.sourceRef(kind, key.system, key.id);
export const refMapKey = (kind: SourceKind, key: SourceKey) => refKey(kind, key).pk;

const toRef = (item: Record<string, unknown>): SourceRef =>
  sourceRefSchema.parse(withoutStorageAttributes(item));

/** Pattern: source records → their pointers, one round trip per 100 (keyed by the pointer's pk). */
export async function getSourceRefs(
  ctx: StoreContext,
  wanted: readonly { kind: SourceKind; key: SourceKey }[],
): Promise<Map<string, SourceRef>> {
  const found = new Map<string, SourceRef>();
  const unique = [...new Map(wanted.map((w) => [refMapKey(w.kind, w.key), refKey(w.kind, w.key)])).values()];
  const chunks = Array.from({ length: Math.ceil(unique.length / 100) }, (_, i) =>
    unique.slice(i * 100, i * 100 + 100),
  );
  // 5,000 rows are up to 150 round trips; a few at a time keeps the import inside its time limit.
  await mapWithConcurrency(chunks, 8, async (chunk) => {
    for (const item of await batchGet(ctx, chunk, { consistentRead: true }))
      found.set(String(item.pk), toRef(item));
  });
  return found;
}

/** Pattern: one source record → its pointer. */
export async function getSourceRef(
  ctx: StoreContext,
  kind: SourceKind,
  key: SourceKey,
): Promise<SourceRef | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: refKey(kind, key), ConsistentRead: true }),
  );
  return Item ? toRef(Item) : undefined;
}

/** A new pointer, only if the source record has none. */
export function putRef(ctx: StoreContext, ref: SourceRef): TransactItem {
  return {
    Put: {
      TableName: ctx.table,
      Item: {
        ...keys.sourceRef(ref.kind, ref.system, ref.sourceId),
        entity: 'SourceRef',
        ...ref,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export interface RefChange {
  kind: SourceKind;
  key: SourceKey;
  /** What the import read; the change applies only if the pointer still says this. */
  seen: Pick<SourceRef, 'sourceHash' | 'attendId'>;
  sourceHash: string;
  attendId?: string;
  slotId?: string;
  now: string;
}

/** Moves a pointer on to a new digest (and record), only if it still holds what the import read. */
export function updateRef(ctx: StoreContext, change: RefChange): TransactItem {
  const set = ['sourceHash = :hash', 'updatedAt = :now'];
  const values: Record<string, unknown> = {
    ':hash': change.sourceHash,
    ':now': change.now,
    ':seenHash': change.seen.sourceHash,
    ':seenId': change.seen.attendId,
  };
  if (change.attendId) {
    set.push('attendId = :attendId');
    values[':attendId'] = change.attendId;
  }
  if (change.slotId) {
    set.push('slotId = :slotId');
    values[':slotId'] = change.slotId;
  }
  return {
    Update: {
      TableName: ctx.table,
      Key: refKey(change.kind, change.key),
      UpdateExpression: `SET ${set.join(', ')}`,
      ConditionExpression: 'sourceHash = :seenHash AND attendId = :seenId',
      ExpressionAttributeValues: values,
    },
  };
}

async function transact(ctx: StoreContext, items: TransactItem[]): Promise<void> {
  await ctx.db.send(new TransactWriteCommand({ TransactItems: items }));
}

/** Records that the source changed in a way that needs nothing changed in Attend. */
export async function touchRef(ctx: StoreContext, change: RefChange): Promise<void> {
  const item = updateRef(ctx, change).Update!;
  await ctx.db.send(new UpdateCommand(item as ConstructorParameters<typeof UpdateCommand>[0]));
}

/** A new client and its pointer, together. */
export function importedClientItems(ctx: StoreContext, client: Client, ref: SourceRef): TransactItem[] {
  return [
    {
      Put: {
        TableName: ctx.table,
        Item: clientItem(client),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    putRef(ctx, ref),
  ];
}

export async function createImportedClient(ctx: StoreContext, client: Client, ref: SourceRef): Promise<void> {
  await transact(ctx, importedClientItems(ctx, client, ref));
}

/** The client fields an import may set; `null` removes the attribute. */
export interface ClientChanges {
  firstName?: string;
  familyName?: string;
  phone?: string;
  language?: string;
  dateOfBirth?: string | null;
  dueDate?: string | null;
  namedHealthVisitor?: string | null;
  'flags.imdDecile'?: number | null;
  'flags.needsCarer'?: boolean;
  'flags.parentalMentalHealth'?: boolean;
  'flags.vulnerable'?: boolean;
  'flags.doNotText'?: boolean;
}

/**
 * Changes an imported client and moves its pointer on, in one transaction. A new mobile also moves the
 * client's live bookings to it (reminders go to the booking's phone), each only while it is still
 * BOOKED on the old number, so a booking cancelled meanwhile makes the whole change fail and be re-read.
 */
export async function updateImportedClient(
  ctx: StoreContext,
  input: {
    client: Client;
    changes: ClientChanges;
    liveBookings: readonly Booking[];
    ref: RefChange;
  },
): Promise<void> {
  const { client, changes, ref } = input;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':now': ref.now, ':oldPhone': client.phone };
  const set = ['updatedAt = :now'];
  const remove: string[] = [];
  Object.entries(changes).forEach(([path, value], i) => {
    const parts = path.split('.');
    const name = parts.map((p, j) => {
      names[`#f${i}_${j}`] = p;
      return `#f${i}_${j}`;
    });
    if (value === null) {
      remove.push(name.join('.'));
    } else {
      set.push(`${name.join('.')} = :v${i}`);
      values[`:v${i}`] = value;
    }
  });
  const newPhone = changes.phone;
  if (newPhone) {
    const index = byPhone.client(newPhone, client.id);
    set.push('phonePk = :phonePk', 'phoneSk = :phoneSk');
    values[':phonePk'] = index.phonePk;
    values[':phoneSk'] = index.phoneSk;
  }
  if (input.liveBookings.length > 90) {
    throw new Error(`Client ${client.id} has too many live bookings to move to a new phone in one change`);
  }
  const items: TransactItem[] = [
    {
      Update: {
        TableName: ctx.table,
        Key: keys.client(client.id),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(pk) AND phone = :oldPhone',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    updateRef(ctx, ref),
  ];
  if (newPhone) {
    for (const b of input.liveBookings) {
      const index = byPhone.liveBooking(newPhone, b.startsAt, b.id);
      items.push({
        Update: {
          TableName: ctx.table,
          Key: keys.booking(b.id),
          UpdateExpression: 'SET phone = :phone, phonePk = :pk, phoneSk = :sk, updatedAt = :now',
          ConditionExpression: '#status = :booked AND phone = :oldPhone',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':phone': newPhone,
            ':pk': index.phonePk,
            ':sk': index.phoneSk,
            ':now': ref.now,
            ':booked': 'BOOKED',
            ':oldPhone': client.phone,
          },
        },
      });
    }
  }
  await transact(ctx, items);
}

/** A new slot and its pointer, together. */
export async function createImportedSlot(ctx: StoreContext, slot: Slot, ref: SourceRef): Promise<void> {
  await transact(ctx, [
    { Put: { TableName: ctx.table, Item: slotItem(slot), ConditionExpression: 'attribute_not_exists(pk)' } },
    putRef(ctx, ref),
  ]);
}

/**
 * Changes an imported slot's clinic, type, time or duration, or withdraws or reopens it, with its pointer.
 * The status changes only as the slot state machine allows (store/slot-runs.ts): withdrawing a slot
 * under offer ends its short-notice run in the same write, and a booked slot keeps the time its family
 * was given. Conditional on the slot being as the import read it.
 */
export async function updateImportedSlot(
  ctx: StoreContext,
  input: {
    slot: Slot;
    fields: Pick<Slot, 'clinicId' | 'type' | 'startsAt' | 'durationMinutes' | 'localDay'>;
    status: Slot['status'];
    /** Kept for callers; the condition is the slot as read (its status included). */
    from?: readonly Slot['status'][];
    ref: RefChange;
  },
): Promise<void> {
  const { fields, ref } = input;
  const index = byClinicDay.slot(fields.clinicId, fields.localDay, fields.startsAt, input.slot.id);
  await transactNamed(ctx, [
    statusChange(ctx, input.slot, input.status, {
      now: ref.now,
      by: 'import',
      set: {
        clinicId: fields.clinicId,
        type: fields.type,
        startsAt: fields.startsAt,
        durationMinutes: fields.durationMinutes,
        localDay: fields.localDay,
        clinicDayPk: index.clinicDayPk,
        clinicDaySk: index.clinicDaySk,
      },
    }),
    rawWrite('pointer', updateRef(ctx, ref), 'pointer-unchanged'),
  ]);
}

/**
 * A booking in a slot that is new to Attend: slot (already BOOKED, so the short-notice list never sees
 * it free), booking and pointers in one transaction, on the condition that the client still exists.
 */
export function bookingInNewSlotItems(
  ctx: StoreContext,
  input: { slot: Slot; booking: Booking; refs: TransactItem[] },
): TransactItem[] {
  return [
    {
      Put: {
        TableName: ctx.table,
        Item: slotItem(input.slot),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: ctx.table,
        Item: bookingItem(input.booking),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      ConditionCheck: {
        TableName: ctx.table,
        Key: keys.client(input.booking.clientId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    ...input.refs,
  ];
}

export async function createBookingInNewSlot(
  ctx: StoreContext,
  input: { slot: Slot; booking: Booking; refs: TransactItem[] },
): Promise<void> {
  const [slot, booking, client, ...refs] = bookingInNewSlotItems(ctx, input);
  try {
    await transactNamed(ctx, [
      rawWrite('slot', slot!, 'slot-is-new'),
      rawWrite('booking', booking!, 'booking-is-new'),
      rawWrite('client', client!, 'client-exists'),
      ...refs.map((r) => rawWrite('pointer', r, 'pointer-unchanged')),
    ]);
  } catch (err) {
    if (failedOn(err, 'client')) throw new NotFoundError(`Client ${input.booking.clientId} does not exist`);
    // Any other failed condition (a ConflictError) makes the import read again and plan afresh.
    throw err;
  }
}

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
        await transact(
          this.ctx,
          group.flatMap((p) => p.items),
        );
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
