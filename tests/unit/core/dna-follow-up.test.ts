import { describe, expect, it } from 'vitest';
import { dnaFollowUpSection } from '#core/config/dna-follow-up.ts';
import { readDnaAnswer } from '#core/dna-answer.ts';
import { DNA_ANSWERS, dnaFollowUpText } from '#core/dna-follow-up.ts';
import { exampleConfig } from '#tests/support/dynamo.ts';

describe('the after-DNA question', () => {
  it('is off by default, and off in the example trust', () => {
    expect(dnaFollowUpSection.parse(undefined).enabled).toBe(false);
    expect(exampleConfig.dnaFollowUp.enabled).toBe(false);
    expect(exampleConfig.dnaFollowUp.afterWnb).toBe(false);
  });

  it('is one GSM-7 segment in English, with a short name of up to 12 characters', () => {
    for (const shortName of [exampleConfig.shortName, 'Kent CHFT NHS']) {
      const text = dnaFollowUpText({ ...exampleConfig, shortName: shortName.slice(0, 12) }, 'en');
      expect(text.encoding, text.body).toBe('GSM-7');
      expect(text.segments, text.body).toBe(1);
    }
    expect(dnaFollowUpText(exampleConfig, 'en').body).toBe(
      `${exampleConfig.shortName}: sorry we missed you. If you can, tell us why. Reply 1 work, 2 childcare, 3 transport, 4 unwell, 5 forgot, 6 other`,
    );
  });

  it('is in the family’s language, and English where the trust has no text in it', () => {
    expect(dnaFollowUpText(exampleConfig, 'cy')).toMatchObject({ language: 'cy' });
    expect(dnaFollowUpText(exampleConfig, 'cy').body).toContain('1 gwaith, 2 gofal plant');
    expect(dnaFollowUpText(exampleConfig, 'pl-PL')).toMatchObject({ language: 'pl' });
    expect(dnaFollowUpText(exampleConfig, 'pl').body).toContain('2 opieka nad dziećmi');
    expect(dnaFollowUpText(exampleConfig, 'ne')).toMatchObject({ language: 'en' });
  });

  it('refuses a trust text with no English or with an unknown placeholder', () => {
    const parse = (texts: unknown) => dnaFollowUpSection.safeParse({ enabled: true, texts }).success;
    expect(parse({ cy: 'Atebwch 1' })).toBe(false);
    expect(parse({ en: 'Hi {name}, reply 1' })).toBe(false);
    expect(parse({ en: '{trust}: why? Reply 1 work' })).toBe(true);
  });
});

describe('reading an answer to the after-DNA question', () => {
  it.each([
    ['1', 'work'],
    ['2', 'childcare'],
    [' 3 ', 'transport'],
    ['4.', 'unwell'],
    ['5!', 'forgot'],
    ['6', 'other'],
    ['Option 2', 'childcare'],
    ['number 3 please', 'transport'],
    ['2 childcare', 'childcare'],
    ['2) childcare sorry', 'childcare'],
  ] as const)('reads %j as %s', (body, reason) => {
    expect(readDnaAnswer(body)).toBe(reason);
  });

  it.each([
    ['transport', 'transport'],
    ['childcare', 'childcare'],
    ['missed the bus', 'transport'],
    ['cant get there no bus', 'transport'],
    ['baby was poorly', 'unwell'],
  ] as const)('reads the words %j as %s', (body, reason) => {
    expect(readDnaAnswer(body)).toBe(reason);
  });

  it.each([['0'], ['7'], ['12'], ['1 and 3'], ['2 missed the bus'], ['hello'], ['can you call me'], ['']])(
    'leaves %j for staff',
    (body) => {
      expect(readDnaAnswer(body)).toBeUndefined();
    },
  );

  it('numbers the answers in the order the English question lists them', () => {
    const body = dnaFollowUpText(exampleConfig, 'en').body;
    const listed = [...body.matchAll(/(\d) (\w+)/g)].map((m) => [Number(m[1]), m[2]]);
    expect(listed.map(([n]) => n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(listed.map(([, word]) => word)).toEqual([
      'work',
      'childcare',
      'transport',
      'unwell',
      'forgot',
      'other',
    ]);
    expect(DNA_ANSWERS).toEqual(['work', 'childcare', 'transport', 'unwell', 'forgot', 'other']);
  });
});
