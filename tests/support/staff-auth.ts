/**
 * The local runtime (with its OpenID Connect provider at /oidc) and a staff-auth service on the same
 * table and the runtime's virtual clock, for the sign-in tests. Sessions are timed on that clock too
 * (locally they are otherwise timed in real time).
 */
import { randomUUID } from 'node:crypto';
import type { CustomFetch } from 'openid-client';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';
import { type LocalRuntime, startLocal } from '#local/runtime.ts';
import { metricsTableOf } from '#local/tables.ts';
import { useSessionClock } from '#runtime/clock.ts';
import { localOidcCredentials } from '#runtime/oidc-credentials.ts';
import { createStaffAuth, type StaffAuth } from '#services/staff-auth.ts';
import { createDocClient } from '#store/client.ts';
import type { StoreContext } from '#store/context.ts';
import { dynamoEndpoint, exampleConfig, silentLog } from './dynamo.ts';

export interface SignInWorld {
  runtime: LocalRuntime;
  store: StoreContext;
  /** The trust config as the runtime runs it: staffAccess.oidc points at the local provider. */
  config: TrustConfig;
  /** A staff-auth service on the runtime's table and virtual clock. */
  auth(options?: { tokenClock?: () => number; fetch?: CustomFetch; config?: TrustConfig }): StaffAuth;
  stop(): Promise<void>;
}

export async function startSignInWorld(startAt: string): Promise<SignInWorld> {
  const endpoint = dynamoEndpoint();
  const tableName = `attend-auth-${randomUUID().slice(0, 8)}`;
  const runtime = await startLocal({
    config: exampleConfig,
    port: 0,
    dynamoEndpoint: endpoint,
    tableName,
    seed: false,
    frozenClock: true,
    startAt: new Date(startAt),
  });
  // These tests move one clock for both the schedules and the sessions (the runtime's own web handler
  // included), so a session's idle and absolute limits can be reached without waiting.
  useSessionClock(() => runtime.clock.now());
  const store: StoreContext = {
    db: createDocClient({ ...LOCAL_AWS, endpoint }),
    table: tableName,
    metricsTable: metricsTableOf(tableName),
  };
  const config: TrustConfig = {
    ...exampleConfig,
    staffAccess: { ...exampleConfig.staffAccess, oidc: runtime.idp.oidcConfig },
  };
  return {
    runtime,
    store,
    config,
    auth: (options = {}) =>
      createStaffAuth(
        { store, config: options.config ?? config, now: () => runtime.clock.now(), log: silentLog },
        {
          publicOrigin: runtime.url,
          credentials: localOidcCredentials(runtime.idp.secrets),
          ...(options.tokenClock ? { tokenClock: options.tokenClock } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        },
      ),
    async stop() {
      store.db.destroy();
      await runtime.stop();
    },
  };
}
