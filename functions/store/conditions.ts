/**
 * Conditional writes built from named pieces. Each piece of a condition has a name ("slot-is-offering",
 * "offer-pending") and the same test in code; every write asks DynamoDB for the item as it was when the
 * condition failed (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`), so a refusal becomes a
 * ConditionFailedError that names the record and the piece that failed, judged on that item. No caller
 * tells failures apart by their position in a transaction.
 *
 * A transaction DynamoDB cancels for a conflict (another transaction held an item) becomes a
 * WriteConflictError, which is safe to retry: nothing was written.
 */
import {
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ConditionFailedError, WriteConflictError } from '#core/errors.ts';
import type { StoreContext } from './context.ts';

export type StoredItem = Record<string, unknown>;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Key = { pk: string; sk: string };

/** Expression placeholders for one write: `#name` per path segment, `:v<n>` per value. */
class Placeholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private next = 0;

  path(path: string): string {
    return path
      .split('.')
      .map((segment) => {
        this.names[`#${segment}`] = segment;
        return `#${segment}`;
      })
      .join('.');
  }

  value(value: unknown): string {
    const name = `:v${this.next++}`;
    this.values[name] = value;
    return name;
  }
}

/** One named piece of a condition: its expression, and the same test on the item as it was. */
export interface Piece {
  readonly name: string;
  readonly render: (p: Placeholders) => string;
  readonly holds: (item: StoredItem | undefined) => boolean;
}

function valueAt(item: StoredItem | undefined, path: string): unknown {
  let value: unknown = item;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as StoredItem)[segment];
  }
  return value;
}

/** The pieces conditions are built from. Instants compare as ISO strings. */
export const when = {
  exists: (name: string, path = 'pk'): Piece => ({
    name,
    render: (p) => `attribute_exists(${p.path(path)})`,
    holds: (item) => valueAt(item, path) !== undefined,
  }),
  absent: (name: string, path = 'pk'): Piece => ({
    name,
    render: (p) => `attribute_not_exists(${p.path(path)})`,
    holds: (item) => valueAt(item, path) === undefined,
  }),
  equals: (name: string, path: string, value: unknown): Piece => ({
    name,
    render: (p) => `${p.path(path)} = ${p.value(value)}`,
    holds: (item) => valueAt(item, path) === value,
  }),
  oneOf: (name: string, path: string, values: readonly unknown[]): Piece => ({
    name,
    render: (p) => `${p.path(path)} IN (${values.map((v) => p.value(v)).join(', ')})`,
    holds: (item) => values.includes(valueAt(item, path)),
  }),
  /** Absent, or anything but `value`. */
  differs: (name: string, path: string, value: unknown): Piece => ({
    name,
    render: (p) => `(attribute_not_exists(${p.path(path)}) OR ${p.path(path)} <> ${p.value(value)})`,
    holds: (item) => valueAt(item, path) !== value,
  }),
  before: (name: string, path: string, value: string): Piece => ({
    name,
    render: (p) => `${p.path(path)} < ${p.value(value)}`,
    holds: (item) => {
      const v = valueAt(item, path);
      return typeof v === 'string' && v < value;
    },
  }),
  after: (name: string, path: string, value: string): Piece => ({
    name,
    render: (p) => `${p.path(path)} > ${p.value(value)}`,
    holds: (item) => {
      const v = valueAt(item, path);
      return typeof v === 'string' && v > value;
    },
  }),
  /** Holds when every one of `pieces` holds; fails under its own name. */
  allOf: (name: string, ...pieces: Piece[]): Piece => ({
    name,
    render: (p) => `(${pieces.map((piece) => piece.render(p)).join(' AND ')})`,
    holds: (item) => pieces.every((piece) => piece.holds(item)),
  }),
  /** Holds when any of `pieces` holds; fails under its own name. */
  anyOf: (name: string, ...pieces: Piece[]): Piece => ({
    name,
    render: (p) => `(${pieces.map((piece) => piece.render(p)).join(' OR ')})`,
    holds: (item) => pieces.some((piece) => piece.holds(item)),
  }),
} as const;

/** A write with the record it writes ("slot", "offer", …) and the named pieces of its condition. */
export interface Write {
  readonly record: string;
  readonly pieces: readonly Piece[];
  readonly item: TransactItem;
}

export interface UpdateSpec {
  /** path → value; a dotted path sets inside a map. */
  set?: Readonly<Record<string, unknown>>;
  /** path → amount, as `path = path + amount` (ADD does not reach inside maps). */
  increment?: Readonly<Record<string, number>>;
  remove?: readonly string[];
  when?: readonly Piece[];
}

function render(pieces: readonly Piece[], p: Placeholders): string | undefined {
  return pieces.length ? pieces.map((piece) => piece.render(p)).join(' AND ') : undefined;
}

/** An update of one item, conditional on every piece of `spec.when`. */
export function update(ctx: StoreContext, record: string, key: Key, spec: UpdateSpec): Write {
  const p = new Placeholders();
  const set = [
    ...Object.entries(spec.set ?? {}).map(([path, value]) => `${p.path(path)} = ${p.value(value)}`),
    ...Object.entries(spec.increment ?? {}).map(
      ([path, n]) => `${p.path(path)} = ${p.path(path)} + ${p.value(n)}`,
    ),
  ];
  const remove = (spec.remove ?? []).map((path) => p.path(path));
  const expression = [
    set.length ? `SET ${set.join(', ')}` : '',
    remove.length ? `REMOVE ${remove.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const pieces = spec.when ?? [];
  const condition = render(pieces, p);
  return {
    record,
    pieces,
    item: {
      Update: {
        TableName: ctx.table,
        Key: key,
        UpdateExpression: expression,
        ...(condition ? { ConditionExpression: condition } : {}),
        ...(Object.keys(p.names).length ? { ExpressionAttributeNames: p.names } : {}),
        ...(Object.keys(p.values).length ? { ExpressionAttributeValues: p.values } : {}),
        ...(condition ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
      },
    },
  };
}

/** A put of a whole item, conditional on `pieces` (usually "does not exist yet"). */
export function put(
  ctx: StoreContext,
  record: string,
  item: StoredItem,
  pieces: readonly Piece[] = [],
): Write {
  const p = new Placeholders();
  const condition = render(pieces, p);
  return {
    record,
    pieces,
    item: {
      Put: {
        TableName: ctx.table,
        Item: item,
        ...(condition
          ? {
              ConditionExpression: condition,
              ExpressionAttributeNames: p.names,
              ...(Object.keys(p.values).length ? { ExpressionAttributeValues: p.values } : {}),
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
            }
          : {}),
      },
    },
  };
}

/** A condition on an item the transaction does not change. */
export function check(ctx: StoreContext, record: string, key: Key, pieces: readonly Piece[]): Write {
  const p = new Placeholders();
  return {
    record,
    pieces,
    item: {
      ConditionCheck: {
        TableName: ctx.table,
        Key: key,
        ConditionExpression: render(pieces, p)!,
        ExpressionAttributeNames: p.names,
        ...(Object.keys(p.values).length ? { ExpressionAttributeValues: p.values } : {}),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  };
}

/** A transaction item built elsewhere (an import pointer), named so a failure still says what it was. */
export function raw(record: string, item: TransactItem, conditionName = 'unchanged'): Write {
  return { record, pieces: [{ name: conditionName, render: () => '', holds: () => false }], item };
}

/** Writes all of `writes` or none. */
export async function transact(ctx: StoreContext, writes: readonly Write[]): Promise<void> {
  try {
    await ctx.db.send(new TransactWriteCommand({ TransactItems: writes.map((w) => w.item) }));
  } catch (err) {
    throw named(err, writes);
  }
}

/** Writes one item (an Update or a Put) on its own. */
export async function writeOne(ctx: StoreContext, write: Write): Promise<void> {
  try {
    if (write.item.Update) await ctx.db.send(new UpdateCommand(write.item.Update as never));
    else if (write.item.Put) await ctx.db.send(new PutCommand(write.item.Put as never));
    else await transact(ctx, [write]);
  } catch (err) {
    throw named(err, [write]);
  }
}

/** True when `err` is this record's named condition failing (any of its conditions, without a name). */
export function failedOn(err: unknown, record: string, condition?: string): err is ConditionFailedError {
  return (
    err instanceof ConditionFailedError &&
    err.record === record &&
    (!condition || err.condition === condition)
  );
}

function asItem(raw: unknown): StoredItem | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  try {
    return unmarshall(raw as never) as StoredItem;
  } catch {
    return raw as StoredItem;
  }
}

/** The first piece that does not hold on the item as it was: the condition that failed. */
function failedPiece(write: Write, item: StoredItem | undefined): string {
  return write.pieces.find((piece) => !piece.holds(item))?.name ?? write.pieces.map((p) => p.name).join('+');
}

function named(err: unknown, writes: readonly Write[]): unknown {
  if (err instanceof ConditionFailedError) return err;
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'ConditionalCheckFailedException' && writes.length === 1) {
    const item = asItem((err as { Item?: unknown }).Item);
    return new ConditionFailedError(writes[0]!.record, failedPiece(writes[0]!, item), item);
  }
  if (name !== 'TransactionCanceledException') return err;
  const reasons =
    (err as { CancellationReasons?: { Code?: string; Item?: unknown }[] }).CancellationReasons ?? [];
  const failed = reasons.flatMap((reason, i) => {
    const write = writes[i];
    if (reason.Code !== 'ConditionalCheckFailed' || !write) return [];
    const item = asItem(reason.Item);
    return [{ write, item, condition: failedPiece(write, item) }];
  });
  const first = failed[0];
  if (first) {
    return new ConditionFailedError(
      first.write.record,
      first.condition,
      first.item,
      failed.map((f) => `${f.write.record}:${f.condition}`),
    );
  }
  if (reasons.some((r) => r.Code === 'TransactionConflict')) return new WriteConflictError({ cause: err });
  return err;
}

/** For the retry helper: a cancelled-for-conflict transaction is worth another try. */
export const isWriteConflict = (err: unknown): boolean =>
  err instanceof WriteConflictError ||
  ['TransactionConflictException', 'TransactionInProgressException'].includes(
    (err as { name?: string } | undefined)?.name ?? '',
  );
