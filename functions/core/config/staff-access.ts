/**
 * `staffAccess`: who may use Attend and as which role, through either door: the AWS_IAM function URL
 * (machines and the CLI, `iamRoles`) and the browser (OpenID Connect against the trust's identity
 * provider, `oidc`), plus how long a signed-in session lasts (`sessions`).
 */
import * as z from '#core/zod.ts';
import { roleSchema } from '../roles.ts';

const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/;

const roles = z.array(roleSchema).check(z.minLength(1, 'map each value to at least one Attend role'));
const roleMap = z.record(z.string().check(z.minLength(1)), roles);

/**
 * The issuer: HTTPS, except http://localhost (the local runtime's own provider), because the client
 * refuses plain HTTP to anything else.
 */
const issuer = z.url().check(
  z.refine(
    (value) => {
      // Not a URL at all: z.url() has said so, naming the field; this check has nothing to add.
      if (!URL.canParse(value)) return true;
      const url = new URL(value);
      return (
        url.protocol === 'https:' ||
        (url.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(url.hostname))
      );
    },
    { message: 'expected an https:// issuer URL (http:// only for localhost)' },
  ),
);

/** How Attend proves itself at the token endpoint. CIS2 requires private_key_jwt. */
const clientAuthSchema = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal('client_secret_basic'),
    /** Secrets Manager secret holding the client secret (the whole SecretString). */
    secretArn: z.string().check(z.regex(SECRET_ARN, 'expected a Secrets Manager secret ARN')),
  }),
  z
    .strictObject({
      method: z.literal('private_key_jwt'),
      /** Secrets Manager secret holding the private key: a JWK (JSON) or a PKCS#8 PEM. */
      keySecretArn: z.optional(
        z.string().check(z.regex(SECRET_ARN, 'expected a Secrets Manager secret ARN')),
      ),
      /** An asymmetric KMS signing key (the private key never leaves KMS). */
      kmsKeyArn: z.optional(z.string().check(z.regex(KMS_KEY_ARN, 'expected a KMS key ARN'))),
      /** The `kid` the provider knows the public key by. */
      keyId: z.optional(z.string().check(z.minLength(1))),
      /** The assertion's signing algorithm (an RSA key; CIS2 asks for RS512). */
      algorithm: z._default(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']), 'RS256'),
    })
    .check(
      z.refine((auth) => (auth.keySecretArn === undefined) !== (auth.kmsKeyArn === undefined), {
        message:
          'set exactly one of "keySecretArn" (a key in Secrets Manager) or "kmsKeyArn" (a KMS signing key)',
      }),
    ),
]);

export const roleClaimsSchema = z
  .strictObject({
    /** Entra ID app role values (`roles` claim) → Attend roles. */
    roles: z.optional(roleMap),
    /** Entra ID group object ids (`groups` claim) → Attend roles. */
    groups: z.optional(roleMap),
    /** CIS2: national RBAC role codes of the selected role → Attend roles; optionally only at these ODS codes. */
    cis2: z.optional(
      z.strictObject({
        roleCodes: roleMap,
        orgCodes: z.optional(
          z.array(z.string().check(z.regex(/^[A-Z0-9]{3,10}$/, 'expected an ODS organisation code'))),
        ),
      }),
    ),
  })
  .check(
    z.refine(
      (m) => [m.roles, m.groups, m.cis2?.roleCodes].some((map) => map && Object.keys(map).length > 0),
      {
        message: 'map at least one claim value to Attend roles (roles, groups or cis2.roleCodes)',
      },
    ),
  );

export const oidcSchema = z.strictObject({
  issuer,
  clientId: z.string().check(z.minLength(1)),
  clientAuth: clientAuthSchema,
  scopes: z
    ._default(z.array(z.string().check(z.regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'expected a scope token'))), [
      'openid',
      'profile',
      'email',
    ])
    .check(z.refine((s) => s.includes('openid'), { message: 'the scopes must include "openid"' })),
  roleClaims: roleClaimsSchema,
  /**
   * How long ago the person may have last authenticated at the provider: sent as `max_age` and checked
   * against the ID token's `auth_time`.
   */
  maxAuthAgeMinutes: z._default(z.number().check(z.int(), z.gte(1), z.lte(24 * 60)), 60),
  /** Read claims from the userinfo endpoint too (CIS2 returns `nhsid_nrbac_roles` there, not in the ID token). */
  useUserInfo: z._default(z.boolean(), false),
  /** Extra authorization request parameters, e.g. CIS2's `acr_values` or Entra's `domain_hint`. */
  authorizationParams: z._default(z.record(z.string(), z.string()), {}).check(
    z.refine(
      (p) =>
        !Object.keys(p).some((k) =>
          [
            'state',
            'nonce',
            'code_challenge',
            'code_challenge_method',
            'redirect_uri',
            'client_id',
            'response_type',
            'scope',
            'max_age',
          ].includes(k),
        ),
      {
        message:
          'these are set by Attend itself: state, nonce, PKCE, redirect_uri, client_id, response_type, scope, max_age',
      },
    ),
  ),
});
export type OidcConfig = z.infer<typeof oidcSchema>;

const sessionsSchema = z._default(
  z.strictObject({
    /** Ends a session this long after its last request (background polling does not count). */
    idleMinutes: z._default(z.number().check(z.int(), z.gte(5), z.lte(60)), 30),
    /** Ends a session this long after sign-in, however active. */
    absoluteHours: z._default(z.number().check(z.int(), z.gte(1), z.lte(24)), 12),
  }),
  { idleMinutes: 30, absoluteHours: 12 },
);

export const staffAccessSection = z._default(
  z.strictObject({
    /**
     * Staff IAM role ARN → Attend roles, for the AWS_IAM door. Each role here may also call the function
     * URL; a role only in `infrastructure.staffRoleArns` may call it but holds no Attend role (403).
     */
    iamRoles: z._default(
      z.record(z.string().check(z.regex(IAM_ROLE_ARN, 'expected an IAM role ARN')), roles),
      {},
    ),
    /** The browser door. Without it, staff can use only the IAM door. */
    oidc: z.optional(oidcSchema),
    sessions: sessionsSchema,
  }),
  { iamRoles: {}, sessions: { idleMinutes: 30, absoluteHours: 12 } },
);
export type StaffAccessConfig = z.infer<typeof staffAccessSection>;

/** Every IAM role that may invoke the admin function URL: the old list and the mapped roles. */
export function staffInvokerRoleArns(cfg: {
  readonly infrastructure: { readonly staffRoleArns: readonly string[] };
  readonly staffAccess: StaffAccessConfig;
}): string[] {
  return [...new Set([...cfg.infrastructure.staffRoleArns, ...Object.keys(cfg.staffAccess.iamRoles)])];
}

/** What the web function must be allowed to read or use to authenticate to the provider (for CDK grants). */
export function oidcCredentialArns(oidc: OidcConfig | undefined): { secrets: string[]; kmsKeys: string[] } {
  const auth = oidc?.clientAuth;
  if (!auth) return { secrets: [], kmsKeys: [] };
  if (auth.method === 'client_secret_basic') return { secrets: [auth.secretArn], kmsKeys: [] };
  return {
    secrets: auth.keySecretArn ? [auth.keySecretArn] : [],
    kmsKeys: auth.kmsKeyArn ? [auth.kmsKeyArn] : [],
  };
}
