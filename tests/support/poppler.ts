/**
 * Reads rendered PDFs back with Poppler's command-line tools (Debian's poppler-utils, which .ci/run
 * installs when missing): the text as a reader's PDF viewer extracts it, each word's box in points, and a
 * page as the PNG a person would look at.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(tool: string, args: string[]): Buffer {
  const result = spawnSync(tool, args, { maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    throw new Error(
      `${tool} could not run (${result.error.message}): install Poppler, e.g. "apt-get install -y poppler-utils"`,
    );
  }
  if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr.toString()}`);
  return result.stdout;
}

function toFile(pdf: Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'attend-pdf-')), 'doc.pdf');
  writeFileSync(file, pdf);
  return file;
}

/** The text of the given pages (1-based, inclusive), laid out as on the page. */
export function pdfText(pdf: Uint8Array, pages?: { first: number; last?: number }): string {
  const range = pages ? ['-f', String(pages.first), '-l', String(pages.last ?? pages.first)] : [];
  return run('pdftotext', ['-layout', ...range, toFile(pdf), '-']).toString('utf8');
}

export interface PdfWord {
  readonly text: string;
  /** In points from the page's top-left corner, as pdftotext -bbox reports them. */
  readonly xMin: number;
  readonly yMin: number;
  readonly xMax: number;
  readonly yMax: number;
}

/** Every word on one page with its box. */
export function pdfWords(pdf: Uint8Array, page: number): PdfWord[] {
  const html = run('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), toFile(pdf), '-']).toString(
    'utf8',
  );
  const words: PdfWord[] = [];
  for (const m of html.matchAll(
    /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
  )) {
    const [, xMin, yMin, xMax, yMax, text] = m;
    words.push({
      text: (text ?? '')
        .replace(/&apos;/g, "'")
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"'),
      xMin: Number(xMin),
      yMin: Number(yMin),
      xMax: Number(xMax),
      yMax: Number(yMax),
    });
  }
  return words;
}

/** `pdfinfo`'s fields, e.g. { Pages: '2', 'Page size': '595.28 x 841.89 pts (A4)', Title: '…' }. */
export function pdfInfo(pdf: Uint8Array): Record<string, string> {
  const text = run('pdfinfo', [toFile(pdf)]).toString('utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^([^:]+):\s*(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!.trim(), m[2]!.trim()]),
  );
}

/** `pdffonts` rows: name and whether each font is embedded. */
export function pdfFonts(pdf: Uint8Array): { name: string; embedded: boolean }[] {
  const lines = run('pdffonts', [toFile(pdf)])
    .toString('utf8')
    .split('\n')
    .slice(2)
    .filter(Boolean);
  return lines.map((line) => {
    const cols = line.trim().split(/\s+/);
    // name, type (one or more words), encoding, emb, sub, uni, object number, generation
    return { name: cols[0] ?? '', embedded: cols.at(-5) === 'yes' };
  });
}

/** One page as a PNG, at `dpi`. */
export function pdfPagePng(pdf: Uint8Array, page: number, dpi = 150): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'attend-png-'));
  const file = toFile(pdf);
  run('pdftoppm', [
    '-png',
    '-r',
    String(dpi),
    '-f',
    String(page),
    '-l',
    String(page),
    '-singlefile',
    file,
    join(dir, 'page'),
  ]);
  return readFileSync(join(dir, 'page.png'));
}
