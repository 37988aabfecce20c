import { describe, expect, it } from 'vitest';
import { hostedZoneName } from '#core/config/front-door.ts';
import { parseTrustConfig } from '#core/config/trust-config.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';

const example = loadTrustConfig('example');
const withFrontDoor = (frontDoor: Record<string, unknown>) => ({ ...example, frontDoor });
const door = {
  domainName: 'attend.trust.nhs.uk',
  certificateArn: 'arn:aws:acm:eu-west-2:111122223333:certificate/0a1b2c3d-0000-0000-0000-000000000000',
};

describe('frontDoor config', () => {
  it('is optional: without it no front door is deployed', () => {
    const { frontDoor: _, ...rest } = example;
    expect(parseTrustConfig(rest).frontDoor).toBeUndefined();
  });

  it('defaults the rate limits', () => {
    expect(parseTrustConfig(withFrontDoor(door)).frontDoor).toMatchObject({
      rateLimitPerFiveMinutes: 2000,
      parentLinkRateLimitPerFiveMinutes: 300,
    });
  });

  it('refuses a certificate from another region, naming the field', () => {
    const bad = { ...door, certificateArn: door.certificateArn.replace('eu-west-2', 'us-east-1') };
    expect(() => parseTrustConfig(withFrontDoor(bad))).toThrow(/frontDoor\.certificateArn: is in us-east-1/);
  });

  it.each([
    [{ domainName: 'not a host' }, /frontDoor\.domainName/],
    [{ certificateArn: 'arn:aws:iam::111122223333:role/x' }, /frontDoor\.certificateArn/],
    [{ hostedZoneId: 'Z0123456789ABC', hostedZoneName: 'other.nhs.uk' }, /not in the zone "other.nhs.uk"/],
    [{ hostedZoneName: 'trust.nhs.uk' }, /frontDoor\.hostedZoneId: required with hostedZoneName/],
    [{ rateLimitPerFiveMinutes: 10 }, /frontDoor\.rateLimitPerFiveMinutes/],
    [{ extra: true }, /frontDoor/],
  ])('refuses %j', (change, message) => {
    expect(() => parseTrustConfig(withFrontDoor({ ...door, ...change }))).toThrow(message);
  });

  it('takes the hosted zone name from the domain unless given', () => {
    const parsed = parseTrustConfig(withFrontDoor({ ...door, hostedZoneId: 'Z0123456789ABC' })).frontDoor!;
    expect(hostedZoneName(parsed)).toBe('trust.nhs.uk');
  });
});
