/**
 * The private_key_jwt client authentication CIS2 requires, against the real local provider: the key comes
 * from a secret (a JWK or a PKCS#8 PEM), the provider checks the assertion with the registered public key,
 * and claims are read from the userinfo endpoint too (as CIS2 returns its roles there).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OidcConfig } from '#core/config/staff-access.ts';
import { type LocalIdp, startLocalIdp } from '#local/oidc-provider.ts';
import { localOidcCredentials } from '#runtime/oidc-credentials.ts';
import { createStaffAuth } from '#services/staff-auth.ts';
import { TestBrowser } from '#tests/support/browser.ts';
import { exampleConfig, freshTable, testDeps } from '#tests/support/dynamo.ts';
import { signIn } from '#tests/support/sign-in.ts';

const JWK_SECRET = 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/cis2-key-jwk-AbCdEf';
const PEM_SECRET = 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/cis2-key-pem-AbCdEf';

let server: Server;
let idp: LocalIdp;
let origin: string;
let secrets: Record<string, string>;

beforeAll(async () => {
  server = createServer((req, res) => idp.handle(req, res));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  const { privateKey, publicKey } = await generateKeyPair('RS512', { extractable: true });
  idp = await startLocalIdp({
    issuer: `${origin}/oidc`,
    appOrigin: origin,
    extraClients: [
      {
        client_id: 'attend-cis2-like',
        redirect_uris: [`${origin}/auth/callback`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS512',
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'attend-2026', alg: 'RS512', use: 'sig' }] },
        require_auth_time: true,
      },
    ],
  });
  secrets = {
    [JWK_SECRET]: JSON.stringify(await exportJWK(privateKey)),
    [PEM_SECRET]: await exportPKCS8(privateKey),
  };
});

afterAll(async () => {
  await new Promise<void>((done) => server?.close(() => done()));
});

it.each([
  ['a JWK', JWK_SECRET],
  ['a PKCS#8 PEM', PEM_SECRET],
])('signs in with private_key_jwt, the key held in a secret as %s', async (_name, keySecretArn) => {
  // Prepare
  const store = await freshTable();
  const oidc: OidcConfig = {
    ...idp.oidcConfig,
    clientId: 'attend-cis2-like',
    clientAuth: { method: 'private_key_jwt', keySecretArn, keyId: 'attend-2026', algorithm: 'RS512' },
    useUserInfo: true,
  };
  const config = { ...exampleConfig, staffAccess: { ...exampleConfig.staffAccess, oidc } };
  const auth = createStaffAuth(testDeps(store, '2026-11-30T09:00:00Z', config), {
    publicOrigin: origin,
    credentials: localOidcCredentials(secrets),
  });

  // Act
  const result = await signIn(auth, new TestBrowser(), origin, 'admin@example.nhs.uk');

  // Assess
  expect(result).toMatchObject({ kind: 'signed-in', session: { name: 'Alex Morgan', roles: ['admin'] } });
});

it('is refused by the provider when the key is not the registered one', async () => {
  const store = await freshTable();
  const { privateKey: stranger } = await generateKeyPair('RS512', { extractable: true });
  const oidc: OidcConfig = {
    ...idp.oidcConfig,
    clientId: 'attend-cis2-like',
    clientAuth: {
      method: 'private_key_jwt',
      keySecretArn: JWK_SECRET,
      keyId: 'attend-2026',
      algorithm: 'RS512',
    },
  };
  const config = { ...exampleConfig, staffAccess: { ...exampleConfig.staffAccess, oidc } };
  const auth = createStaffAuth(testDeps(store, '2026-11-30T09:00:00Z', config), {
    publicOrigin: origin,
    credentials: localOidcCredentials({ [JWK_SECRET]: JSON.stringify(await exportJWK(stranger)) }),
  });

  const result = await signIn(auth, new TestBrowser(), origin, 'admin@example.nhs.uk');

  expect(result).toMatchObject({ kind: 'refused', reason: 'token-exchange-failed' });
});
