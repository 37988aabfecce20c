import { describe, expect, it } from 'vitest';
import { BUILT_IN_KEYWORDS, INTENTS, parseReply, REPLY_LANGUAGES } from '#core/intent.ts';

describe('negation', () => {
  it.each([
    "don't cancel",
    'do not cancel',
    'No, please do not cancel',
    "I don't want to cancel it",
    'no need to cancel',
    "I can't cancel",
    "don't rebook",
    "Please don't change the time",
    "don't stop texting me",
    'nie odwołuj',
    'Nu anulați vă rog',
    'Dwi ddim eisiau canslo',
  ])('"%s" is FREE_TEXT, so a person reads it', (body) => {
    expect(parseReply(body)).toEqual({ intent: 'FREE_TEXT', match: 'none' });
  });

  it.each([
    'no I cant make it',
    'No, can’t come',
    'No. Cancel please',
    'no cancel',
    'Nie, nie mogę przyjść',
    'Nu, nu pot veni',
  ])('"%s" is CANCEL: the no introduces the cancellation', (body) => {
    expect(parseReply(body).intent).toBe('CANCEL');
  });

  it('treats hedged actions as FREE_TEXT', () => {
    for (const body of [
      'I might need to cancel',
      'maybe cancel?',
      'Probably going to have to cancel',
      "thinking of cancelling, I'll let you know",
      'Efallai bydd rhaid canslo',
      'Chyba muszę odwołać',
      'Poate anulez',
    ]) {
      expect(parseReply(body).intent, body).toBe('FREE_TEXT');
    }
  });
});

describe('reference codes', () => {
  it.each([
    ['CANCEL 4821', '4821'],
    ['4821 cancel', '4821'],
    ['ref:4821', '4821'],
    ['REF4821 cancel', '4821'],
    ['#4821', '4821'],
    ['cancel (4821)', '4821'],
    ['cancel 2026', '2026'],
    ['cancel 0123', '0123'],
    ['cancel 4821. 10:30 is no good', '4821'],
    ['cancel 10:30 ref 4821', '4821'],
  ])('"%s" has ref %s', (body, ref) => {
    expect(parseReply(body).ref).toBe(ref);
  });

  it.each([
    'cancel 10:30',
    'cancel 10.30',
    'cancel 1030am',
    'cancel 1030 am',
    'cancel at 1400hrs',
    'cancel 3/12',
    'cancel 03/12/2026',
    'cancel 2026-12-03',
    'cancel 3rd March 2026',
    'cancel March 3, 2026',
    'cancel 12 grudnia 2026',
    'call 07700 900123',
    'call 07700900123',
    'call +44 7700 900123',
    'call 0161 496 0000',
    'call (0161) 496 0000',
    'cancel 12345',
    'cancel 482',
    'costs £1000',
    'Sent from my iPhone 15',
  ])('"%s" has no ref', (body) => {
    expect(parseReply(body).ref).toBeUndefined();
  });

  it('keeps the first of several refs', () => {
    expect(parseReply('cancel 4821 not 4822').ref).toBe('4821');
  });

  it('takes a ref next to a phone number without taking the phone number', () => {
    expect(parseReply('07700 900123 4821 cancel').ref).toBe('4821');
  });
});

describe('fuzzy matching', () => {
  it.each([
    'cancle',
    'cansel',
    'ancel',
    'cancell',
    'cnacel',
    'Cancle pls',
    'reshedule',
    'rebok',
    'anulju',
    'canslon',
  ])('"%s" matches by edit distance', (body) => {
    const parsed = parseReply(body);
    expect(parsed.match).toBe('fuzzy');
    expect(['CANCEL', 'REBOOK']).toContain(parsed.intent);
  });

  it('never fuzzy-matches words of three letters or fewer', () => {
    for (const body of ['yo', 'np', 'ye', 'ys', 'yas', 'noe', 'nq', 'k']) {
      expect(parseReply(body).intent, body).toBe('FREE_TEXT');
    }
  });

  it('never fuzzy-matches the STOP or START family', () => {
    for (const body of ['Step', 'stpo', 'stopp', 'sotp', 'unsubscibe', 'stat', 'strat', 'unstopp']) {
      expect(parseReply(body).intent, body).toBe('FREE_TEXT');
    }
  });

  it('only applies to replies of one or two words', () => {
    expect(parseReply('cancle please').intent).toBe('CANCEL');
    expect(parseReply('cancle my appointment').intent).toBe('FREE_TEXT');
  });

  it('leaves real words near a keyword alone', () => {
    for (const body of ['cancer', 'Candle', 'except', 'chance', 'accent']) {
      expect(parseReply(body).intent, body).toBe('FREE_TEXT');
    }
  });

  it('folds doubled and elongated letters as emphasis, except for STOP', () => {
    expect(parseReply('yess')).toMatchObject({ intent: 'YES', match: 'fuzzy' });
    expect(parseReply('noo')).toMatchObject({ intent: 'NO', match: 'fuzzy' });
    expect(parseReply('Nooooo')).toMatchObject({ intent: 'NO', match: 'keyword' });
    expect(parseReply('STOPPPP').intent).toBe('STOP');
    expect(parseReply('stopp').intent).toBe('FREE_TEXT');
  });
});

describe('STOP', () => {
  it.each([
    'STOP',
    'stop',
    'Stop.',
    'stop!!',
    'please stop',
    'Stop now',
    'stop it',
    'STOP ALL',
    'opt out',
    'no more texts',
    'Please stop sending me these messages',
    'Could you please stop texting me',
  ])('"%s" is STOP', (body) => {
    expect(parseReply(body).intent).toBe('STOP');
  });

  it.each([
    "I can't stop by on Tuesday",
    'Can we stop at the clinic on the way?',
    'stop?',
    'Stop sending me the wrong name',
    'Bus stop',
    'Cancel and stop texting me',
    'Cancel. Stop texting me',
  ])('"%s" is not STOP', (body) => {
    expect(parseReply(body).intent).toBe('FREE_TEXT');
  });
});

describe('YES and acknowledgements', () => {
  it('counts a bare ok as YES but not ok with something else to say', () => {
    expect(parseReply('ok').intent).toBe('YES');
    expect(parseReply('thanks ok').intent).toBe('YES');
    expect(parseReply('Ok, see you then x').intent).toBe('YES');
    expect(parseReply('ok my baby has a rash').intent).toBe('FREE_TEXT');
    expect(parseReply('ok so what time is it?').intent).toBe('FREE_TEXT');
  });

  it('does not treat pleasantries as YES, because YES can accept a waitlist offer', () => {
    for (const body of [
      'thank you see you then',
      'Thanks!',
      'Great',
      'Perfect thank you',
      'No worries',
      'See you Tuesday',
    ]) {
      expect(parseReply(body).intent, body).toBe('FREE_TEXT');
    }
  });

  it('reads a yes word at the start of a clause, not in the middle of a sentence', () => {
    expect(parseReply('Yes I will bring the red book').intent).toBe('YES');
    expect(parseReply('I said yes last week').intent).toBe('FREE_TEXT');
  });

  it('sends a reply with an unanswered question to a person', () => {
    expect(parseReply('Yes please, what should I bring?').intent).toBe('FREE_TEXT');
    expect(parseReply('Yes but will there be parking').intent).toBe('FREE_TEXT');
  });

  it('reads thumbs up and down', () => {
    expect(parseReply('👍')).toEqual({ intent: 'YES', match: 'keyword' });
    expect(parseReply('👍🏿')).toEqual({ intent: 'YES', match: 'keyword' });
    expect(parseReply('👎')).toEqual({ intent: 'NO', match: 'keyword' });
    expect(parseReply('✅').intent).toBe('YES');
  });
});

describe('precedence between intents', () => {
  it.each([
    ['Yes cancel', 'CANCEL'],
    ['cancel? yes', 'CANCEL'],
    ['cancel? no', 'FREE_TEXT'],
    ["Can't make it, can we rearrange?", 'REBOOK'],
    ['Cancel and rebook please', 'REBOOK'],
    ['yes please rebook', 'REBOOK'],
    ['yes no', 'FREE_TEXT'],
    ['help me cancel', 'CANCEL'],
    ['Yes stop', 'STOP'],
    ['cancel stop', 'FREE_TEXT'],
    ['Yes help', 'FREE_TEXT'],
    ['Start, and rebook', 'FREE_TEXT'],
  ] as const)('"%s" is %s', (body, intent) => {
    expect(parseReply(body).intent).toBe(intent);
  });
});

describe('languages', () => {
  it.each([
    ['ODWOŁAJ', 'ODWOLAJ', 'CANCEL'],
    ['ZMIEŃ', 'ZMIEN', 'REBOOK'],
    ['PRZEŁÓŻ', 'PRZELOZ', 'REBOOK'],
    ['ANULEAZĂ', 'ANULEAZA', 'CANCEL'],
    ['Anulați', 'Anulati', 'CANCEL'],
    ['Nu mulțumesc', 'Nu multumesc', 'NO'],
    ['Nie dziękuję', 'Nie dziekuje', 'NO'],
    ['Peidiwch â chanslo', 'Peidiwch a chanslo', 'FREE_TEXT'],
  ] as const)('"%s" and "%s" are both %s', (withDiacritics, without, intent) => {
    expect(parseReply(withDiacritics).intent).toBe(intent);
    expect(parseReply(without)).toEqual(parseReply(withDiacritics));
  });

  it('reports the language the rest of the reply points to for shared words', () => {
    expect(parseReply('STOP').language).toBe('en');
    expect(parseReply('Stop, dziękuję').language).toBe('pl');
    expect(parseReply('Stop diolch').language).toBe('cy');
    expect(parseReply('Ok, mulțumesc').language).toBe('ro');
  });

  it('parses every built-in keyword, alone and in capitals, as its own intent', () => {
    for (const [language, intents] of Object.entries(BUILT_IN_KEYWORDS)) {
      for (const [intent, keywords] of Object.entries(intents)) {
        for (const keyword of keywords ?? []) {
          expect(parseReply(keyword).intent, `${language} ${keyword}`).toBe(intent);
          expect(parseReply(keyword.toUpperCase()).intent, `${language} ${keyword}`).toBe(intent);
        }
      }
    }
  });

  it('has every intent in each built-in language', () => {
    for (const language of REPLY_LANGUAGES) {
      const table = BUILT_IN_KEYWORDS[language];
      for (const intent of INTENTS.filter((i) => i !== 'FREE_TEXT')) {
        expect(table?.[intent]?.length, `${language} ${intent}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('robustness', () => {
  it('returns FREE_TEXT for empty and punctuation-only replies', () => {
    for (const body of ['', '   ', '...', '?', '😀', '\n\n']) {
      expect(parseReply(body)).toEqual({ intent: 'FREE_TEXT', match: 'none' });
    }
  });

  it('never throws and always returns a known intent', () => {
    // Prepare: a seeded generator, so a failure reproduces.
    let seed = 20_261_103;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pieces = [
      'a',
      'ł',
      'ă',
      'ŵ',
      ' ',
      ',',
      '?',
      '!',
      "'",
      '-',
      '4',
      '8',
      '2',
      '1',
      ':',
      '/',
      '👍',
      '😢',
      '\n',
    ];
    const words = ['cancel ', 'stop ', 'no ', 'yes ', 'nie ', "don't ", 'can you ', 'thanks ', 'Sarah '];

    for (let i = 0; i < 500; i++) {
      let body = '';
      const length = Math.floor(next() * 30);
      for (let k = 0; k < length; k++) {
        body +=
          next() < 0.3
            ? words[Math.floor(next() * words.length)]
            : pieces[Math.floor(next() * pieces.length)];
      }

      // Act
      const parsed = parseReply(body);

      // Assess
      expect(INTENTS, body).toContain(parsed.intent);
      if (parsed.ref !== undefined) expect(parsed.ref, body).toMatch(/^\d{4}$/);
    }
  });

  it('handles a maximum-length concatenated SMS', () => {
    expect(parseReply(`${'Sorry for the long message. '.repeat(55)}Cancel please`).intent).toBe('CANCEL');
  });
});
