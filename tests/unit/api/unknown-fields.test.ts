import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { unknownFields } from '#api/unknown-fields.ts';

const client = z.object({
  firstName: z.string(),
  phone: z.string().optional(),
  address: z.object({ lines: z.array(z.string()), postcode: z.string() }).optional(),
  children: z.array(z.object({ name: z.string() })).default([]),
});

const fields = (schema: z.ZodType, value: unknown) => unknownFields(schema, value).map((f) => f.field);

describe('unknownFields', () => {
  it('names a misspelt top-level field, with the fields the object knows', () => {
    const found = unknownFields(client, { firstname: 'Amelia', phone: '07700 900601' });

    expect(found).toEqual([{ field: 'firstname', known: ['address', 'children', 'firstName', 'phone'] }]);
  });

  it('names __proto__ and constructor as unknown fields, as JSON.parse gives them (own keys)', () => {
    const body = JSON.parse(
      '{"firstName":"A","__proto__":{"admin":true},"address":{"lines":[],"postcode":"ME14 1AA","constructor":{"prototype":{}}}}',
    ) as unknown;

    expect(fields(client, body)).toEqual(['__proto__', 'address.constructor']);
  });

  it('finds unknown fields inside nested objects and array elements, by dotted path', () => {
    const value = {
      firstName: 'Amelia',
      address: { lines: ['1 High St'], postcode: 'CT1 1AA', line4: 'x' },
      children: [{ name: 'Leo' }, { nmae: 'Osian' }],
    };

    expect(fields(client, value)).toEqual(['address.line4', 'children.1.nmae']);
  });

  it('knows a key when any option of a union knows it, and reports one no option knows', () => {
    const clock = z.union([z.object({ now: z.string() }), z.object({ advance: z.string() })]);

    expect(fields(clock, { advance: 'P2D' })).toEqual([]);
    expect(fields(clock, { advance: 'P2D', by: 'me' })).toEqual(['by']);
  });

  it('reads through pipes, optional and nullable wrappers', () => {
    const schema = z
      .object({ a: z.object({ b: z.number() }).nullable().optional() })
      .transform((v) => v)
      .pipe(z.object({ a: z.any() }));

    expect(fields(schema, { a: { b: 1, c: 2 } })).toEqual(['a.c']);
    expect(fields(schema, { a: null })).toEqual([]);
  });

  it('accepts anything under a loose object, a record or an untyped field', () => {
    const schema = z.object({
      loose: z.looseObject({ x: z.string() }),
      map: z.record(z.string(), z.number()),
      anything: z.unknown(),
    });

    expect(fields(schema, { loose: { x: 'a', y: 1 }, map: { k: 1 }, anything: { deep: { er: 1 } } })).toEqual(
      [],
    );
  });

  it('reports nothing for a value that is not an object (the schema then refuses it with its own error)', () => {
    expect(fields(client, 'text')).toEqual([]);
    expect(fields(client, null)).toEqual([]);
  });
});
