/**
 * The staff-auth service of the web function, built once per cold start from the environment: the web
 * origin (`WEB_ORIGIN`, which the stack sets from the trust's web domain and the local runtime to
 * http://localhost:<port>) and the OIDC credentials (Secrets Manager and KMS in AWS, a local map locally).
 */
import { createStaffAuth, type StaffAuth, type StaffAuthDeps } from '#services/staff-auth.ts';
import type { Env } from './env.ts';
import { oidcCredentialsFromEnv } from './oidc-credentials.ts';

export function staffAuthFromEnv(deps: StaffAuthDeps & { env: Env }): StaffAuth {
  if (!deps.env.WEB_ORIGIN) {
    throw new Error(
      'Invalid environment:\n  WEB_ORIGIN: required for staff sign-in (the web app’s https:// origin)',
    );
  }
  return createStaffAuth(deps, { publicOrigin: deps.env.WEB_ORIGIN, credentials: oidcCredentialsFromEnv() });
}
