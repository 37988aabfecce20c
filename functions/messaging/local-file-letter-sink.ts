import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  allStored,
  batchFileName,
  checkBatch,
  type LetterBatch,
  type LetterSink,
  LetterSinkError,
  type StoredBatch,
} from './letter-sink.ts';

export interface LocalFileLetterSinkOptions {
  /** The local runtime's data folder. */
  readonly root: string;
  readonly trustId: string;
}

/**
 * The local runtime's letters: each batch a PDF under `<root>/letters/<trust>/<day>/<clinic>-<batch>.pdf`,
 * readable only by the user running `npm start` (the files hold names and addresses, even if fictional).
 */
export class LocalFileLetterSink implements LetterSink {
  readonly needsLetterPdfs = false;

  constructor(private readonly options: LocalFileLetterSinkOptions) {
    if (!/^[a-z][a-z0-9-]{1,30}$/.test(options.trustId)) {
      throw new LetterSinkError('trustId must be lower-case letters, digits and dashes');
    }
  }

  /** Where a batch's file goes. */
  pathOf(batch: Pick<LetterBatch, 'day' | 'clinicId' | 'batchId'>): string {
    return join(this.options.root, 'letters', this.options.trustId, batch.day, batchFileName(batch));
  }

  async storeBatch(batch: LetterBatch): Promise<StoredBatch> {
    checkBatch(batch);
    const path = this.pathOf(batch);
    const existing = await readFile(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw new LetterSinkError(`Could not read ${path}`, { cause: err });
    });
    if (existing) {
      // The same batch stored twice (a retry) is fine; a different one under the same id is a bug.
      if (Buffer.compare(existing, batch.pdf) !== 0) {
        throw new LetterSinkError(`${path} already holds a different batch`);
      }
      return { location: path, letters: allStored(batch) };
    }
    try {
      await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
      // Written aside and renamed, so a reader never sees half a PDF.
      const partial = `${path}.partial`;
      await writeFile(partial, batch.pdf, { mode: 0o600 });
      await rename(partial, path);
    } catch (err) {
      throw new LetterSinkError(`Could not write ${path}`, { cause: err });
    }
    return { location: path, letters: allStored(batch) };
  }
}
