/**
 * An append-only JSON Lines file in the local data folder: the outbox's texts and the event log, kept
 * so a restart of `npm start` shows what was there before (GET /dev/sms/outbox, GET /dev/events). It
 * holds numbers and message bodies, so it is written only to the data folder (`.attend/`, git-ignored,
 * readable by its owner only) and its contents are never printed.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class JsonLinesFile<T> {
  private folderMade = false;

  constructor(private readonly path: string) {}

  /**
   * Every entry kept, oldest first; none if the file is not made yet. A last line cut short (the
   * process killed mid-write) is dropped, as is any line that does not parse, and the file is ended
   * with a newline so the next entry starts a line of its own.
   */
  readAll(): T[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    if (text && !text.endsWith('\n')) appendFileSync(this.path, '\n');
    const entries: T[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as T);
      } catch {
        // a torn line: skipped
      }
    }
    return entries;
  }

  /** Appends one entry, synchronously, so it is on disk before the caller goes on. */
  append(entry: T): void {
    if (!this.folderMade) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.folderMade = true;
    }
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }
}
