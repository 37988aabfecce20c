/**
 * The local runtime's OpenID Connect provider: a real one (`oidc-provider`), mounted at /oidc on the
 * local server, so the staff app's sign-in runs locally exactly as against the trust's Entra ID or CIS2:
 * discovery, the authorization code flow with PKCE, a login form, signed ID tokens, sign-out.
 *
 * LOCAL ONLY. Its accounts are demo accounts with a published password, its keys are made at start and
 * its state is in memory. Nothing in the Lambda bundles imports this file.
 *
 * Its ID tokens look like Entra ID's: `name`, `preferred_username`, `email` and app roles in `roles`.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { OidcConfig } from '#core/config/staff-access.ts';

export const DEMO_PASSWORD = 'attend-demo';

export interface DemoAccount {
  readonly email: string;
  readonly name: string;
  /** Entra ID-style app role values (the `roles` claim). */
  readonly roles: readonly string[];
}

/** Entra-style app role values the local provider sends, and the Attend role each maps to. */
export const LOCAL_APP_ROLES = {
  'Attend.Scheduler': ['scheduler'],
  'Attend.HealthVisitor': ['health-visitor'],
  'Attend.Manager': ['manager'],
  'Attend.Admin': ['admin'],
} as const;

/** One account per role, and one with no Attend role (who sees "no access"). Names are fictional. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: 'scheduler@example.nhs.uk', name: 'Sam Patel', roles: ['Attend.Scheduler'] },
  { email: 'health-visitor@example.nhs.uk', name: 'Grace Adeyemi', roles: ['Attend.HealthVisitor'] },
  { email: 'manager@example.nhs.uk', name: 'Tom Hughes', roles: ['Attend.Manager'] },
  { email: 'admin@example.nhs.uk', name: 'Alex Morgan', roles: ['Attend.Admin'] },
  { email: 'no-access@example.nhs.uk', name: 'Jamie Lee', roles: ['Directory.Reader'] },
];

/** A stable, opaque subject per account, shaped like Entra ID's pairwise `sub`. */
export function demoSubject(email: string): string {
  return createHash('sha256').update(`attend-local:${email.toLowerCase()}`).digest('base64url');
}

export const LOCAL_CLIENT_ID = 'attend-local';
/** The ARN the local config names for the client secret; the local runtime resolves it without AWS. */
export const LOCAL_CLIENT_SECRET_ARN =
  'arn:aws:secretsmanager:eu-west-2:000000000000:secret:attend-local-oidc-client';

export interface LocalIdpOptions {
  /** The issuer, e.g. http://localhost:3000/oidc; its path is where the provider is mounted. */
  readonly issuer: string;
  /** The Attend web origin the registered client redirects back to, e.g. http://localhost:3000. */
  readonly appOrigin: string;
  /** More clients (tests register a private_key_jwt client). */
  readonly extraClients?: readonly ClientMetadata[];
}

export interface LocalIdp {
  readonly issuer: string;
  readonly mountPath: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The staffAccess.oidc section that points Attend at this provider. */
  readonly oidcConfig: OidcConfig;
  /** The secrets the local OIDC credentials resolve (secret ARN → value). */
  readonly secrets: Readonly<Record<string, string>>;
  /** Serves a request whose path starts with the mount path. */
  handle(req: IncomingMessage, res: ServerResponse): void;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const STYLE = `body{font-family:Arial,sans-serif;margin:0;background:#f0f4f5;color:#212b32}
main{max-width:32rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-top:4px solid #005eb8}
h1{font-size:1.75rem}label{display:block;font-weight:bold;margin-top:1rem}
input{font-size:1.1rem;padding:.4rem;width:100%;box-sizing:border-box;border:2px solid #4c6272}
input:focus,button:focus{outline:3px solid #ffeb3b;outline-offset:0}
button{margin-top:1.5rem;font-size:1.1rem;padding:.6rem 1.2rem;background:#007f3b;color:#fff;border:0;cursor:pointer}
.error-summary{border:4px solid #d5281b;padding:1rem}.error-message{color:#d5281b;font-weight:bold;display:block}
.hint{color:#4c6272}code{font-size:.95rem}
.visually-hidden{position:absolute;width:1px;height:1px;margin:0;overflow:hidden;clip:rect(0 0 0 0)}`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Local identity provider (demo only)</title><style>${STYLE}</style></head>
<body><main>${body}</main></body>
</html>`;
}

function loginPage(action: string, options: { email?: string; error?: string }): string {
  const { email = '', error } = options;
  const errorSummary = error
    ? `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">There is a problem</h2><p><a href="#password">${escapeHtml(error)}</a></p></div>`
    : '';
  const accounts = DEMO_ACCOUNTS.map((a) => `<li><code>${escapeHtml(a.email)}</code></li>`).join('');
  return page(
    error ? 'Error: Sign in' : 'Sign in',
    `${errorSummary}
<h1>Sign in to Attend</h1>
<p class="hint">This is the local demo identity provider. It exists only in the local runtime.</p>
<form method="post" action="${escapeHtml(action)}" novalidate>
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="username" spellcheck="false" value="${escapeHtml(email)}"${error ? ' aria-describedby="password-error"' : ''}>
<label for="password">Password</label>
${error ? `<span class="error-message" id="password-error"><span class="visually-hidden">Error:</span> ${escapeHtml(error)}</span>` : ''}
<input id="password" name="password" type="password" autocomplete="current-password"${error ? ' aria-invalid="true" aria-describedby="password-error"' : ''}>
<button type="submit">Sign in</button>
</form>
<h2>Demo accounts</h2>
<p class="hint">Each has the password <code>${DEMO_PASSWORD}</code>.</p>
<ul>${accounts}</ul>`,
  );
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

export async function startLocalIdp(options: LocalIdpOptions): Promise<LocalIdp> {
  const issuerUrl = new URL(options.issuer);
  const mountPath = issuerUrl.pathname.replace(/\/$/, '');
  const appOrigin = new URL(options.appOrigin).origin;
  const clientSecret = randomBytes(32).toString('base64url');

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'local-1', alg: 'RS256', use: 'sig' };

  const accounts = new Map(DEMO_ACCOUNTS.map((a) => [demoSubject(a.email), a]));

  const configuration: Configuration = {
    clients: [
      {
        client_id: LOCAL_CLIENT_ID,
        client_secret: clientSecret,
        client_name: 'Attend (local)',
        redirect_uris: [`${appOrigin}/auth/callback`],
        post_logout_redirect_uris: [`${appOrigin}/`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
        require_auth_time: true,
      },
      ...(options.extraClients ?? []),
    ],
    // PKCE for every client, not only public ones: Attend always sends it, and a request without it fails.
    pkce: { required: () => true },
    jwks: { keys: [signingKey] },
    // The client assertion algorithms Attend can be configured with (CIS2 asks for RS512).
    enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] },
    // Seconds. ID tokens live an hour, as Entra ID's do; the provider's own session a working day.
    ttl: {
      AuthorizationCode: 60,
      IdToken: 3600,
      AccessToken: 3600,
      Interaction: 600,
      Session: 12 * 3600,
      Grant: 12 * 3600,
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub', 'roles'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    // Put the scope's claims in the ID token, as Entra ID does, not only at the userinfo endpoint.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: KoaContextWithOIDC, form: string) {
          ctx.type = 'html';
          ctx.body = page(
            'Sign out',
            `<h1>Sign out of the demo identity provider</h1>${form}
<p>You have signed out of Attend. The next sign-in to Attend on this computer asks for your password again.</p>
<p>Sign out here too to end your session with the identity provider for every other service.</p>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`,
          );
        },
        async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
          ctx.type = 'html';
          ctx.body = page('Signed out', '<h1>You have signed out</h1>');
        },
      },
    },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            name: account.name,
            preferred_username: account.email,
            email: account.email,
            email_verified: true,
            roles: [...account.roles],
          };
        },
      };
    },
    // Every client here is first-party: consent is granted for the scopes asked, with no consent page.
    async loadExistingGrant(ctx) {
      const { session, client } = ctx.oidc;
      if (!session?.accountId || !client) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const grant =
        (grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined) ??
        new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page(
        'Error',
        `<h1>Sign-in did not work</h1><p>${escapeHtml(String(out.error_description ?? out.error ?? 'error'))}</p>`,
      );
    },
  };

  // Loaded only now, not with the runtime: it warns on import (Node 20, its in-memory store), and a start
  // refused for a port or data folder in use should say that alone.
  const { default: Provider } = await import('oidc-provider');
  const provider = new Provider(issuerUrl.href.replace(/\/$/, ''), configuration);
  const callback = provider.callback();
  const interaction = new RegExp(`^${mountPath}/interaction/([A-Za-z0-9_-]+)(/login)?$`);

  async function handleInteraction(req: IncomingMessage, res: ServerResponse, uid: string, login: boolean) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return sendHtml(res, 400, page('Error', '<h1>This sign-in has expired</h1>'));
    const action = `${mountPath}/interaction/${uid}/login`;
    if (!login) {
      if (details.prompt.name !== 'login') {
        // Consent is granted by loadExistingGrant; nothing else is asked.
        return provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
      }
      return sendHtml(res, 200, loginPage(action, {}));
    }
    if (req.method !== 'POST') return sendHtml(res, 405, page('Error', '<h1>Method not allowed</h1>'));
    const form = await readForm(req);
    const email = (form.get('email') ?? '').trim().toLowerCase();
    const account = DEMO_ACCOUNTS.find((a) => a.email === email);
    if (!account || form.get('password') !== DEMO_PASSWORD) {
      return sendHtml(
        res,
        200,
        loginPage(action, { email, error: 'Enter a correct email address and password' }),
      );
    }
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: demoSubject(account.email), amr: ['pwd'] } },
      { mergeWithLastSubmission: false },
    );
  }

  return {
    issuer: provider.issuer,
    mountPath,
    clientId: LOCAL_CLIENT_ID,
    clientSecret,
    secrets: { [LOCAL_CLIENT_SECRET_ARN]: clientSecret },
    oidcConfig: {
      issuer: provider.issuer,
      clientId: LOCAL_CLIENT_ID,
      clientAuth: { method: 'client_secret_basic', secretArn: LOCAL_CLIENT_SECRET_ARN },
      scopes: ['openid', 'profile', 'email'],
      roleClaims: { roles: Object.fromEntries(Object.entries(LOCAL_APP_ROLES).map(([k, v]) => [k, [...v]])) },
      maxAuthAgeMinutes: 60,
      useUserInfo: false,
      authorizationParams: {},
    },
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = interaction.exec(url.pathname);
      if (match) {
        handleInteraction(req, res, match[1]!, match[2] !== undefined).catch((err: unknown) => {
          if (!res.headersSent)
            sendHtml(res, 400, page('Error', '<h1>This sign-in has expired</h1><p>Start again.</p>'));
          else res.end();
          void err;
        });
        return;
      }
      // Mounted as Express mounts a sub-app: the provider sees its own paths, and builds its URLs from
      // originalUrl, so links and redirects keep the mount path.
      const original = req.url ?? '/';
      Object.assign(req, { originalUrl: original, url: original.slice(mountPath.length) || '/' });
      void callback(req, res);
    },
  };
}
