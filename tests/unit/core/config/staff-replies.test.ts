import { describe, expect, it } from 'vitest';
import { STAFF_REPLIES_DEFAULTS, staffRepliesSection } from '#core/config/staff-replies.ts';
import { staffReplyKeys, staffReplyTemplate } from '#core/staff-replies.ts';
import { exampleConfig } from '#tests/support/dynamo.ts';

describe('staffReplies config', () => {
  it('defaults to the three replies that used to be in code, in their order', () => {
    expect(staffRepliesSection.parse(undefined)).toEqual(STAFF_REPLIES_DEFAULTS);
    expect(staffReplyKeys(exampleConfig)).toEqual(['will-call', 'call-us', 'noted']);
    expect(staffReplyTemplate(exampleConfig, 'call-us', 'pl')).toBe(
      `Thank you for your message. Please call us on ${exampleConfig.servicePhone} and we will help. ${exampleConfig.shortName}`,
    );
  });

  it('refuses a reply with no English text, an unknown placeholder, a bad key and an empty set', () => {
    const bad = (value: unknown) => staffRepliesSection.safeParse(value).success;
    expect(bad({ ok: { label: 'OK', texts: { cy: 'Diolch' } } })).toBe(false);
    expect(bad({ ok: { label: 'OK', texts: { en: 'Thanks {name}' } } })).toBe(false);
    expect(bad({ 'Not OK': { label: 'OK', texts: { en: 'Thanks' } } })).toBe(false);
    expect(bad({})).toBe(false);
    expect(bad({ ok: { label: 'OK', texts: { en: 'Thanks {trust}', cy: 'Diolch {trust}' } } })).toBe(true);
  });

  it('picks the family’s language, its base language, then English', () => {
    const config = {
      ...exampleConfig,
      staffReplies: { ok: { label: 'OK', texts: { en: 'Thanks {trust}', cy: 'Diolch {trust}' } } },
    };
    expect(staffReplyTemplate(config, 'ok', 'cy')).toBe(`Diolch ${exampleConfig.shortName}`);
    expect(staffReplyTemplate(config, 'ok', 'cy-GB')).toBe(`Diolch ${exampleConfig.shortName}`);
    expect(staffReplyTemplate(config, 'ok', 'ro')).toBe(`Thanks ${exampleConfig.shortName}`);
    expect(staffReplyTemplate(config, 'missing', 'en')).toBeUndefined();
  });
});
