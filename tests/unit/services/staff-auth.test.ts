/** The pure parts of staff sign-in: the IAM door, cookies, return paths, KMS-signed client assertions, config. */
import { readFileSync } from 'node:fs';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { exportJWK, generateKeyPair, jwtVerify } from 'jose';
import type { ClientMetadata, ServerMetadata } from 'openid-client';
import { afterEach, describe, expect, it } from 'vitest';
import { oidcCredentialArns, staffAccessSection, staffInvokerRoleArns } from '#core/config/staff-access.ts';
import { LOCAL_ADMIN_CALLER } from '#core/roles.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import { awsOidcCredentials } from '#runtime/oidc-credentials.ts';
import { callerFromIam } from '#services/iam-door.ts';
import { kmsPrivateKeyJwt } from '#services/oidc-client.ts';
import { safeReturnTo } from '#services/staff-auth.ts';
import {
  clearReauthCookie,
  clearSessionCookie,
  cookiePolicy,
  hasReauthCookie,
  readTokenCookie,
  reauthCookie,
  sessionCookie,
} from '#services/staff-cookies.ts';

const event = JSON.parse(readFileSync('tests/fixtures/events/function-url-iam.json', 'utf8')) as Record<
  string,
  unknown
>;
interface RawOidc {
  issuer: string;
  scopes: string[];
  roleClaims: { roles: Record<string, string[]> };
  clientAuth: Record<string, string>;
  authorizationParams?: Record<string, string>;
}
interface RawConfig {
  staffAccess: { oidc: RawOidc };
  infrastructure: { staffRoleArns: string[] };
}
interface IamEvent {
  requestContext: { authorizer?: { iam: { userArn: string } } };
}
const example = () => JSON.parse(readFileSync('config/trusts/example.json', 'utf8')) as RawConfig;
const config = loadTrustConfig('example');

describe('the IAM door', () => {
  it('maps the function URL caller (an assumed role) to its Attend roles', () => {
    expect(callerFromIam(event, config)).toEqual({
      kind: 'iam',
      subject: 'arn:aws:sts::111122223333:assumed-role/AttendAdminCli/alex.morgan',
      name: 'AttendAdminCli/alex.morgan',
      roles: ['admin'],
    });
  });

  it('gives a caller whose role is not mapped no roles (the route layer answers 403)', () => {
    const unmapped = structuredClone(event) as unknown as IamEvent;
    unmapped.requestContext.authorizer!.iam.userArn = 'arn:aws:sts::111122223333:assumed-role/SomeoneElse/x';
    expect(callerFromIam(unmapped, config)?.roles).toEqual([]);
  });

  it('makes an unsigned call the local admin only when the local runtime says so', () => {
    const unsigned = structuredClone(event) as unknown as IamEvent;
    delete unsigned.requestContext.authorizer;
    expect(callerFromIam(unsigned, config)).toBeUndefined();
    expect(callerFromIam(unsigned, config, { unsignedLocalAdmin: true })).toEqual(LOCAL_ADMIN_CALLER);
    // A signed call is never the local admin, even locally.
    expect(callerFromIam(event, config, { unsignedLocalAdmin: true })?.kind).toBe('iam');
  });
});

describe('cookies', () => {
  const token = 'A'.repeat(43);

  it('are Secure with the __Host- prefix on HTTPS', () => {
    const policy = cookiePolicy('https://attend.example-trust.nhs.uk');
    expect(sessionCookie(policy, token)).toBe(
      `__Host-attend-session=${token}; Path=/; HttpOnly; Secure; SameSite=Lax`,
    );
    expect(clearSessionCookie(policy)).toBe(
      '__Host-attend-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
  });

  it('are not Secure on http://localhost, and plain http elsewhere is refused', () => {
    expect(sessionCookie(cookiePolicy('http://localhost:3000'), token)).toBe(
      `attend-session=${token}; Path=/; HttpOnly; SameSite=Lax`,
    );
    expect(() => cookiePolicy('http://attend.example-trust.nhs.uk')).toThrow(/https/);
  });

  it('mark a sign-out with a Secure __Host- cookie holding only 1, read back only as exactly that', () => {
    const policy = cookiePolicy('https://attend.example-trust.nhs.uk');
    expect(reauthCookie(policy, 3600)).toBe(
      '__Host-attend-reauth=1; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
    expect(clearReauthCookie(policy)).toBe(
      '__Host-attend-reauth=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
    const request = (cookie?: string) =>
      new Request('https://x.test/', cookie ? { headers: { cookie } } : {});
    expect(hasReauthCookie(request('a=b; __Host-attend-reauth=1'), policy)).toBe(true);
    expect(hasReauthCookie(request('attend-reauth=1'), policy)).toBe(false);
    expect(hasReauthCookie(request('__Host-attend-reauth='), policy)).toBe(false);
    expect(hasReauthCookie(request(), policy)).toBe(false);
  });

  it('reads only values shaped like a token', () => {
    const request = (cookie: string) => new Request('https://x.test/', { headers: { cookie } });
    expect(readTokenCookie(request(`a=1; attend-session=${token}`), 'attend-session')).toBe(token);
    expect(readTokenCookie(request('attend-session=short'), 'attend-session')).toBeUndefined();
    expect(readTokenCookie(request(`attend-session=${token}x`), 'attend-session')).toBeUndefined();
    expect(readTokenCookie(new Request('https://x.test/'), 'attend-session')).toBeUndefined();
  });
});

describe('safeReturnTo', () => {
  it.each([
    ['https://attend.test/staff/inbox?page=2', 'GET', '/staff/inbox?page=2'],
    ['https://attend.test/', 'GET', '/'],
    ['https://attend.test//evil.example/x', 'GET', '/'],
    ['https://attend.test/auth/callback?code=x', 'GET', '/'],
    ['https://attend.test/staff/inbox', 'POST', '/'],
  ])('%s (%s) returns to %s', (url, method, expected) => {
    expect(safeReturnTo(new Request(url, { method }))).toBe(expected);
  });
});

describe('private_key_jwt signed by KMS', () => {
  const kms = mockClient(KMSClient);
  afterEach(() => kms.reset());

  it('sends a client assertion KMS signed, for the token endpoint, that the public key verifies', async () => {
    // Prepare: KMS, mocked at the SDK edge, signs with a real key so the assertion can be verified.
    const { privateKey, publicKey } = await generateKeyPair('RS512', { extractable: true });
    kms.on(SignCommand).callsFake(async (input: { Message: Uint8Array; SigningAlgorithm: string }) => {
      const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', privateKey, input.Message);
      return { Signature: new Uint8Array(signature), SigningAlgorithm: input.SigningAlgorithm };
    });
    const credentials = awsOidcCredentials(
      new SecretsManagerClient({}),
      new KMSClient({ region: 'eu-west-2' }),
    );
    const keyArn = 'arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const auth = kmsPrivateKeyJwt(
      (message) => credentials.kmsSign(keyArn, message, 'RS512'),
      'RS512',
      'attend-2026',
      () => Date.parse('2026-11-30T09:00:00Z'),
    );
    const body = new URLSearchParams();

    // Act
    await auth(
      { issuer: 'https://cis2.example', token_endpoint: 'https://cis2.example/token' } as ServerMetadata,
      { client_id: 'attend-client' } as ClientMetadata,
      body,
      new Headers(),
    );

    // Assess
    expect(kms.commandCalls(SignCommand)[0]!.args[0].input).toMatchObject({
      KeyId: keyArn,
      MessageType: 'RAW',
      SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_512',
    });
    expect(body.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const { payload, protectedHeader } = await jwtVerify(body.get('client_assertion')!, publicKey, {
      currentDate: new Date('2026-11-30T09:00:30Z'),
    });
    expect(protectedHeader).toEqual({ alg: 'RS512', typ: 'JWT', kid: 'attend-2026' });
    expect(payload).toMatchObject({
      iss: 'attend-client',
      sub: 'attend-client',
      aud: 'https://cis2.example/token',
      iat: 1796029200,
      exp: 1796029260,
    });
    expect(payload.jti).toEqual(expect.any(String));
    expect(JSON.stringify(await exportJWK(publicKey))).not.toContain('"d"');
  });
});

describe('client secrets from Secrets Manager', () => {
  const sm = mockClient(SecretsManagerClient);
  afterEach(() => sm.reset());

  it('reads a secret once, and again after five minutes (a rotated secret is picked up)', async () => {
    let now = 0;
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'first' }).resolves({ SecretString: 'second' });
    const credentials = awsOidcCredentials(
      new SecretsManagerClient({ region: 'eu-west-2' }),
      new KMSClient({}),
      () => now,
    );
    const arn = 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/oidc-AbCdEf';

    expect(await credentials.secret(arn)).toBe('first');
    now = 4 * 60_000;
    expect(await credentials.secret(arn)).toBe('first');
    now = 5 * 60_000;
    expect(await credentials.secret(arn)).toBe('second');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});

describe('staffAccess config', () => {
  it('defaults to no browser door, no IAM mapping, 30 idle minutes and 12 hours', () => {
    expect(staffAccessSection.parse(undefined)).toEqual({
      iamRoles: {},
      sessions: { idleMinutes: 30, absoluteHours: 12 },
    });
  });

  it('accepts the example (Entra ID, client secret) and a CIS2 set-up (private_key_jwt, KMS, userinfo)', () => {
    expect(config.staffAccess.oidc?.clientAuth.method).toBe('client_secret_basic');
    const cis2 = staffAccessSection.parse({
      oidc: {
        issuer:
          'https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare',
        clientId: 'attend-ryy',
        clientAuth: {
          method: 'private_key_jwt',
          kmsKeyArn: 'arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          algorithm: 'RS512',
          keyId: 'attend-2026',
        },
        scopes: ['openid', 'profile', 'nationalrbacaccess'],
        roleClaims: { cis2: { roleCodes: { R8001: ['health-visitor'] }, orgCodes: ['RYY'] } },
        useUserInfo: true,
        authorizationParams: { acr_values: 'AAL2_OR_AAL3_ANY' },
      },
    });
    expect(cis2.oidc?.maxAuthAgeMinutes).toBe(60);
    expect(oidcCredentialArns(cis2.oidc)).toEqual({
      secrets: [],
      kmsKeys: ['arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    });
    expect(oidcCredentialArns(config.staffAccess.oidc).secrets).toHaveLength(1);
  });

  it.each<[string, (o: RawOidc) => void, string]>([
    ['plain http issuer', (o) => (o.issuer = 'http://idp.example'), 'https://'],
    ['scopes without openid', (o) => (o.scopes = ['profile']), 'openid'],
    ['no role mapping', (o) => (o.roleClaims = { roles: {} }), 'at least one'],
    ['an unknown Attend role', (o) => (o.roleClaims.roles['Attend.Admin'] = ['superuser']), 'roleClaims'],
    ['private_key_jwt with no key', (o) => (o.clientAuth = { method: 'private_key_jwt' }), 'exactly one of'],
    [
      'a secret that is not a Secrets Manager ARN',
      (o) => (o.clientAuth.secretArn = 'my-secret'),
      'Secrets Manager',
    ],
    ['overriding state', (o) => (o.authorizationParams = { state: 'x' }), 'set by Attend'],
  ])('refuses %s', (_name, change, message) => {
    const raw = example();
    change(raw.staffAccess.oidc);
    const result = staffAccessSection.safeParse(raw.staffAccess);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });

  it('lets every mapped IAM role, and every role in the old staffRoleArns, call the function URL', () => {
    const staffRoleArns = [
      'arn:aws:iam::111122223333:role/Legacy',
      'arn:aws:iam::111122223333:role/AttendAdminCli',
    ];
    expect(
      staffInvokerRoleArns({ infrastructure: { staffRoleArns }, staffAccess: config.staffAccess }),
    ).toEqual([
      'arn:aws:iam::111122223333:role/Legacy',
      'arn:aws:iam::111122223333:role/AttendAdminCli',
      'arn:aws:iam::111122223333:role/AttendReporting',
    ]);
  });
});

describe('staffAuthFromEnv', () => {
  it('needs the web origin, and takes its cookie names from it', async () => {
    const { staffAuthFromEnv } = await import('#runtime/staff-auth-from-env.ts');
    const deps = { store: {} as never, config, now: () => new Date(), log: {} as never };
    const env = {
      TABLE_NAME: 'attend',
      METRICS_TABLE_NAME: 'attend-metrics',
      ATTEND_TRUST_CONFIG: '{}',
      SMS_ADAPTER: 'sns',
      EVENTS_ADAPTER: 'eventbridge',
      trust: config,
    } as const;
    expect(() => staffAuthFromEnv({ ...deps, env })).toThrow(/WEB_ORIGIN/);
    const auth = staffAuthFromEnv({
      ...deps,
      env: { ...env, WEB_ORIGIN: 'https://attend.example-trust.nhs.uk' },
    });
    expect(auth.cookies.sessionName).toBe('__Host-attend-session');
  });
});
