import { describe, expect, it } from 'vitest';
import { LETTERS_DEFAULTS, lettersConfigSchema } from '#core/config/letters.ts';
import { parseTrustConfig, TrustConfigError } from '#core/config/trust-config.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';

const RETURN_ADDRESS = { lines: ['Health Visiting Service'], town: 'Cardiff', postcode: 'cf10 1ep' };

describe('the letters section of the trust config', () => {
  it('is off by default, with the documented defaults', () => {
    expect(LETTERS_DEFAULTS).toEqual({
      enabled: false,
      minLeadDays: 7,
      reminderDaysBefore: 10,
      reminderLatestDaysBefore: 3,
      batchAt: '07:00',
      costPerLetterGbp: 0.95,
      retentionDays: 30,
      bilingualWelsh: false,
    });
    expect(loadTrustConfig('example-north').letters).toEqual(LETTERS_DEFAULTS);
  });

  it('refuses a batch time that is not HH:mm', () => {
    expect(() => lettersConfigSchema.parse({ batchAt: '7am' })).toThrow(/HH:mm/);
    expect(lettersConfigSchema.parse({ batchAt: '06:30' }).batchAt).toBe('06:30');
  });

  it('is on in the example config, which shows every setting', () => {
    expect(loadTrustConfig('example').letters).toMatchObject({
      enabled: true,
      reminderDaysBefore: 10,
      returnAddress: { postcode: 'ME14 1XX' },
    });
  });

  it('needs a return address to be enabled, and says so at the field', () => {
    const example = loadTrustConfig('example');
    expect(() => parseTrustConfig({ ...example, letters: { enabled: true } })).toThrow(TrustConfigError);
    expect(() => parseTrustConfig({ ...example, letters: { enabled: true } })).toThrow(
      /letters\.returnAddress: required when letters are enabled/,
    );
  });

  it('normalises the return address postcode and refuses a bad one', () => {
    expect(lettersConfigSchema.parse({ returnAddress: RETURN_ADDRESS }).returnAddress?.postcode).toBe(
      'CF10 1EP',
    );
    const bad = lettersConfigSchema.safeParse({ returnAddress: { ...RETURN_ADDRESS, postcode: 'nope' } });
    expect(bad.error?.issues[0]?.path).toEqual(['returnAddress', 'postcode']);
  });

  it('takes GOV.UK Notify settings: a Secrets Manager ARN, second class by default, resend after 15 minutes', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/notify-AbCdEf';
    expect(lettersConfigSchema.parse({ notify: { apiKeySecretArn: arn } }).notify).toEqual({
      apiKeySecretArn: arn,
      postage: 'second',
      resendAfterMinutes: 15,
      dataRetentionDays: 7,
    });
    // A resend window shorter than the letter-batch function's run could post a letter twice.
    expect(
      lettersConfigSchema.safeParse({ notify: { apiKeySecretArn: arn, resendAfterMinutes: 5 } }).success,
    ).toBe(false);
    expect(lettersConfigSchema.safeParse({ notify: { apiKeySecretArn: 'my-key' } }).success).toBe(false);
    // A key pasted into the config instead of its secret's ARN is refused rather than kept.
    expect(lettersConfigSchema.safeParse({ notify: { apiKeySecretArn: arn, apiKey: 'x' } }).success).toBe(
      false,
    );
  });

  it('refuses unknown settings, so a typo is not silently ignored', () => {
    expect(lettersConfigSchema.safeParse({ retentionDay: 10 }).success).toBe(false);
  });
});
