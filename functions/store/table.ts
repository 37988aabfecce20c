/**
 * The one table, declared once. CDK (lib/) and the local runtime both build the table from this
 * description, so the indexes that the repositories query are exactly the ones that exist.
 *
 * Index names say which access pattern they serve; their key attributes are only written on items
 * that belong in the index, so each index is sparse.
 */
export type KeyType = 'S' | 'N';

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: { readonly name: string; readonly type: KeyType };
  readonly sortKey: { readonly name: string; readonly type: KeyType };
  /** What the index serves, for humans reading the template or the console. */
  readonly servesPattern: string;
}

export const TABLE_KEYS = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
} as const;

export const INDEXES = {
  byPhone: {
    name: 'byPhone',
    partitionKey: { name: 'phonePk', type: 'S' },
    sortKey: { name: 'phoneSk', type: 'S' },
    servesPattern: 'clients, live bookings, live offers and messages for one phone number',
  },
  byClinicDay: {
    name: 'byClinicDay',
    partitionKey: { name: 'clinicDayPk', type: 'S' },
    sortKey: { name: 'clinicDaySk', type: 'S' },
    servesPattern: 'slots and bookings of one clinic on one local day, in start order',
  },
  dueReminders: {
    name: 'dueReminders',
    partitionKey: { name: 'dueShard', type: 'S' },
    sortKey: { name: 'nextDueAt', type: 'S' },
    servesPattern: 'bookings with a reminder tier due at or before now (sharded, sparse)',
  },
  waitlistByType: {
    name: 'waitlistByType',
    partitionKey: { name: 'waitlistPk', type: 'S' },
    sortKey: { name: 'waitlistScore', type: 'N' },
    servesPattern: 'waiting entries of one appointment type, highest priority score first (sparse)',
  },
  offersByExpiry: {
    name: 'offersByExpiry',
    partitionKey: { name: 'expiryShard', type: 'S' },
    sortKey: { name: 'expiryDueAt', type: 'S' },
    servesPattern: 'pending offers whose hold ends at or before now (sharded, sparse)',
  },
  openByKind: {
    name: 'openByKind',
    partitionKey: { name: 'openPk', type: 'S' },
    sortKey: { name: 'openSk', type: 'S' },
    servesPattern: 'open work for staff: unhandled inbox messages, open follow-ups, newest first (sparse)',
  },
  byClient: {
    name: 'byClient',
    partitionKey: { name: 'clientPk', type: 'S' },
    sortKey: { name: 'clientSk', type: 'S' },
    servesPattern: 'every booking of one child, past and cancelled too, in start order',
  },
  lookup: {
    name: 'lookup',
    partitionKey: { name: 'lookupPk', type: 'S' },
    sortKey: { name: 'lookupSk', type: 'S' },
    servesPattern: 'clients by the first letters of their folded family name; bookings by reference',
  },
} as const satisfies Record<string, IndexDefinition>;

export type IndexName = keyof typeof INDEXES;

/** Expiry attribute for TTL (epoch seconds): messages and idempotency records. */
export const TTL_ATTRIBUTE = 'expiresAtEpoch';

/** How many partitions the due-reminder and offer-expiry indexes are spread over. */
export const DUE_SHARDS = 8;

export interface TableDefinition {
  readonly keys: typeof TABLE_KEYS;
  readonly indexes: readonly IndexDefinition[];
  readonly ttlAttribute: string;
  readonly stream: 'NEW_AND_OLD_IMAGES';
}

export const TABLE: TableDefinition = {
  keys: TABLE_KEYS,
  indexes: Object.values(INDEXES),
  ttlAttribute: TTL_ATTRIBUTE,
  stream: 'NEW_AND_OLD_IMAGES',
};

/** Attribute definitions for CreateTable: every key attribute of the table and its indexes, once. */
export function attributeDefinitions(): { AttributeName: string; AttributeType: KeyType }[] {
  const all = new Map<string, KeyType>();
  all.set(TABLE_KEYS.partitionKey.name, TABLE_KEYS.partitionKey.type);
  all.set(TABLE_KEYS.sortKey.name, TABLE_KEYS.sortKey.type);
  for (const index of TABLE.indexes) {
    all.set(index.partitionKey.name, index.partitionKey.type);
    all.set(index.sortKey.name, index.sortKey.type);
  }
  return [...all].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
}

/**
 * The metrics counters' own table: the per-day counter cells and the markers that make each change count
 * once (store/metrics.ts). The main table's keys, no index and no stream. The counters are derived data
 * that nothing reads from a stream; kept out of the main table, their writes (several per booking) stay
 * off its stream, so neither stream mapping reads them, and each write is cheaper (no index to keep).
 * Markers expire by TTL.
 */
export const METRICS_TABLE = {
  keys: TABLE_KEYS,
  ttlAttribute: TTL_ATTRIBUTE,
} as const;

/** Idempotency records (Powertools Idempotency) live in their own small table with TTL. */
export const IDEMPOTENCY_TABLE = {
  partitionKey: { name: 'id', type: 'S' },
  ttlAttribute: 'expiration',
} as const;
