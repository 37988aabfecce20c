import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { trim } from '#web/render.ts';

/** Nunjucks' own filter, which the renderer replaces (same result, linear time). */
const original: unknown = new nunjucks.Environment().getFilter('trim');

const SAMPLES = [
  '',
  'plain',
  '   both ends  ',
  '\n\t <td>cell</td>\n    \n',
  'inner   spaces   stay',
  '\u00a0\ufeff\u2028 unicode white space \u3000\u2029',
  `${' '.repeat(40)}\n${'  <tr>\n      <td>x</td>\n'.repeat(50)}${' '.repeat(40)}`,
];

describe('the renderer’s trim filter', () => {
  it('gives what nunjucks’ own trim gives, for strings and SafeStrings', () => {
    expect(original).toBeTypeOf('function');
    const theirs = original as (value: unknown) => unknown;
    for (const sample of SAMPLES) {
      expect(trim(sample)).toBe(theirs(sample));
      const safe = new nunjucks.runtime.SafeString(sample);
      const ours = trim(safe);
      const expected = theirs(new nunjucks.runtime.SafeString(sample));
      expect(ours).toBeInstanceOf(nunjucks.runtime.SafeString);
      expect(expected).toBeInstanceOf(nunjucks.runtime.SafeString);
      expect(String(ours)).toBe(String(expected));
    }
  });

  it('renders through a template: the result stays escaped or safe as before', () => {
    const env = new nunjucks.Environment(null, { autoescape: true });
    env.addFilter('trim', trim);
    expect(
      env.renderString('[{{ a | trim }}][{{ b | safe | trim }}]', { a: '  <b>  ', b: '  <i>x</i>  ' }),
    ).toBe('[&lt;b&gt;][<i>x</i>]');
  });

  it('throws on no value, as nunjucks’ own does', () => {
    const theirs = original as (value: unknown) => unknown;
    expect(() => theirs(undefined)).toThrow(TypeError);
    expect(() => trim(undefined)).toThrow(TypeError);
  });
});
