/**
 * Where a trust's letter batches go and how staff get them back: the LetterSink that stores a batch,
 * and a reader for the stored PDF (GET /letters/{batchId}.pdf). In AWS, the encrypted letters bucket
 * (lib/constructs/letters-bucket.ts); locally, files under `.attend/letters/`.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LetterSink } from './letter-sink.ts';
import { LocalFileLetterSink } from './local-file-letter-sink.ts';
import { S3LetterSink } from './s3-letter-sink.ts';

export interface LetterFiles {
  readonly sink: LetterSink;
  /** The stored batch PDF at `location` (as the sink reported it), or undefined when it is gone. */
  read(location: string): Promise<Uint8Array | undefined>;
}

/** The letters bucket: batches are written with the trust's key (`kmsKeyArn`, writer only) and read back. */
export function s3LetterFiles(s3: S3Client, settings: { bucket: string; kmsKeyArn?: string }): LetterFiles {
  const sink: LetterSink = settings.kmsKeyArn
    ? new S3LetterSink(s3, { bucket: settings.bucket, kmsKeyArn: settings.kmsKeyArn })
    : {
        needsLetterPdfs: false,
        storeBatch: () => Promise.reject(new Error('this function may read letter batches, not store them')),
      };
  const prefix = `s3://${settings.bucket}/`;
  return {
    sink,
    async read(location) {
      // Only this bucket's objects: a location is ours, but never followed anywhere else.
      if (!location.startsWith(prefix)) return undefined;
      try {
        const out = await s3.send(
          new GetObjectCommand({ Bucket: settings.bucket, Key: location.slice(prefix.length) }),
        );
        return out.Body ? await out.Body.transformToByteArray() : undefined;
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
        throw err;
      }
    },
  };
}

/** The local runtime's letters: files under `<root>/letters/<trust>/…` (LocalFileLetterSink). */
export function localLetterFiles(root: string, trustId: string): LetterFiles {
  const sink = new LocalFileLetterSink({ root, trustId });
  const base = resolve(root, 'letters');
  return {
    sink,
    async read(location) {
      // Only files under the letters folder: a location is ours, but never followed out of it.
      const rel = relative(base, resolve(location));
      if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
      return readFile(location).then(
        (bytes) => new Uint8Array(bytes),
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return undefined;
          throw err;
        },
      );
    },
  };
}
