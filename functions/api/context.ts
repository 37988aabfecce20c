import type { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Deps } from '#services/deps.ts';

export type AdminRouter = Router;

/** Who made a request: the IAM caller from the function URL's request context, else the local user. */
export function callerOf(event: unknown): string {
  const ctx = (
    event as { requestContext?: { authorizer?: { iam?: { userArn?: string; callerId?: string } } } }
  )?.requestContext;
  return ctx?.authorizer?.iam?.userArn ?? ctx?.authorizer?.iam?.callerId ?? 'local-dev';
}

/** Each resource module registers its routes with this signature. */
export type RegisterRoutes = (router: AdminRouter, deps: Deps) => void;
