/** A trust's own keywords (config `replies.keywords`), merged over the lexicons. */
import { describe, expect, it } from 'vitest';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { BUILT_IN_KEYWORDS, type KeywordTable, parseReply } from '#core/intent.ts';

describe('per-trust extra keywords', () => {
  const urdu: KeywordTable = {
    ur: { CANCEL: ['mansookh', 'mansookh karo'], YES: ['haan', 'ji haan'], NO: ['nahin'] },
  };

  it('adds a new language, with its own language code', () => {
    expect(parseReply('mansookh', urdu)).toEqual({ intent: 'CANCEL', language: 'ur', match: 'keyword' });
    expect(parseReply('Mansookh karo 4821', urdu)).toEqual({
      intent: 'CANCEL',
      language: 'ur',
      match: 'keyword',
      ref: '4821',
    });
    expect(parseReply('Ji haan', urdu)).toMatchObject({ intent: 'YES', language: 'ur' });
    expect(parseReply('nahin', urdu)).toMatchObject({ intent: 'NO', language: 'ur' });
  });

  it('applies the same rules to trust keywords: typos, negation, greetings', () => {
    expect(parseReply('mansook', urdu)).toEqual({ intent: 'CANCEL', language: 'ur', match: 'fuzzy' });
    expect(parseReply("don't mansookh", urdu).intent).toBe('FREE_TEXT');
    expect(parseReply('Hi, mansookh please. Thanks, Ayesha', urdu).intent).toBe('CANCEL');
  });

  it('keeps the built-in keywords working alongside the extras', () => {
    expect(parseReply('cancel', urdu)).toMatchObject({ intent: 'CANCEL', language: 'en' });
    expect(parseReply('Canslo', urdu)).toMatchObject({ intent: 'CANCEL', language: 'cy' });
  });

  it('adds a new spelling to a built-in language', () => {
    // Prepare
    const welsh: KeywordTable = { cy: { CANCEL: ['dileu'] } };

    // Act
    const parsed = parseReply('Dileu plis', welsh);

    // Assess
    expect(parsed).toEqual({ intent: 'CANCEL', language: 'cy', match: 'keyword' });
    expect(parseReply('Dileu plis').intent).toBe('FREE_TEXT');
    expect(parseReply('Aildrefnu', welsh).intent).toBe('REBOOK');
  });

  it('adds an opt-out word, still exact-only', () => {
    const table: KeywordTable = { en: { STOP: ['end'] } };
    expect(parseReply('END', table).intent).toBe('STOP');
    expect(parseReply('ned', table).intent).toBe('FREE_TEXT');
    expect(parseReply('the end of the road', table).intent).toBe('FREE_TEXT');
  });

  it('moves a word to the intent the trust gives it within that language', () => {
    const table: KeywordTable = { en: { HELP: ['change'] } };
    expect(parseReply('change', table).intent).toBe('HELP');
    expect(parseReply('newid', table).intent).toBe('REBOOK');
  });

  it('leaves the built-in table and later calls untouched', () => {
    // Prepare
    const before = JSON.stringify(BUILT_IN_KEYWORDS);

    // Act
    parseReply('mansookh', urdu);
    parseReply('END', { en: { STOP: ['end'] } });

    // Assess
    expect(JSON.stringify(BUILT_IN_KEYWORDS)).toBe(before);
    expect(Object.isFrozen(BUILT_IN_KEYWORDS.en?.CANCEL)).toBe(true);
    expect(parseReply('mansookh').intent).toBe('FREE_TEXT');
    expect(parseReply('END').intent).toBe('FREE_TEXT');
  });

  it("accepts a trust config's replies.keywords as it is", () => {
    const fromConfig: TrustConfig['replies']['keywords'] = {};
    expect(parseReply('cancel', fromConfig).intent).toBe('CANCEL');
  });
});

describe('per-trust keywords in the reading of their language', () => {
  it('join the reading of their language, and its rules apply to them', () => {
    // Prepare: a regional tag joins Polish; its negation and politeness come with it.
    const table = { 'pl-PL': { CANCEL: ['skasuj'] }, ne: { CANCEL: ['kyansil'] } };

    // Act and assess
    expect(parseReply('Skasuj, dziękuję', table)).toMatchObject({ intent: 'CANCEL', language: 'pl-PL' });
    expect(parseReply('nie skasuj', table).intent).toBe('FREE_TEXT');
    expect(parseReply('kyansil gardinus', table)).toMatchObject({ intent: 'CANCEL', language: 'ne' });
    expect(parseReply('kyansil nagarnus', table).intent).toBe('FREE_TEXT');
    expect(parseReply('radda', table)).toMatchObject({ intent: 'CANCEL', language: 'ne' });
  });
});
