/**
 * The staff Import page's held uploads against a real table: a file as big as an import may be (1 MB,
 * barely compressible) comes back byte for byte from its gzipped parts; it is gone once it expires or is
 * deleted, and an id that was never used finds nothing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  deleteImportUpload,
  IMPORT_UPLOAD_MINUTES,
  readImportUpload,
  saveImportUpload,
} from '#store/import-uploads.ts';
import { freshTable } from '#tests/support/dynamo.ts';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

describe('held import uploads', () => {
  it('keeps a 1 MB file in parts and gives it back whole until it expires', async () => {
    const store = await freshTable();
    // Random bytes as text: what gzip cannot shrink much, so the file needs several parts.
    const bytes = Buffer.from(randomBytes(768 * 1024).toString('base64'));
    const id = randomUUID();

    const upload = await saveImportUpload(store, {
      id,
      subject: 'admin-subject',
      filename: 'export.csv',
      contentType: 'text/csv',
      bytes,
      now: NOW,
    });

    expect(upload.parts).toBeGreaterThan(1);
    const read = await readImportUpload(store, id, later(IMPORT_UPLOAD_MINUTES - 1));
    expect(read?.upload).toMatchObject({
      subject: 'admin-subject',
      filename: 'export.csv',
      bytes: bytes.length,
    });
    expect(read?.bytes.equals(bytes)).toBe(true);
    expect(await readImportUpload(store, id, later(IMPORT_UPLOAD_MINUTES))).toBeUndefined();
  });

  it('is gone once deleted, and an unknown id finds nothing', async () => {
    const store = await freshTable();
    const id = randomUUID();
    const upload = await saveImportUpload(store, {
      id,
      subject: 's',
      filename: 'b.json',
      contentType: null,
      bytes: Buffer.from('{"resourceType":"Bundle"}'),
      now: NOW,
    });
    expect((await readImportUpload(store, id, NOW))?.bytes.toString()).toBe('{"resourceType":"Bundle"}');

    await deleteImportUpload(store, upload);

    expect(await readImportUpload(store, id, NOW)).toBeUndefined();
    expect(await readImportUpload(store, randomUUID(), NOW)).toBeUndefined();
  });
});
