/** The data folder's JSON Lines files (the outbox's texts, the event log): what is appended is read back. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonLinesFile } from '#local/jsonl-file.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function fileIn(...parts: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'attend-jsonl-'));
  dirs.push(dir);
  return join(dir, ...parts);
}

describe('a JSON Lines file', () => {
  it('reads nothing before it is made, then every entry appended, in order', () => {
    // Prepare
    const path = fileIn('trust', 'log.jsonl');
    const file = new JsonLinesFile<{ n: number }>(path);

    // Act
    const before = file.readAll();
    file.append({ n: 1 });
    file.append({ n: 2 });

    // Assess
    expect(before).toEqual([]);
    expect(new JsonLinesFile(path).readAll()).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('drops a last line cut short, and the next entry starts a line of its own', () => {
    // Prepare: a process killed mid-write left half a line
    const path = fileIn('log.jsonl');
    new JsonLinesFile(path).append({ n: 1 });
    appendFileSync(path, '{"n":');

    // Act
    const file = new JsonLinesFile<{ n: number }>(path);
    const read = file.readAll();
    file.append({ n: 3 });

    // Assess
    expect(read).toEqual([{ n: 1 }]);
    expect(new JsonLinesFile(path).readAll()).toEqual([{ n: 1 }, { n: 3 }]);
    expect(readFileSync(path, 'utf8').endsWith('{"n":3}\n')).toBe(true);
  });
});
