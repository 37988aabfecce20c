/**
 * Staff roles and callers, and the pure mappings from what an identity provider or IAM says about a
 * person to the Attend roles they hold. Nothing here touches the network or the table: the mappings
 * come from the trust config, and every mapping is a table test in tests/unit/core/roles.test.ts.
 */
import * as z from '#core/zod.ts';

/** The four staff roles, in order of reach (a route lists every role that may use it). */
export const ROLES = ['scheduler', 'health-visitor', 'manager', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/**
 * Who is calling: a signed-in person (`oidc`), a machine or CLI user through the AWS_IAM door (`iam`),
 * or the unsigned local caller of the local runtime (`local`, which exists only there).
 */
export interface Caller {
  readonly kind: 'oidc' | 'iam' | 'local';
  /** The OIDC `sub`, the IAM principal ARN, or `local-dev`. */
  readonly subject: string;
  /** What the audit trail and the pages show: the person's display name, or the IAM role and session. */
  readonly name: string;
  readonly roles: readonly Role[];
  /** The session's public handle (never the cookie value), for signed-in callers. */
  readonly sessionId?: string;
}

/** The unsigned caller of the local runtime's API: the local admin. Never used in AWS. */
export const LOCAL_ADMIN_CALLER: Caller = Object.freeze({
  kind: 'local',
  subject: 'local-dev',
  name: 'Local administrator (unsigned local call)',
  roles: Object.freeze(['admin'] as Role[]),
});

/** Attend roles keyed by a value the identity provider sends. */
export type RoleMap = Readonly<Record<string, readonly Role[]>>;

/** How roles come from ID token claims; any mix of the three may be configured. */
export interface RoleClaimsMapping {
  /** Entra ID app roles: values of the `roles` claim. */
  readonly roles?: RoleMap;
  /** Entra ID security groups: object ids in the `groups` claim. */
  readonly groups?: RoleMap;
  /**
   * NHS CIS2 national RBAC: role codes in `nhsid_nrbac_roles`. A key matches an entry's whole
   * `role_code` ("S8000:G8000:R8000") or any one of its colon-separated parts ("R8000"). Only the role
   * the person selected at sign-in (`selected_roleid`) counts, and, when `orgCodes` is set, only if
   * that role is held at one of the trust's own organisations.
   */
  readonly cis2?: { readonly roleCodes: RoleMap; readonly orgCodes?: readonly string[] };
}

/** The CIS2 role the person chose at sign-in, kept on the session for a later "change role". */
export interface SelectedCis2Role {
  readonly id: string;
  readonly code: string;
  readonly name?: string;
  readonly orgCode?: string;
}

export interface ClaimRoles {
  readonly roles: Role[];
  readonly selectedRole?: SelectedCis2Role;
}

const nrbacRoleSchema = z.looseObject({
  person_roleid: z.string(),
  role_code: z.string(),
  role_name: z.optional(z.string()),
  org_code: z.optional(z.string()),
});

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function lookUp(map: RoleMap | undefined, values: readonly string[], into: Set<Role>): void {
  if (!map) return;
  for (const value of values) {
    // Own properties only: a claim value of "constructor" or "__proto__" must not reach the prototype.
    if (Object.hasOwn(map, value)) for (const role of map[value] ?? []) into.add(role);
  }
}

/** Ordered as ROLES, without repeats. */
function ordered(found: ReadonlySet<Role>): Role[] {
  return ROLES.filter((role) => found.has(role));
}

/**
 * The Attend roles an ID token's claims give, by the trust's mapping. Values the mapping does not name
 * give nothing, so a person with no mapped value has no role (and sees only "no access").
 */
export function rolesFromClaims(
  claims: Readonly<Record<string, unknown>>,
  mapping: RoleClaimsMapping,
): ClaimRoles {
  const found = new Set<Role>();
  lookUp(mapping.roles, stringList(claims.roles), found);
  lookUp(mapping.groups, stringList(claims.groups), found);

  let selectedRole: SelectedCis2Role | undefined;
  if (mapping.cis2) {
    const selectedId = typeof claims.selected_roleid === 'string' ? claims.selected_roleid : undefined;
    const entries = Array.isArray(claims.nhsid_nrbac_roles) ? claims.nhsid_nrbac_roles : [];
    const selected = entries
      .map((entry) => nrbacRoleSchema.safeParse(entry))
      .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
      .find((entry) => selectedId !== undefined && entry.person_roleid === selectedId);
    if (selected) {
      selectedRole = {
        id: selected.person_roleid,
        code: selected.role_code,
        name: selected.role_name,
        orgCode: selected.org_code,
      };
      const orgAllowed =
        !mapping.cis2.orgCodes?.length ||
        (selected.org_code !== undefined && mapping.cis2.orgCodes.includes(selected.org_code));
      if (orgAllowed) {
        const parts = selected.role_code.split(':');
        lookUp(mapping.cis2.roleCodes, [selected.role_code, ...parts], found);
      }
    }
  }
  return selectedRole ? { roles: ordered(found), selectedRole } : { roles: ordered(found) };
}

/** An IAM role named by account and role name; the path is not part of an assumed-role ARN. */
interface IamRoleName {
  readonly partition: string;
  readonly account: string;
  readonly name: string;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;
const ASSUMED_ROLE_ARN = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;

function roleNameOf(arn: string): IamRoleName | undefined {
  const role = ROLE_ARN.exec(arn) ?? ASSUMED_ROLE_ARN.exec(arn);
  return role ? { partition: role[1]!, account: role[2]!, name: role[3]! } : undefined;
}

/**
 * The Attend roles of an IAM principal (a role ARN or the assumed-role ARN a function URL reports),
 * by `staffAccess.iamRoles`. Role paths are ignored because an assumed-role ARN does not carry them;
 * account, partition and role name must all match. No mapping gives no roles.
 */
export function rolesForIamPrincipal(principalArn: string, iamRoles: RoleMap): Role[] {
  const caller = roleNameOf(principalArn);
  if (!caller) return [];
  const found = new Set<Role>();
  for (const [arn, roles] of Object.entries(iamRoles)) {
    const mapped = roleNameOf(arn);
    if (
      mapped &&
      mapped.partition === caller.partition &&
      mapped.account === caller.account &&
      mapped.name === caller.name
    ) {
      for (const role of roles) found.add(role);
    }
  }
  return ordered(found);
}

/** The name an IAM caller goes by in the audit trail and pages: "RoleName/session" or the ARN. */
export function iamDisplayName(principalArn: string): string {
  const assumed = ASSUMED_ROLE_ARN.exec(principalArn);
  return assumed ? `${assumed[3]}/${assumed[4]}` : principalArn;
}
