import { describe, expect, it } from 'vitest';
import { newClient } from '#core/client.ts';

const flags = { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: false };

describe('newClient', () => {
  it('starts a family with no history (consent is the number’s, not the client’s), in the trust language unless given one', () => {
    const client = newClient(
      { firstName: 'Amelia', familyName: '', phone: '+447700900123', flags },
      { id: 'c1', now: '2026-11-23T10:00:00.000Z', defaultLanguage: 'cy' },
    );
    expect(client).toEqual({
      id: 'c1',
      firstName: 'Amelia',
      familyName: '',
      phone: '+447700900123',
      flags,
      language: 'cy',
      history: { attended: 0, dna: 0, wnb: 0, consecutiveWnb: 0 },
      createdAt: '2026-11-23T10:00:00.000Z',
      updatedAt: '2026-11-23T10:00:00.000Z',
    });
  });

  it('keeps a language it is given and makes a fresh id unless given one', () => {
    const fields = { firstName: 'Ola', familyName: '', phone: '+447700900124', flags, language: 'pl' };
    const a = newClient(fields, { now: '2026-11-23T10:00:00.000Z', defaultLanguage: 'en' });
    const b = newClient(fields, { now: '2026-11-23T10:00:00.000Z', defaultLanguage: 'en' });
    expect(a.language).toBe('pl');
    expect(a.id).not.toBe(b.id);
  });
});
