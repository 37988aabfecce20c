import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_KEYS } from '#core/config/templates.ts';
import { parseTrustConfig, type TrustConfig } from '#core/config/trust-config.ts';
import { TextTooLongError } from '#core/errors.ts';
import { formatDay } from '#core/local-time.ts';
import { appointmentTypeName, renderTemplate, renderText, templateFor } from '#core/templates.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';

const example = loadTrustConfig('example');

/** example.json with per-type overrides layered on, so every step of the fallback order can be seen. */
function aConfigWithTypeOverrides(): TrustConfig {
  const raw = JSON.parse(readFileSync('config/trusts/example.json', 'utf8'));
  raw.appointmentTypes.clinic.templates = {
    cy: { reminder: 'clinic-cy-reminder' },
    en: { reminder: 'clinic-en-reminder', notUnderstood: 'clinic-en-notUnderstood' },
  };
  return parseTrustConfig(raw, 'test config');
}

describe('renderTemplate', () => {
  it('fills every placeholder, however often it appears', () => {
    // Prepare
    const template = '{name}: {day} at {time}. Bye {name}.';

    // Act
    const text = renderTemplate(template, { name: 'Ava', day: 'Thu 3 Dec', time: '10:30' });

    // Assess
    expect(text).toBe('Ava: Thu 3 Dec at 10:30. Bye Ava.');
  });

  it('leaves braces inside a value as written rather than filling them again', () => {
    // Act
    const text = renderTemplate('Hello {name}', { name: '{ref}' });

    // Assess
    expect(text).toBe('Hello {ref}');
  });

  it('refuses to send a text with a hole in it, naming the placeholder', () => {
    // Act / Assess
    expect(() => renderTemplate('Ref {ref}, {name}', { name: 'Ava' })).toThrow(
      'Template placeholder {ref} has no value',
    );
  });

  it('refuses a placeholder that is not in TEMPLATE_PLACEHOLDERS', () => {
    // Act / Assess
    expect(() => renderTemplate('Hi {nickname}', { name: 'Ava' })).toThrow(
      'Template has an unknown placeholder {nickname}',
    );
  });
});

describe('templateFor', () => {
  const config = aConfigWithTypeOverrides();

  it.each([
    {
      step: "the type's override in the language",
      key: 'reminder',
      language: 'cy',
      typeId: 'clinic',
      text: 'clinic-cy-reminder',
      used: 'cy',
    },
    {
      step: "the trust's template in the language",
      key: 'reminder',
      language: 'cy',
      typeId: 'antenatal',
      text: config.templates.cy?.reminder,
      used: 'cy',
    },
    {
      step: "the trust's template in the language, before the type's English",
      key: 'reminder',
      language: 'pl',
      typeId: 'clinic',
      text: config.templates.pl?.reminder,
      used: 'pl',
    },
    {
      step: "the type's English override",
      key: 'notUnderstood',
      language: 'cy',
      typeId: 'clinic',
      text: 'clinic-en-notUnderstood',
      used: 'en',
    },
    {
      step: "the trust's English",
      key: 'offer',
      language: 'ro',
      typeId: 'clinic',
      text: config.templates.en?.offer,
      used: 'en',
    },
    {
      step: "the trust's English for an unknown language",
      key: 'reminder',
      language: 'fr',
      typeId: undefined,
      text: config.templates.en?.reminder,
      used: 'en',
    },
    {
      step: 'the base language of a regional tag',
      key: 'help',
      language: 'pl-PL',
      typeId: undefined,
      text: config.templates.pl?.help,
      used: 'pl',
    },
  ] as const)('falls back to $step', ({ key, language, typeId, text, used }) => {
    // Act
    const found = templateFor(config, key, language, typeId);

    // Assess
    expect(found).toEqual({ text, language: used });
  });

  it('refuses an unknown appointment type', () => {
    // Act / Assess
    expect(() => templateFor(config, 'reminder', 'en', 'nope')).toThrow('Unknown appointment type "nope"');
  });
});

describe('appointmentTypeName', () => {
  it.each([
    { typeId: 'clinic', language: 'en', expected: 'child health clinic' },
    { typeId: 'clinic', language: 'pl', expected: 'przychodnia dziecięca' },
    { typeId: 'six-to-eight-week-review', language: 'ro', expected: 'control 6-8 săptămâni' },
    { typeId: 'clinic', language: 'cy-GB', expected: 'clinig iechyd plant' },
    { typeId: 'clinic', language: 'fr', expected: 'child health clinic' },
  ])('$typeId in $language is "$expected"', ({ typeId, language, expected }) => {
    // Act
    const name = appointmentTypeName(example, typeId, language);

    // Assess
    expect(name).toBe(expected);
  });

  it('refuses an unknown appointment type', () => {
    // Act / Assess
    expect(() => appointmentTypeName(example, 'nope', 'en')).toThrow('Unknown appointment type "nope"');
  });
});

describe('renderText', () => {
  const vars = { name: 'Ava', day: 'Thu 3 Dec', time: '10:30', venue: 'Riverside Centre', ref: '4821' };

  it('fills the trust, service phone and type name from config', () => {
    // Act
    const text = renderText(example, { key: 'cancelConfirmed', language: 'en', typeId: 'clinic', vars });

    // Assess
    expect(text).toEqual({
      body: "ECHT: thank you, Ava's child health clinic on Thu 3 Dec at 10:30 is cancelled. Reply REBOOK or call 0300 123 4024 to book a new time.",
      language: 'en',
      encoding: 'GSM-7',
      units: 133,
      segments: 1,
      perSegment: 160,
      characters: 133,
    });
  });

  it('lets the caller override a value it would otherwise fill', () => {
    // Act
    const text = renderText(example, {
      key: 'rebookRequested',
      language: 'en',
      typeId: 'clinic',
      vars: { ...vars, type: 'visit', trust: 'Health visiting' },
    });

    // Assess
    expect(text.body).toBe(
      "Health visiting: thanks, we will text you a new time for Ava's visit soon. Call 0300 123 4024 if it is urgent.",
    );
  });

  it('writes the type name in English when the text itself falls back to English', () => {
    // Prepare: there is no Welsh "offer" template, so a Welsh family gets the English one.
    const offerVars = { day: 'Thu 3 Dec', time: '10:30', venue: 'Riverside Centre', holdMinutes: '60' };

    // Act
    const text = renderText(example, { key: 'offer', language: 'cy', typeId: 'clinic', vars: offerVars });

    // Assess
    expect(text).toMatchObject({
      language: 'en',
      body: 'ECHT: a child health clinic is free on Thu 3 Dec at 10:30, Riverside Centre. Reply YES to take it or NO to pass. Offer held 60 min.',
    });
  });

  it('refuses when a value the template needs is missing', () => {
    // Act / Assess
    expect(() =>
      renderText(example, { key: 'reminder', language: 'en', typeId: 'clinic', vars: { name: 'Ava' } }),
    ).toThrow('Template placeholder {day} has no value');
  });

  it('shows a Polish text with proper diacritics as UCS-2 and what it costs', () => {
    // Prepare
    const polish = {
      ...vars,
      name: 'Zofia',
      day: formatDay('2026-12-03T10:30:00.000Z', 'Europe/London', 'pl'),
    };

    // Act
    const text = renderText(example, { key: 'confirmation', language: 'pl', typeId: 'clinic', vars: polish });

    // Assess
    expect(text).toEqual({
      body: 'ECHT: umówiony termin: przychodnia dziecięca (Zofia), czw. 3 gru o 10:30, Riverside Centre. Nr 4821. Odpisz ANULUJ, jeśli nie możesz przyjść.',
      language: 'pl',
      encoding: 'UCS-2',
      units: 141,
      segments: 3,
      perSegment: 67,
      characters: 141,
    });
  });

  it('shows a Romanian text with proper diacritics as UCS-2 and what it costs', () => {
    // Prepare
    const romanian = {
      ...vars,
      name: 'Sofia',
      day: formatDay('2026-12-03T10:30:00.000Z', 'Europe/London', 'ro'),
    };

    // Act
    const text = renderText(example, { key: 'help', language: 'ro', vars: romanian });

    // Assess
    expect(text).toEqual({
      body: 'ECHT vizite de sănătate. Sunați la 0300 123 4024. Răspundeți ANULARE pentru a anula, STOP pentru a opri mesajele.',
      language: 'ro',
      encoding: 'UCS-2',
      units: 113,
      segments: 2,
      perSegment: 67,
      characters: 113,
    });
  });
});

describe('renderText sanitises every value (issue 9, item 8)', () => {
  const vars = { day: 'Thu 3 Dec', time: '10:30', venue: 'Riverside Centre', ref: '4821' };

  it.each([
    { what: 'a no-break space (U+00A0)', name: 'Anne\u00a0Marie', written: 'Anne Marie' },
    { what: 'a non-breaking hyphen (U+2011)', name: 'Anne\u2011Marie', written: 'Anne-Marie' },
    { what: 'a modifier-letter apostrophe (U+02BC)', name: 'O\u02bcBrien', written: "O'Brien" },
    { what: 'a zero-width space (U+200B)', name: 'Ava\u200b', written: 'Ava' },
    { what: 'an emoji', name: 'Ava 😊', written: 'Ava ' },
  ])('keeps a reminder with $what in the name to one GSM-7 segment', ({ name, written }) => {
    // Act
    const text = renderText(example, {
      key: 'reminder',
      language: 'en',
      typeId: 'clinic',
      vars: { ...vars, name },
    });

    // Assess
    expect(text).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(text.body).toContain(`${written}'s child health clinic`);
  });

  it('sanitises the venue and the values config fills in too', () => {
    // Act
    const text = renderText(example, {
      key: 'reminder',
      language: 'en',
      typeId: 'clinic',
      vars: { ...vars, name: 'Ava', venue: 'St\u00a0Mary\u2019s \u2013 Hall' },
    });

    // Assess
    expect(text.body).toContain("St Mary's - Hall");
    expect(text.encoding).toBe('GSM-7');
  });

  it('keeps a Welsh name’s letters in a Welsh text, and writes them plainly in an English one', () => {
    // Act
    const welsh = renderText(example, {
      key: 'reminder',
      language: 'cy',
      typeId: 'clinic',
      vars: { ...vars, name: 'Siân' },
    });
    const english = renderText(example, {
      key: 'reminder',
      language: 'en',
      typeId: 'clinic',
      vars: { ...vars, name: 'Siân' },
    });

    // Assess
    expect(welsh.body).toContain('Siân');
    expect(welsh.encoding).toBe('UCS-2');
    expect(english.body).toContain("Sian's");
    expect(english.encoding).toBe('GSM-7');
  });

  it('refuses a text over 918 GSM-7 characters (6 segments), saying how long it is', () => {
    // Prepare
    const choices = 'x'.repeat(900);

    // Act
    const render = () => renderText(example, { key: 'chooseBooking', language: 'en', vars: { choices } });

    // Assess
    expect(render).toThrow(TextTooLongError);
    expect(render).toThrow(
      'The "chooseBooking" text is 942 GSM-7 characters, 7 segments: Attend sends at most 918 GSM-7 characters (6 segments).',
    );
  });

  it('counts a UCS-2 text by its own limit: 402 characters is six segments', () => {
    // Prepare: the template's own words are 42 characters; a Cyrillic value makes it UCS-2
    const fits = 'Д'.repeat(402 - 42);
    const over = 'Д'.repeat(403 - 42);

    // Act
    const ok = renderText(example, { key: 'chooseBooking', language: 'en', vars: { choices: fits } });
    const refused = () =>
      renderText(example, { key: 'chooseBooking', language: 'en', vars: { choices: over } });

    // Assess
    expect(ok).toMatchObject({ encoding: 'UCS-2', units: 402, segments: 6 });
    expect(refused).toThrow(/403 UCS-2 characters .*, 7 segments: Attend sends at most 402 UCS-2 characters/);
  });
});

describe('the reminders read differently, in every language (issue 9, item 15)', () => {
  const vars = { name: 'Ava', day: 'Thu 3 Dec', time: '14:30', venue: 'Riverside Centre', ref: '4821' };

  it.each([
    {
      language: 'en',
      today: 'today at 14:30',
      tomorrow: 'tomorrow at 14:30',
      other: 'on Thu 3 Dec at 14:30',
    },
    { language: 'cy', today: 'heddiw am 14:30', tomorrow: 'yfory am 14:30', other: 'ar Thu 3 Dec am 14:30' },
    { language: 'pl', today: 'dziś o 14:30', tomorrow: 'jutro o 14:30', other: 'Thu 3 Dec o 14:30' },
    { language: 'ro', today: 'astăzi la', tomorrow: 'mâine la', other: 'Thu 3 Dec, ora 14:30' },
  ])('$language: "$today", "$tomorrow", and the day named', ({ language, today, tomorrow, other }) => {
    // Act
    const [onTheDay, dayBefore, earlier] = (['reminderToday', 'reminderTomorrow', 'reminder'] as const).map(
      (key) => renderText(example, { key, language, typeId: 'clinic', vars }),
    );

    // Assess
    expect(onTheDay).toMatchObject({ language, body: expect.stringContaining(today) });
    expect(dayBefore).toMatchObject({ language, body: expect.stringContaining(tomorrow) });
    expect(earlier).toMatchObject({ language, body: expect.stringContaining(other) });
    expect(new Set([onTheDay?.body, dayBefore?.body, earlier?.body]).size).toBe(3);
  });
});

describe('the English templates in config/trusts/example.json', () => {
  const englishName = (typeId: string) => appointmentTypeName(example, typeId, 'en');
  const [longestTypeId = ''] = Object.keys(example.appointmentTypes).sort(
    (x, y) => englishName(y).length - englishName(x).length,
  );

  // Long but realistic values: a hyphenated 14-character first name, a 32-character venue, the widest
  // English day. {choices} is written the way the reply handler should list a family's bookings when a
  // bare CANCEL could mean either: one "KEYWORD ref" per booking with the child and the time, so the
  // parent can copy the words back and the reference code settles which booking is meant.
  const longVars = {
    name: 'Anastasia-Rose',
    venue: "St Mary's Church Hall, Maidstone",
    day: 'Wed 30 Sep',
    time: '14:30',
    ref: '4821',
    holdMinutes: '120',
    choices:
      'Reply CANCEL 4821 for Anastasia-Rose on Wed 30 Sep 14:30 or CANCEL 4822 for Oliver on Thu 1 Oct 09:15.',
  };

  it('are tested with the longest English type name in the config and a 32-character venue', () => {
    // Act
    const name = englishName(longestTypeId);

    // Assess
    expect({ name, venue: longVars.venue.length }).toEqual({ name: '6-8 week baby review', venue: 32 });
  });

  it.each(TEMPLATE_KEYS)('"%s" fits one GSM-7 segment with long names and venues', (key) => {
    // Act
    const text = renderText(example, { key, language: 'en', typeId: longestTypeId, vars: longVars });

    // Assess
    expect(text).toMatchObject({ language: 'en', encoding: 'GSM-7', segments: 1 });
    expect(text.units).toBeLessThanOrEqual(160);
  });

  it.each(TEMPLATE_KEYS)(
    '"%s" still fits one GSM-7 segment when the name and venue carry look-alikes',
    (key) => {
      // Prepare: as word processors and EPRs write them
      const lookalikes = {
        ...longVars,
        name: 'Anastasia\u2011Rose',
        venue: 'St\u00a0Mary\u02bcs Church Hall, Maidstone',
      };

      // Act
      const text = renderText(example, { key, language: 'en', typeId: longestTypeId, vars: lookalikes });

      // Assess
      expect(text).toMatchObject({ language: 'en', encoding: 'GSM-7', segments: 1 });
    },
  );
});
