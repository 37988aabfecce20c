/**
 * The browser door's OpenID Connect client, on `openid-client`: discovery, the authorization code flow
 * with PKCE (S256), `state` and `nonce`, client authentication (`client_secret_basic`, or
 * `private_key_jwt` with a key from Secrets Manager or a KMS signing key), and the ID token checks.
 *
 * ID tokens are checked for more than their signature: `iss`, `aud` (and `azp`), `exp`, `iat`, `nonce`,
 * `sub`, and `auth_time` no older than `maxAuthAgeMinutes` (sent as `max_age` too). openid-client does not
 * check the signature of an ID token that came straight from the token endpoint over TLS unless asked,
 * so this client asks (`enableNonRepudiationChecks`): a token altered on the way is refused.
 *
 * Tokens and claims hold personal data: nothing here logs them, and a refusal carries only a reason and
 * the library's error code, never the error's `cause` (which can hold the claims).
 */
import { randomUUID } from 'node:crypto';
import { importJWK, importPKCS8, type JWK } from 'jose';
import * as client from 'openid-client';
import type { OidcConfig } from '#core/config/staff-access.ts';

type PrivateKeyJwtAuth = Extract<OidcConfig['clientAuth'], { method: 'private_key_jwt' }>;
export type AssertionAlgorithm = PrivateKeyJwtAuth['algorithm'];

/** Where client credentials come from: Secrets Manager and KMS in AWS, a local map in the local runtime. */
export interface OidcCredentials {
  /** The SecretString of a Secrets Manager secret. */
  secret(arn: string): Promise<string>;
  /** Signs a JWT signing input with an asymmetric KMS key; returns the raw signature bytes. */
  kmsSign(keyArn: string, message: Uint8Array, algorithm: AssertionAlgorithm): Promise<Uint8Array>;
}

export interface OidcClientOptions {
  readonly config: OidcConfig;
  /** This app's callback, exactly as registered at the provider: `<origin>/auth/callback`. */
  readonly redirectUri: string;
  readonly credentials: OidcCredentials;
  /**
   * The time ID tokens are checked against, in epoch ms. It is the real clock, because the provider
   * stamps tokens with real time (the local runtime's virtual clock is for Attend's own schedules);
   * tests move it to make a token expired or an authentication too old.
   */
  readonly tokenClock?: () => number;
  /** Replaces fetch for every request to the provider (tests use it to alter responses). */
  readonly fetch?: client.CustomFetch;
}

export interface AuthorizationStart {
  readonly url: URL;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface VerifiedIdentity {
  readonly issuer: string;
  readonly subject: string;
  /** The display name: `name`, else `preferred_username`, else `email`, else the subject. */
  readonly name: string;
  readonly authTime?: string;
  /** Every ID token claim (and userinfo claim, with `useUserInfo`). Personal data: never log these. */
  readonly claims: Readonly<Record<string, unknown>>;
}

export type SignInRefusalReason =
  /** The provider answered the authorization request with an error (e.g. `access_denied`). */
  | 'provider-error'
  /** The callback did not match the sign-in (bad `state`, or no code). */
  | 'callback-invalid'
  /** The token endpoint refused the code (wrong PKCE verifier, code used twice, bad client auth). */
  | 'token-exchange-failed'
  /** The ID token failed a check: signature, `iss`, `aud`, `exp`, `nonce`, `sub`, `auth_time`. */
  | 'id-token-invalid';

/** A sign-in the client refused. `code` is the provider's or library's error code, safe to log. */
export class SignInRefusal extends Error {
  override readonly name = 'SignInRefusal';
  constructor(
    readonly reason: SignInRefusalReason,
    readonly code: string | undefined,
  ) {
    super(`sign-in refused: ${reason}${code ? ` (${code})` : ''}`);
  }
}

const KMS_ALGORITHMS = {
  RS256: 'RSASSA_PKCS1_V1_5_SHA_256',
  RS384: 'RSASSA_PKCS1_V1_5_SHA_384',
  RS512: 'RSASSA_PKCS1_V1_5_SHA_512',
  PS256: 'RSASSA_PSS_SHA_256',
  PS384: 'RSASSA_PSS_SHA_384',
  PS512: 'RSASSA_PSS_SHA_512',
} as const satisfies Record<AssertionAlgorithm, string>;

/** The KMS SigningAlgorithm for a JWS algorithm. */
export function kmsSigningAlgorithm(
  algorithm: AssertionAlgorithm,
): (typeof KMS_ALGORITHMS)[AssertionAlgorithm] {
  return KMS_ALGORITHMS[algorithm];
}

const b64url = (bytes: Uint8Array | string) =>
  Buffer.from(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).toString('base64url');

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * `private_key_jwt` signed by KMS, where the private key never leaves KMS. The assertion has the claims
 * openid-client's own PrivateKeyJwt uses, with `aud` the token endpoint (which CIS2 and Entra expect).
 */
export function kmsPrivateKeyJwt(
  sign: (message: Uint8Array) => Promise<Uint8Array>,
  algorithm: AssertionAlgorithm,
  keyId: string | undefined,
  now: () => number,
): client.ClientAuth {
  return async (as, c, body) => {
    const iat = Math.floor(now() / 1000);
    const header = { alg: algorithm, typ: 'JWT', ...(keyId ? { kid: keyId } : {}) };
    const payload = {
      iss: c.client_id,
      sub: c.client_id,
      aud: as.token_endpoint ?? as.issuer,
      jti: randomUUID(),
      iat,
      nbf: iat,
      exp: iat + 60,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const signature = await sign(new TextEncoder().encode(input));
    body.set('client_id', c.client_id);
    body.set('client_assertion_type', JWT_BEARER);
    body.set('client_assertion', `${input}.${b64url(signature)}`);
  };
}

async function importPrivateKey(text: string, algorithm: AssertionAlgorithm): Promise<client.CryptoKey> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const key = await importJWK(JSON.parse(trimmed) as JWK, algorithm, { extractable: false });
    if (key instanceof Uint8Array) throw new Error('the client key secret must hold a private key JWK');
    return key;
  }
  return importPKCS8(trimmed, algorithm, { extractable: false });
}

export class OidcClient {
  private server: Promise<client.ServerMetadata> | undefined;
  private auth: Promise<client.ClientAuth> | undefined;
  private jwksCache: client.ExportedJWKSCache | undefined;
  private readonly tokenClock: () => number;

  constructor(private readonly options: OidcClientOptions) {
    this.tokenClock = options.tokenClock ?? Date.now;
  }

  private get insecure(): boolean {
    return new URL(this.options.config.issuer).protocol === 'http:';
  }

  /** Discovery, once per cold start; a failure is retried on the next sign-in rather than cached. */
  private serverMetadata(): Promise<client.ServerMetadata> {
    this.server ??= client
      .discovery(new URL(this.options.config.issuer), this.options.config.clientId, undefined, undefined, {
        ...(this.insecure ? { execute: [client.allowInsecureRequests] } : {}),
        ...(this.options.fetch ? { [client.customFetch]: this.options.fetch } : {}),
        timeout: 10,
      })
      .then((cfg) => ({ ...cfg.serverMetadata() }))
      .catch((err: unknown) => {
        this.server = undefined;
        throw err;
      });
    return this.server;
  }

  private clientAuth(server: client.ServerMetadata): Promise<client.ClientAuth> {
    const { clientAuth } = this.options.config;
    const { credentials } = this.options;
    this.auth ??= (async (): Promise<client.ClientAuth> => {
      if (clientAuth.method === 'client_secret_basic') {
        return client.ClientSecretBasic(await credentials.secret(clientAuth.secretArn));
      }
      if (clientAuth.kmsKeyArn) {
        const keyArn = clientAuth.kmsKeyArn;
        return kmsPrivateKeyJwt(
          (message) => credentials.kmsSign(keyArn, message, clientAuth.algorithm),
          clientAuth.algorithm,
          clientAuth.keyId,
          this.tokenClock,
        );
      }
      const key = await importPrivateKey(
        await credentials.secret(clientAuth.keySecretArn!),
        clientAuth.algorithm,
      );
      return client.PrivateKeyJwt(
        { key, ...(clientAuth.keyId ? { kid: clientAuth.keyId } : {}) },
        {
          [client.modifyAssertion]: (_header, payload) => {
            payload.aud = server.token_endpoint ?? server.issuer;
          },
        },
      );
    })().catch((err: unknown) => {
      this.auth = undefined;
      throw err;
    });
    return this.auth;
  }

  /** A Configuration for one exchange: its clock skew follows the token clock. */
  private async configuration(fetchOverride?: client.CustomFetch): Promise<client.Configuration> {
    const server = await this.serverMetadata();
    const auth = await this.clientAuth(server);
    const skewSeconds = Math.round((this.tokenClock() - Date.now()) / 1000);
    const cfg = new client.Configuration(
      server,
      this.options.config.clientId,
      { [client.clockSkew]: skewSeconds },
      auth,
    );
    if (this.insecure) client.allowInsecureRequests(cfg);
    client.enableNonRepudiationChecks(cfg);
    const fetchImpl = fetchOverride ?? this.options.fetch;
    if (fetchImpl) cfg[client.customFetch] = fetchImpl;
    if (this.jwksCache) client.setJwksCache(cfg, this.jwksCache);
    return cfg;
  }

  /**
   * Starts a sign-in: the authorization URL with fresh `state`, `nonce` and PKCE S256 challenge. With
   * `forceLogin` it also sends `prompt=login`, so the provider asks the person to authenticate again
   * even when its own session is still open (after a sign-out from this browser).
   */
  async authorizationRequest(options: { forceLogin?: boolean } = {}): Promise<AuthorizationStart> {
    const cfg = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(cfg, {
      ...this.options.config.authorizationParams,
      redirect_uri: this.options.redirectUri,
      response_type: 'code',
      scope: this.options.config.scopes.join(' '),
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      max_age: String(this.options.config.maxAuthAgeMinutes * 60),
      ...(options.forceLogin ? { prompt: 'login' } : {}),
    });
    return { url, state, nonce, codeVerifier };
  }

  /**
   * Finishes a sign-in from the callback's query: checks `state`, exchanges the code with the PKCE
   * verifier, and checks the ID token. Throws SignInRefusal for anything the provider or a check refused.
   */
  async completeAuthorization(
    callbackQuery: URLSearchParams,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<VerifiedIdentity> {
    let tokensReceived = false;
    const base = this.options.fetch ?? ((url: string, init: client.CustomFetchOptions) => fetch(url, init));
    const server = await this.serverMetadata();
    const watched: client.CustomFetch = async (url, init) => {
      const response = await base(url, init);
      if (url === server.token_endpoint && response.ok) tokensReceived = true;
      return response;
    };
    const cfg = await this.configuration(watched);
    // The redirect URI sent to the token endpoint is the registered one, not whatever host the request
    // arrived on (API Gateway's own domain, a proxy's): only the query comes from the callback.
    const current = new URL(this.options.redirectUri);
    current.search = callbackQuery.toString();
    const maxAge = this.options.config.maxAuthAgeMinutes * 60;
    try {
      const tokens = await client.authorizationCodeGrant(cfg, current, {
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        pkceCodeVerifier: expected.codeVerifier,
        maxAge,
      });
      const jwks = client.getJwksCache(cfg);
      if (jwks) this.jwksCache = jwks;
      const idClaims = tokens.claims();
      if (!idClaims || typeof idClaims.sub !== 'string' || idClaims.sub.length === 0) {
        throw new SignInRefusal('id-token-invalid', 'missing-sub');
      }
      if (typeof idClaims.auth_time !== 'number')
        throw new SignInRefusal('id-token-invalid', 'missing-auth_time');
      let claims: Record<string, unknown> = { ...idClaims };
      if (this.options.config.useUserInfo) {
        // userinfo must be about the same person as the ID token (checked by the library).
        const info = await client.fetchUserInfo(cfg, tokens.access_token, idClaims.sub);
        claims = { ...info, ...idClaims };
      }
      return {
        issuer: idClaims.iss,
        subject: idClaims.sub,
        name: displayName(claims),
        authTime: new Date(idClaims.auth_time * 1000).toISOString(),
        claims,
      };
    } catch (err) {
      if (err instanceof SignInRefusal) throw err;
      if (err instanceof client.AuthorizationResponseError)
        throw new SignInRefusal('provider-error', err.error);
      if (err instanceof client.ResponseBodyError)
        throw new SignInRefusal('token-exchange-failed', err.error);
      const code = (err as { code?: unknown }).code;
      const safeCode = typeof code === 'string' ? code : undefined;
      if (tokensReceived) throw new SignInRefusal('id-token-invalid', safeCode);
      if (safeCode === 'OAUTH_INVALID_RESPONSE') throw new SignInRefusal('callback-invalid', safeCode);
      throw new SignInRefusal('token-exchange-failed', safeCode);
    }
  }

  /** The provider's sign-out page (RP-initiated logout), if it has one. */
  async endSessionUrl(postLogoutRedirectUri: string): Promise<URL | undefined> {
    const server = await this.serverMetadata();
    if (!server.end_session_endpoint) return undefined;
    const cfg = await this.configuration();
    return client.buildEndSessionUrl(cfg, {
      client_id: this.options.config.clientId,
      post_logout_redirect_uri: postLogoutRedirectUri,
    });
  }
}

function displayName(claims: Readonly<Record<string, unknown>>): string {
  for (const key of ['name', 'preferred_username', 'email', 'sub'] as const) {
    const value = claims[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return 'unknown';
}
