import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEventPathConfig } from '#core/config/event-path-config.ts';
import { parseTrustConfig, TrustConfigError } from '#core/config/trust-config.ts';

// biome-ignore lint/suspicious/noExplicitAny: the shipped JSON, broken field by field in each test
type Raw = Record<string, any>;
const example = (): Raw => JSON.parse(readFileSync('config/trusts/example.json', 'utf8'));

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TrustConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a TrustConfigError');
}

describe('the event path’s trust config', () => {
  it('reads every section the whole config has except staffAccess and frontDoor, with the same values', () => {
    // Prepare
    const raw = example();
    expect(raw).toHaveProperty('staffAccess');
    expect(raw).toHaveProperty('frontDoor');

    // Act
    const events = parseEventPathConfig(raw);
    const { staffAccess, frontDoor, ...whole } = parseTrustConfig(raw);

    // Assess
    expect(staffAccess.iamRoles).not.toEqual({});
    expect(frontDoor?.domainName).toBe('attend.example-community.nhs.uk');
    expect(events).toEqual(whole);
    expect(events).not.toHaveProperty('staffAccess');
    expect(events).not.toHaveProperty('frontDoor');
  });

  it('ignores a malformed staffAccess or frontDoor, which the whole config (cdk synth, web, admin) refuses', () => {
    // Prepare: both sections broken, each in a field the whole config checks.
    const raw = example();
    raw.staffAccess.sessions = { idleMinutes: 1 };
    raw.frontDoor.certificateArn = 'arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d';

    // Act
    const events = parseEventPathConfig(raw, 'ATTEND_TRUST_CONFIG');
    const whole = errorOf(() => parseTrustConfig(raw, 'ATTEND_TRUST_CONFIG'));

    // Assess
    expect(events.trustId).toBe('example');
    expect(whole).toContain('\n  staffAccess.sessions.idleMinutes: ');
  });

  it.each([
    ['quietHours.start', (c: Raw) => (c.quietHours.start = '25:00'), 'HH:MM'],
    ['sender.originationNumber', (c: Raw) => (c.sender.originationNumber = '07700900000'), 'E.164'],
    ['templates.en.reminder', (c: Raw) => (c.templates.en.reminder = 'Hi {nmae}'), '{nmae}'],
    ['letters.batchAt', (c: Raw) => (c.letters.batchAt = '5pm'), 'HH:mm'],
    [
      'booking.parentRebookNoticeMinutes',
      (c: Raw) => (c.booking.parentRebookNoticeMinutes = -30),
      'at least 0 minutes',
    ],
    [
      'booking.parentRebookNoticeMinutes',
      (c: Raw) => (c.booking.parentRebookNoticeMinutes = 1.5),
      'a whole number of minutes',
    ],
    [
      'appointmentTypes.antenatal.tiers[1].id',
      (c: Raw) => (c.appointmentTypes.antenatal.tiers[1].id = c.appointmentTypes.antenatal.tiers[0].id),
      'duplicate tier id',
    ],
  ])('still refuses a bad value in a section it reads, naming the field: %s', (field, breakIt, hint) => {
    // Prepare: the section broken; what the whole config says of it.
    const raw = example();
    breakIt(raw);
    const whole = errorOf(() => parseTrustConfig(raw, 'ATTEND_TRUST_CONFIG'));
    // And staffAccess broken too, which the event path does not read.
    raw.staffAccess = { iamRoles: 'nonsense' };

    // Act
    const message = errorOf(() => parseEventPathConfig(raw, 'ATTEND_TRUST_CONFIG'));

    // Assess: word for word what the whole config says, naming the field.
    expect(message).toBe(whole);
    expect(message).toContain('Invalid ATTEND_TRUST_CONFIG:\n');
    expect(message).toContain(`\n  ${field}: `);
    expect(message).toContain(hint);
  });

  it('gives the parent page a 2-hour rebook notice by default, and reads the trust’s own', () => {
    const raw = example();
    delete raw.booking.parentRebookNoticeMinutes;
    expect(parseEventPathConfig(raw).booking.parentRebookNoticeMinutes).toBe(120);
    delete raw.booking;
    expect(parseTrustConfig(raw).booking.parentRebookNoticeMinutes).toBe(120);
    expect(parseTrustConfig(example()).booking.parentRebookNoticeMinutes).toBe(120);
    const mine = example();
    mine.booking.parentRebookNoticeMinutes = 240;
    expect(parseTrustConfig(mine).booking.parentRebookNoticeMinutes).toBe(240);
  });
});
