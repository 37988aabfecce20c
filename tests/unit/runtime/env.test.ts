import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTrustConfig } from '#core/config/trust-config.ts';
import { parseEnv } from '#runtime/env.ts';

// biome-ignore lint/suspicious/noExplicitAny: the shipped JSON, broken field by field in each test
type Raw = Record<string, any>;
const example = (): Raw => JSON.parse(readFileSync('config/trusts/example.json', 'utf8'));
const envWith = (config: Raw): NodeJS.ProcessEnv => ({
  TABLE_NAME: 'attend-test',
  METRICS_TABLE_NAME: 'attend-test-metrics',
  ATTEND_TRUST_CONFIG: JSON.stringify(config),
});

describe('parseEnv', () => {
  it('gives the event-path functions the config without staffAccess and frontDoor, unread', () => {
    // Prepare: staffAccess and frontDoor malformed, the rest as shipped.
    const config = example();
    config.staffAccess = { iamRoles: { 'not-a-role-arn': [] }, oidc: { issuer: 'ftp://x' } };
    config.frontDoor = { domainName: 'not a host' };

    // Act
    const env = parseEnv(envWith(config));

    // Assess
    expect(env.trust.trustId).toBe('example');
    expect(env.trust.shortName).toBe(config.shortName);
    expect(env.trust).not.toHaveProperty('staffAccess');
    expect(env.trust).not.toHaveProperty('frontDoor');
  });

  it('still fails the event path’s cold start on a bad value in a section it reads, naming the field', () => {
    // Prepare
    const config = example();
    config.quietHours.end = '7am';

    // Act
    const act = () => parseEnv(envWith(config));

    // Assess
    expect(act).toThrow(/^Invalid ATTEND_TRUST_CONFIG:\n/);
    expect(act).toThrow(/\n {2}quietHours\.end: .*HH:MM/);
  });

  it('fails the cold start without the metrics table, naming METRICS_TABLE_NAME', () => {
    // Prepare: every handler's store names both tables (StoreContext), so each needs both names.
    const { METRICS_TABLE_NAME: _left, ...env } = envWith(example());

    // Act
    const act = () => parseEnv(env);

    // Assess
    expect(act).toThrow(/^Invalid environment:\n {2}METRICS_TABLE_NAME: /);
    expect(parseEnv(envWith(example())).METRICS_TABLE_NAME).toBe('attend-test-metrics');
  });

  it('parses and checks the whole config when given parseTrustConfig (the web and admin functions)', () => {
    // Prepare
    const good = example();
    const bad = example();
    bad.staffAccess.sessions = { idleMinutes: 1 };

    // Act
    const env = parseEnv(envWith(good), parseTrustConfig);

    // Assess
    expect(Object.keys(env.trust.staffAccess.iamRoles)).toEqual(Object.keys(good.staffAccess.iamRoles));
    expect(env.trust.frontDoor?.domainName).toBe(good.frontDoor.domainName);
    expect(() => parseEnv(envWith(bad), parseTrustConfig)).toThrow(
      /^Invalid ATTEND_TRUST_CONFIG:\n {2}staffAccess\.sessions\.idleMinutes: /,
    );
  });
});
