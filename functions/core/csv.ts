/**
 * A small RFC 4180 CSV reader for EPR exports: comma-separated fields, records ending in CRLF, LF or a
 * lone CR, fields in double quotes that may hold commas, line breaks and doubled quotes (""), and the
 * byte-order mark Excel writes at the start of "CSV UTF-8" files.
 *
 * Each record keeps the line it started on, so an error can point staff at the line their editor shows.
 */

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

const QUOTE = 34; // "
const COMMA = 44; // ,
const CR = 13;
const LF = 10;

/**
 * Parses the whole text. A quote inside an unquoted field is kept as written (RFC 4180 forbids it, but
 * exports such as `5" wide` are common and unambiguous); anything else malformed — text after a closing
 * quote, or a quoted field still open at the end — throws CsvSyntaxError, because every later field would
 * be misread.
 */
export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  if (n === 0) return records;

  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text.charCodeAt(i) === QUOTE) {
        const openedOn = line;
        i++;
        let start = i;
        for (;;) {
          if (i >= n) throw new CsvSyntaxError('a quoted field is never closed', openedOn);
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            value += text.slice(start, i);
            if (text.charCodeAt(i + 1) === QUOTE) {
              value += '"';
              i += 2;
              start = i;
              continue;
            }
            i++;
            break;
          }
          if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) line++;
          i++;
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== COMMA && next !== CR && next !== LF) {
          throw new CsvSyntaxError(
            'unexpected text after a closing quote; a quote inside a quoted field is written twice ("")',
            line,
          );
        }
      } else {
        const start = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === COMMA || c === CR || c === LF) break;
          i++;
        }
        value = text.slice(start, i);
      }
      fields.push(value);
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        // A comma at the very end still separates a last, empty field.
        if (i >= n) {
          fields.push('');
          break;
        }
        continue;
      }
      // End of record: CRLF, LF or a lone CR.
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    records.push({ line: recordLine, fields });
  }
  return records;
}

/** True for a record with no content, such as the trailing ",,,," rows spreadsheets leave behind. */
export function isBlankRecord(record: CsvRecord): boolean {
  return record.fields.every((f) => f.trim() === '');
}
