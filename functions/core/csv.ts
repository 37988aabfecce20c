/**
 * Reads CSV text with csv-parse (RFC 4180: quoted fields may hold separators, doubled quotes and line
 * breaks; records end in CRLF, LF or a lone CR; the byte-order mark Excel writes is dropped).
 *
 * The separator is the one the header row uses: comma, or semicolon (Excel saves "CSV" with `;` where
 * the decimal mark is a comma: most of Europe), or tab ("Text (Tab delimited)"). Each record keeps the
 * line it starts on, so an error can point staff at the line their editor shows.
 */
import { CsvError, parse } from 'csv-parse/sync';

export interface CsvRecord {
  /** The 1-based line the record starts on (a quoted line break makes a record span lines). */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`Line ${line}: ${message}`);
  }
}

export const SEPARATORS = [',', ';', '\t'] as const;
export type Separator = (typeof SEPARATORS)[number];

/** How a separator is named to a person reading an error: "commas", or with `one`, "comma". */
export function separatorName(separator: Separator, one = false): string {
  const name = { ',': 'comma', ';': 'semicolon', '\t': 'tab' }[separator];
  return one ? name : `${name}s`;
}

const BOM = '\uFEFF';

/**
 * The separator of the header row: of comma, semicolon and tab, the one that splits it into the most
 * columns `recognise` accepts (the documented header names), then into the most columns; comma when
 * nothing tells them apart. Deciding on the header alone means a comma inside a later field (a clinic
 * name, say) cannot sway it.
 */
export function detectSeparator(text: string, recognise: (column: string) => boolean): Separator {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const firstLine = body.split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '';
  let best: { separator: Separator; known: number; columns: number } = {
    separator: ',',
    known: -1,
    columns: 0,
  };
  for (const separator of SEPARATORS) {
    const columns = headerColumns(firstLine, separator);
    const known = columns.filter(recognise).length;
    if (known > best.known || (known === best.known && columns.length > best.columns)) {
      best = { separator, known, columns: columns.length };
    }
  }
  return best.separator;
}

function headerColumns(line: string, separator: Separator): string[] {
  try {
    const [record] = parse(line, { delimiter: separator, relax_quotes: true, relax_column_count: true }) as
      | string[][]
      | [];
    return record ?? [];
  } catch {
    return [];
  }
}

/**
 * Parses the whole text. A quote inside an unquoted field is kept as written (RFC 4180 forbids it, but
 * exports such as `5" wide` are common and unambiguous); anything else malformed (text after a closing
 * quote, or a quoted field still open at the end) throws CsvSyntaxError, because every later field
 * would be misread.
 */
export function parseCsv(input: string, options: { separator?: Separator } = {}): CsvRecord[] {
  try {
    return read(input, options.separator ?? ',', false);
  } catch (err) {
    // Strict first, so a broken quoted field is reported; csv-parse's relaxed mode would read it as
    // text. Only a quote inside an unquoted field is let through, by reading the file again relaxed.
    if (err instanceof CsvError && err.code === 'INVALID_OPENING_QUOTE') {
      return read(input, options.separator ?? ',', true);
    }
    throw err;
  }
}

function read(input: string, separator: Separator, relaxQuotes: boolean): CsvRecord[] {
  // The line each record ends on, as csv-parse counts them; the next record starts on the line after.
  const ends: number[] = [];
  let rows: string[][];
  try {
    rows = parse(input, {
      bom: true,
      delimiter: separator,
      // Each row is checked against the header by the caller, which names the row.
      relax_column_count: true,
      relax_quotes: relaxQuotes,
      on_record: (record, context) => {
        ends.push(context.lines);
        return record;
      },
    });
  } catch (err) {
    if (!(err instanceof CsvError) || (err.code === 'INVALID_OPENING_QUOTE' && !relaxQuotes)) throw err;
    throw syntaxError(err, (ends.at(-1) ?? 0) + 1);
  }
  return rows.map((fields, i) => ({ line: i === 0 ? 1 : (ends[i - 1] ?? 0) + 1, fields }));
}

function syntaxError(err: CsvError, recordStart: number): CsvSyntaxError | CsvError {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CsvSyntaxError('a quoted field is never closed', recordStart);
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new CsvSyntaxError(
        'unexpected text after a closing quote; a quote inside a quoted field is written twice ("")',
        (err as CsvError & { lines?: number }).lines ?? recordStart,
      );
    default:
      return new CsvSyntaxError(err.message, (err as CsvError & { lines?: number }).lines ?? recordStart);
  }
}

/** True for a record with no content, such as the trailing ",,,," rows spreadsheets leave behind. */
export function isBlankRecord(record: CsvRecord): boolean {
  return record.fields.every((f) => f.trim() === '');
}
