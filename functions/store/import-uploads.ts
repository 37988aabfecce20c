/**
 * Files uploaded on the staff Import page, held for the person who uploaded them between the dry run
 * and their confirm (a browser form cannot carry a 1 MB file back in a hidden field). Gzipped, in parts
 * of at most 300 KB, with a head item naming who uploaded it; every item expires (TTL) after
 * `IMPORT_UPLOAD_MINUTES`, and the confirm deletes them.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { batchDelete } from './batch.ts';
import type { StoreContext } from './context.ts';
import { importUploads } from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

export const IMPORT_UPLOAD_MINUTES = 30;
const PART_BYTES = 300 * 1024;

const headSchema = z.object({
  id: z.string(),
  /** The OIDC subject of the person who uploaded it: only they may confirm it. */
  subject: z.string(),
  filename: z.string(),
  contentType: z.string().nullable(),
  parts: z.number().int().min(1),
  bytes: z.number().int().min(0),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type ImportUpload = z.infer<typeof headSchema>;

export async function saveImportUpload(
  ctx: StoreContext,
  input: {
    id: string;
    subject: string;
    filename: string;
    contentType: string | null;
    bytes: Buffer;
    now: Date;
  },
): Promise<ImportUpload> {
  const zipped = gzipSync(input.bytes);
  const parts: Buffer[] = [];
  for (let i = 0; i < zipped.length || parts.length === 0; i += PART_BYTES)
    parts.push(zipped.subarray(i, i + PART_BYTES));
  const expires = new Date(input.now.getTime() + IMPORT_UPLOAD_MINUTES * 60_000);
  const ttl = { [TTL_ATTRIBUTE]: Math.ceil(expires.getTime() / 1000) };
  const head: ImportUpload = {
    id: input.id,
    subject: input.subject,
    filename: input.filename,
    contentType: input.contentType,
    parts: parts.length,
    bytes: input.bytes.length,
    createdAt: input.now.toISOString(),
    expiresAt: expires.toISOString(),
  };
  await ctx.db.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: ctx.table,
            Item: { ...importUploads.head(input.id), entity: 'ImportUpload', ...head, ...ttl },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...parts.map((data, n) => ({
          Put: {
            TableName: ctx.table,
            Item: { ...importUploads.part(input.id, n), entity: 'ImportUploadPart', data, ...ttl },
          },
        })),
      ],
    }),
  );
  return head;
}

/** The upload and its bytes, or undefined when it is gone (confirmed, expired) or was never made. */
export async function readImportUpload(
  ctx: StoreContext,
  id: string,
  now: Date,
): Promise<{ upload: ImportUpload; bytes: Buffer } | undefined> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ctx.db.send(
      new QueryCommand({
        TableName: ctx.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': importUploads.partition(id) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  const headItem = items.find((item) => item.sk === 'UPLOAD');
  if (!headItem) return undefined;
  const upload = headSchema.parse({ ...headItem, id });
  // TTL deletes lazily: an expired upload is gone, whether or not DynamoDB has removed it yet.
  if (Date.parse(upload.expiresAt) <= now.getTime()) return undefined;
  const parts = items
    .filter((item) => typeof item.sk === 'string' && item.sk.startsWith('PART#'))
    .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
    .map((item) => Buffer.from(item.data as Uint8Array));
  if (parts.length !== upload.parts) return undefined;
  return { upload, bytes: gunzipSync(Buffer.concat(parts)) };
}

export async function deleteImportUpload(
  ctx: StoreContext,
  upload: Pick<ImportUpload, 'id' | 'parts'>,
): Promise<void> {
  const keys = [
    importUploads.head(upload.id),
    ...Array.from({ length: upload.parts }, (_, n) => importUploads.part(upload.id, n)),
  ];
  await batchDelete(ctx, keys);
}
