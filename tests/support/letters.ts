/**
 * Letter test data: builders with overrides (aLetter({ kind: 'reminder' })) and the example trust with
 * letters set up, shared by the letter tests and the screenshot script.
 */

import { parseTrustConfig, type TrustConfig } from '#core/config/trust-config.ts';
import type { LetterDataInput } from '#core/letters/letter.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';

/** The example trust (letters enabled, with its return address), with `letters` settings changed. */
export function lettersTrust(letters: Partial<TrustConfig['letters']> = {}): TrustConfig {
  const example = loadTrustConfig('example');
  return parseTrustConfig({ ...example, letters: { ...example.letters, ...letters } });
}

export const A_PARENT_LINK = 'https://attend.example.nhs.uk/p/Q2hhbmdlIG1lIHRvIGEgcmVhbCB0b2tlbg';

type Overrides = Partial<Omit<LetterDataInput, 'recipient' | 'appointment'>> & {
  recipient?: Partial<LetterDataInput['recipient']>;
  appointment?: Partial<LetterDataInput['appointment']>;
};

/** A booking letter in English for a fictional family, with a parent link. */
export function aLetter(overrides: Overrides = {}): LetterDataInput {
  const { recipient, appointment, ...rest } = overrides;
  return {
    letterId: 'ltr-0001',
    kind: 'booking',
    language: 'en',
    dated: '2026-11-20',
    parentLink: A_PARENT_LINK,
    ...rest,
    recipient: {
      name: 'Amelia Smith',
      parentOf: true,
      address: { lines: ['Flat 2', '14 Harbour Road'], town: 'Dover', postcode: 'CT17 9BX' },
      ...recipient,
    },
    appointment: {
      typeId: 'six-to-eight-week-review',
      startsAt: '2026-12-03T14:30:00.000Z',
      venue: 'Riverside Children’s Centre',
      venueAddress: '1 Quay Street, Maidstone',
      ref: '4821',
      ...appointment,
    },
  };
}
