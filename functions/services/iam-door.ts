/**
 * The IAM door, on its own so that the admin API's bundle does not carry the OpenID Connect client.
 */
import {
  type Caller,
  iamDisplayName,
  LOCAL_ADMIN_CALLER,
  type RoleMap,
  rolesForIamPrincipal,
} from '#core/roles.ts';

/** The parts of a function URL (or API Gateway) event that say who signed the request. */
interface IamRequestContext {
  readonly requestContext?: {
    readonly authorizer?: { readonly iam?: { readonly userArn?: string | null } | null } | null;
  };
}

/**
 * The IAM door: the caller of an AWS_IAM function URL, with the Attend roles `staffAccess.iamRoles`
 * gives its role (an assumed-role ARN is matched by account and role name). A principal with no mapping
 * has no roles, and the route layer answers 403. Without any IAM identity there is no caller, except in
 * the local runtime, where `unsignedLocalAdmin` makes unsigned calls the local admin.
 */
export function callerFromIam(
  event: unknown,
  config: { readonly staffAccess: { readonly iamRoles: RoleMap } },
  options: { readonly unsignedLocalAdmin?: boolean } = {},
): Caller | undefined {
  const userArn = (event as IamRequestContext | undefined)?.requestContext?.authorizer?.iam?.userArn;
  if (typeof userArn === 'string' && userArn.length > 0) {
    return {
      kind: 'iam',
      subject: userArn,
      name: iamDisplayName(userArn),
      roles: rolesForIamPrincipal(userArn, config.staffAccess.iamRoles),
    };
  }
  return options.unsignedLocalAdmin ? LOCAL_ADMIN_CALLER : undefined;
}
