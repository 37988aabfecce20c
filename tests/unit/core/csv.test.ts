import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, isBlankRecord, parseCsv } from '#core/csv.ts';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe('parseCsv reads RFC 4180 files', () => {
  it('splits records and fields', () => {
    // Act
    const records = fields('a,b,c\n1,2,3\n');

    // Assess
    expect(records).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it.each([
    { ending: 'CRLF', text: 'a,b\r\n1,2\r\n' },
    { ending: 'LF', text: 'a,b\n1,2\n' },
    { ending: 'a lone CR', text: 'a,b\r1,2\r' },
    { ending: 'no line break at the end', text: 'a,b\r\n1,2' },
  ])('ends records with $ending', ({ text }) => {
    // Act
    const records = fields(text);

    // Assess
    expect(records).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    // Prepare
    const text = 'name,venue\r\n"Smith, Amelia","The ""Old"" School\r\nHigh Street"\r\n';

    // Act
    const records = fields(text);

    // Assess
    expect(records).toEqual([
      ['name', 'venue'],
      ['Smith, Amelia', 'The "Old" School\r\nHigh Street'],
    ]);
  });

  it('numbers each record by the line it starts on, counting line breaks inside quotes', () => {
    // Prepare
    const text = 'h1,h2\n"two\nlines",x\nlast,y\n';

    // Act
    const records = parseCsv(text);

    // Assess
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('drops the byte-order mark Excel writes at the start of a "CSV UTF-8" file', () => {
    // Act
    const records = fields('\uFEFFsource_system,clinic_id\nsystmone,riverside\n');

    // Assess
    expect(records[0]).toEqual(['source_system', 'clinic_id']);
  });

  it('keeps empty fields, including a trailing one and quoted empty ones', () => {
    // Act
    const records = fields('a,,""\n,x,\n');

    // Assess
    expect(records).toEqual([
      ['a', '', ''],
      ['', 'x', ''],
    ]);
  });

  it('keeps a quote inside an unquoted field as written', () => {
    // Act
    const records = fields('size\n5" wide\n');

    // Assess
    expect(records[1]).toEqual(['5" wide']);
  });

  it('keeps spaces around fields (the mapper trims what it needs)', () => {
    // Act
    const records = fields(' a , b \n');

    // Assess
    expect(records[0]).toEqual([' a ', ' b ']);
  });

  it('returns nothing for an empty file, and one blank record for a lone line break', () => {
    // Act / Assess
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
    expect(parseCsv('\n')).toEqual([{ line: 1, fields: [''] }]);
  });

  it('reads a quoted field with UTF-8 text (Welsh and Polish names)', () => {
    // Act
    const records = fields('name\n"Siôn, Łucja"\n');

    // Assess
    expect(records[1]).toEqual(['Siôn, Łucja']);
  });
});

describe('parseCsv refuses files whose later fields would be misread', () => {
  it('names the line where a quoted field is never closed', () => {
    // Prepare
    const text = 'a,b\n1,2\n"never closed,3\n4,5\n';

    // Act
    const attempt = () => parseCsv(text);

    // Assess
    expect(attempt).toThrow(CsvSyntaxError);
    expect(attempt).toThrow(/^Line 3: a quoted field is never closed/);
  });

  it('names the line with text after a closing quote', () => {
    // Prepare
    const text = 'a,b\n"x"y,2\n';

    // Act
    let error: unknown;
    try {
      parseCsv(text);
    } catch (err) {
      error = err;
    }

    // Assess
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).line).toBe(2);
    expect((error as Error).message).toContain('written twice');
  });
});

describe('isBlankRecord', () => {
  it.each([
    { fields: [''], blank: true },
    { fields: ['', ' ', ''], blank: true },
    { fields: ['', 'x'], blank: false },
  ])('$fields → $blank', ({ fields: f, blank }) => {
    // Act / Assess
    expect(isBlankRecord({ line: 1, fields: f })).toBe(blank);
  });
});
