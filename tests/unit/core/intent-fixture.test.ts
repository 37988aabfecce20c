/**
 * parseReply over the replies fixture (tests/fixtures/replies.json): every row's intent, reference,
 * language and reason, and what the fixture must cover.
 */
import { describe, expect, it } from 'vitest';
import { CANCEL_REASONS, INTENTS, parseReply, REPLY_LANGUAGES } from '#core/intent.ts';
import { replies } from '#tests/support/replies.ts';

describe('the replies fixture', () => {
  it('covers every intent and language, with plenty of free text', () => {
    // Prepare
    const count = (predicate: (row: (typeof replies)[number]) => boolean) => replies.filter(predicate).length;

    // Assess
    expect(replies.length).toBeGreaterThanOrEqual(180);
    expect(count((r) => r.intent === 'FREE_TEXT')).toBeGreaterThanOrEqual(30);
    for (const intent of INTENTS)
      expect(
        count((r) => r.intent === intent),
        intent,
      ).toBeGreaterThan(0);
    for (const language of REPLY_LANGUAGES) {
      expect(
        count((r) => r.language === language),
        language,
      ).toBeGreaterThanOrEqual(15);
    }
    expect(new Set(replies.map((r) => r.body)).size).toBe(replies.length);
  });

  it('has every intent in Nepali, and negations, questions, typos and codes', () => {
    // Prepare
    const nepali = replies.filter((r) => r.language === 'ne');

    // Assess
    expect(nepali.length).toBeGreaterThanOrEqual(30);
    for (const intent of INTENTS)
      expect(
        nepali.some((r) => r.intent === intent),
        intent,
      ).toBe(true);
    for (const kind of ['negat', 'typo', '?']) {
      expect(
        nepali.some((r) => (r.note ?? r.body).includes(kind) || r.body.includes(kind)),
        kind,
      ).toBe(true);
    }
    expect(nepali.some((r) => r.ref !== undefined)).toBe(true);
  });

  it('has reasons in every language, and every reason', () => {
    for (const language of REPLY_LANGUAGES) {
      expect(
        replies.filter((r) => r.language === language && r.reason !== undefined).length,
        language,
      ).toBeGreaterThanOrEqual(3);
    }
    for (const reason of CANCEL_REASONS)
      expect(
        replies.some((r) => r.reason === reason),
        reason,
      ).toBe(true);
  });
});

describe('parseReply over the fixture', () => {
  it.each(replies)('$intent ← $body', ({ body, intent, ref, language, reason }) => {
    // Act
    const parsed = parseReply(body);

    // Assess
    expect(parsed.intent).toBe(intent);
    expect(parsed.ref).toBe(ref);
    expect(parsed.reason).toBe(reason);
    if (intent === 'FREE_TEXT') {
      expect(parsed.match).toBe('none');
      expect(parsed.language).toBeUndefined();
    } else {
      expect(parsed.match).not.toBe('none');
      expect(parsed.language).toBe(language);
    }
  });
});
