/**
 * The 918-character cap, when the config loads: every template × type × language is rendered with long
 * sample values, and a template that can make a text over six segments fails the load, named.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '#core/config/primitives.ts';
import { LONG_DAY } from '#core/config/text-lengths.ts';
import { parseTrustConfig, TrustConfigError } from '#core/config/trust-config.ts';
import { formatDay } from '#core/local-time.ts';

type Raw = {
  templates: Record<string, Record<string, string>>;
  appointmentTypes: Record<string, { templates?: Record<string, Record<string, string>> }>;
};
const example = (): Raw => JSON.parse(readFileSync('config/trusts/example.json', 'utf8'));

function loadError(raw: Raw): string {
  try {
    parseTrustConfig(raw, 'config/trusts/example.json');
  } catch (err) {
    expect(err).toBeInstanceOf(TrustConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('a template that can make a text over six segments', () => {
  it('fails the load, naming the English template and the GSM-7 limit', () => {
    // Prepare: 900 characters of template, and a long name and venue on top
    const raw = example();
    raw.templates.en!.reminder = `{trust}: {name} {venue} ${'a'.repeat(900)}`;

    // Act
    const message = loadError(raw);

    // Assess
    expect(message).toMatch(
      /templates\.en\.reminder: The "reminder" text is \d+ GSM-7 characters, 7 segments: Attend sends at most 918 GSM-7 characters \(6 segments\)/,
    );
  });

  it('counts a Welsh template with its own letters as UCS-2, by the 402-character limit', () => {
    // Prepare: 360 characters is fine for GSM-7, but ŵ makes it UCS-2
    const raw = example();
    raw.templates.cy!.reminder = `{trust}: {name} ŵ ${'a'.repeat(360)}`;

    // Act
    const message = loadError(raw);

    // Assess
    expect(message).toMatch(/templates\.cy\.reminder: .* UCS-2 characters .*at most 402 UCS-2 characters/);
  });

  it('names a type’s own template where that is the one too long', () => {
    // Prepare
    const raw = example();
    raw.appointmentTypes.clinic!.templates = { en: { offer: `{trust}: {type} ${'a'.repeat(900)}` } };

    // Act
    const message = loadError(raw);

    // Assess
    expect(message).toContain('appointmentTypes.clinic.templates.en.offer: The "offer" text is');
    expect(message).not.toMatch(/^ {2}templates\.en\.offer:/m);
  });

  it('passes every shipped template', () => {
    // Act / Assess
    expect(() => parseTrustConfig(example())).not.toThrow();
  });
});

describe('LONG_DAY, the day the check writes into every template', () => {
  it.each(LANGUAGES)('is at least as long as any day formatDay writes in %s', (language) => {
    // Prepare
    const days = Array.from({ length: 366 }, (_, i) =>
      formatDay(new Date(Date.UTC(2026, 0, 1, 12) + i * 86_400_000), 'Europe/London', language),
    );

    // Act
    const longest = Math.max(...days.map((d) => d.length));

    // Assess
    expect(longest).toBeLessThanOrEqual(LONG_DAY.length);
  });
});
