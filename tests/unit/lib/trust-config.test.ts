import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTrustConfig } from '#core/config/trust-config.ts';
import { loadTrustConfig, TrustConfigError } from '#lib/trust-config.ts';

const example = (): Record<string, unknown> => JSON.parse(readFileSync('config/trusts/example.json', 'utf8'));

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TrustConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a TrustConfigError');
}

describe('trust config', () => {
  it('accepts every shipped trust file', () => {
    for (const id of ['example', 'example-north']) {
      const config = loadTrustConfig(id);
      expect(config.trustId).toBe(id);
      expect(config.timeZone).toBe('Europe/London');
    }
  });

  it('fills defaults a trust leaves out', () => {
    const raw = example();
    delete raw.messages;
    delete raw.replies;
    const config = parseTrustConfig(raw);
    expect(config.messages.retentionDays).toBe(90);
    expect(config.replies.lateCancellationMinutes).toBe(1440);
  });

  it.each([
    ['quietHours.start', (c: Record<string, any>) => (c.quietHours.start = '25:00'), 'HH:MM'],
    ['timeZone', (c: Record<string, any>) => (c.timeZone = 'Europe/Londres'), 'IANA'],
    [
      'appointmentTypes.clinic.tiers[0].at',
      (c: Record<string, any>) => (c.appointmentTypes.clinic.tiers[0].at = '9am'),
      'HH:MM',
    ],
    ['templates.en.reminder', (c: Record<string, any>) => (c.templates.en.reminder = 'Hi {nmae}'), '{nmae}'],
    ['templates.en.help', (c: Record<string, any>) => delete c.templates.en.help, 'English template'],
    [
      'sender.originationNumber',
      (c: Record<string, any>) => (c.sender.originationNumber = '07700900000'),
      'E.164',
    ],
    [
      'appointmentTypes.antenatal.tiers[1].id',
      (c: Record<string, any>) =>
        (c.appointmentTypes.antenatal.tiers[1].id = c.appointmentTypes.antenatal.tiers[0].id),
      'duplicate tier id',
    ],
  ])('names the field at fault: %s', (field, breakIt, hint) => {
    const raw = example();
    breakIt(raw);
    const message = errorOf(() => parseTrustConfig(raw, 'config/trusts/example.json'));
    expect(message).toContain('config/trusts/example.json');
    expect(message).toContain(`${field}:`);
    expect(message).toContain(hint);
  });

  it('lets a trust add reply keywords for only some intents', () => {
    const raw = example();
    raw.replies = { keywords: { ur: { CANCEL: ['mansookh'] } } };
    expect(parseTrustConfig(raw).replies.keywords.ur?.CANCEL).toEqual(['mansookh']);
  });

  it('says which file is missing for an unknown trust, and refuses odd ids', () => {
    expect(errorOf(() => loadTrustConfig('no-such-trust'))).toContain(
      'config/trusts/no-such-trust.json does not exist',
    );
    expect(errorOf(() => loadTrustConfig('../etc/passwd'))).toContain('Invalid trust id');
  });
});
