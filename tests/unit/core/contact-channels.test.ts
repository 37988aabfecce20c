import { describe, expect, it } from 'vitest';
import { type ContactFacts, contactChannelsSchema, decideContactRoute } from '#core/contact-channels.ts';

/** A family who can be texted and written to, in a trust that makes letters; each row changes a few facts. */
const reachable: ContactFacts = {
  hasPhone: true,
  smsOn: true,
  optedOut: false,
  unreachable: false,
  letterOn: true,
  hasAddress: true,
  lettersEnabled: true,
};

describe('decideContactRoute', () => {
  it.each([
    { name: 'a family with a working mobile', facts: {}, expected: { route: 'sms' } },
    {
      name: 'a family with no mobile but an address',
      facts: { hasPhone: false },
      expected: { route: 'letter', noSms: 'no-phone' },
    },
    {
      name: 'a do-not-text family',
      facts: { smsOn: false },
      expected: { route: 'letter', noSms: 'sms-off' },
    },
    {
      name: 'a family who replied STOP',
      facts: { optedOut: true },
      expected: { route: 'letter', noSms: 'opted-out' },
    },
    {
      name: 'a family whose number stopped working',
      facts: { unreachable: true },
      expected: { route: 'letter', noSms: 'unreachable' },
    },
    {
      name: 'do not text and do not post',
      facts: { smsOn: false, letterOn: false },
      expected: { route: 'call', noSms: 'sms-off', noLetter: 'letter-off' },
    },
    {
      name: 'no mobile and no address',
      facts: { hasPhone: false, hasAddress: false },
      expected: { route: 'call', noSms: 'no-phone', noLetter: 'no-address' },
    },
    {
      name: 'a dead number in a trust that makes no letters',
      facts: { unreachable: true, lettersEnabled: false },
      expected: { route: 'call', noSms: 'unreachable', noLetter: 'letters-disabled' },
    },
    {
      name: 'do not post, with a working mobile (post is never needed)',
      facts: { letterOn: false, hasAddress: false },
      expected: { route: 'sms' },
    },
    {
      name: 'no phone and do not text: the missing phone is named',
      facts: { hasPhone: false, smsOn: false },
      expected: { route: 'letter', noSms: 'no-phone' },
    },
    {
      name: 'letters off for the family and no address: the family’s choice is named',
      facts: { smsOn: false, letterOn: false, hasAddress: false },
      expected: { route: 'call', noSms: 'sms-off', noLetter: 'letter-off' },
    },
  ])('$name → $expected.route', ({ facts, expected }) => {
    // Act
    const decision = decideContactRoute({ ...reachable, ...facts });

    // Assess
    expect(decision).toEqual(expected);
  });

  // Every one of the 128 combinations, against the rule said in words.
  const combinations = Array.from({ length: 2 ** 7 }, (_, n) => {
    const bit = (i: number) => (n & (1 << i)) !== 0;
    return {
      hasPhone: bit(0),
      smsOn: bit(1),
      optedOut: bit(2),
      unreachable: bit(3),
      letterOn: bit(4),
      hasAddress: bit(5),
      lettersEnabled: bit(6),
    } satisfies ContactFacts;
  });

  it('texts exactly when a phone is there, texts are on, not opted out and not unreachable', () => {
    for (const facts of combinations) {
      const canText = facts.hasPhone && facts.smsOn && !facts.optedOut && !facts.unreachable;
      expect(decideContactRoute(facts).route === 'sms', JSON.stringify(facts)).toBe(canText);
    }
  });

  it('writes only when it cannot text, the trust makes letters, post is on and there is an address', () => {
    for (const facts of combinations) {
      const canText = facts.hasPhone && facts.smsOn && !facts.optedOut && !facts.unreachable;
      const canWrite = facts.lettersEnabled && facts.letterOn && facts.hasAddress;
      expect(decideContactRoute(facts).route === 'letter', JSON.stringify(facts)).toBe(!canText && canWrite);
    }
  });

  it('never writes to a do-not-post family, and never leaves a family with no route', () => {
    for (const facts of combinations) {
      const { route } = decideContactRoute(facts);
      if (!facts.letterOn) expect(route).not.toBe('letter');
      expect(['sms', 'letter', 'call']).toContain(route);
    }
  });
});

describe('contactChannelsSchema', () => {
  it('has both channels on unless said otherwise', () => {
    // Act
    const channels = contactChannelsSchema.parse({});

    // Assess
    expect(channels).toEqual({ sms: { on: true }, letter: { on: true } });
  });

  it('keeps the reason a channel is off', () => {
    // Act
    const channels = contactChannelsSchema.parse({ letter: { on: false, reason: ' shares an address ' } });

    // Assess
    expect(channels.letter).toEqual({ on: false, reason: 'shares an address' });
  });
});
