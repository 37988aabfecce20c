import { describe, expect, it } from 'vitest';
import {
  iamDisplayName,
  type RoleClaimsMapping,
  rolesForIamPrincipal,
  rolesFromClaims,
} from '#core/roles.ts';

const entra: RoleClaimsMapping = {
  roles: {
    'Attend.Scheduler': ['scheduler'],
    'Attend.HealthVisitor': ['health-visitor'],
    'Attend.Manager': ['manager'],
    'Attend.Admin': ['admin'],
  },
  groups: {
    '6a1c2b1e-0000-4000-8000-00000000000a': ['manager'],
    '6a1c2b1e-0000-4000-8000-00000000000b': ['scheduler', 'health-visitor'],
  },
};

const cis2: RoleClaimsMapping = {
  cis2: {
    roleCodes: { R8000: ['admin'], R8001: ['health-visitor'], 'S8000:G8000:R8003': ['scheduler'] },
    orgCodes: ['RYY'],
  },
};

const nrbac = (person_roleid: string, role_code: string, org_code = 'RYY') => ({
  person_roleid,
  role_code,
  role_name: '"Clinical":"Clinical Provision":"Nurse Access Role"',
  org_code,
  person_orgid: '555254239107',
});

describe('rolesFromClaims', () => {
  it.each<[string, Record<string, unknown>, RoleClaimsMapping, string[]]>([
    ['Entra app role', { roles: ['Attend.Scheduler'] }, entra, ['scheduler']],
    [
      'several app roles, in ROLES order',
      { roles: ['Attend.Admin', 'Attend.Scheduler'] },
      entra,
      ['scheduler', 'admin'],
    ],
    ['a single role as a string', { roles: 'Attend.Manager' }, entra, ['manager']],
    ['unknown app role', { roles: ['Attend.Receptionist'] }, entra, []],
    ['no roles claim at all', { name: 'Sam' }, entra, []],
    ['Entra group object id', { groups: ['6a1c2b1e-0000-4000-8000-00000000000a'] }, entra, ['manager']],
    [
      'a group giving two roles',
      { groups: ['6a1c2b1e-0000-4000-8000-00000000000b'] },
      entra,
      ['scheduler', 'health-visitor'],
    ],
    [
      'roles and groups together, without repeats',
      { roles: ['Attend.Manager'], groups: ['6a1c2b1e-0000-4000-8000-00000000000a'] },
      entra,
      ['manager'],
    ],
    ['unknown group', { groups: ['00000000-0000-0000-0000-000000000000'] }, entra, []],
    [
      'a group id in the roles claim is not a role',
      { roles: ['6a1c2b1e-0000-4000-8000-00000000000a'] },
      entra,
      [],
    ],
    ['prototype names give nothing', { roles: ['constructor', '__proto__', 'toString'] }, entra, []],
    ['non-string values are ignored', { roles: [42, null, { a: 1 }] }, entra, []],
    [
      'a mapping with no CIS2 part ignores CIS2 claims',
      { nhsid_nrbac_roles: [nrbac('1', 'R8000')], selected_roleid: '1' },
      entra,
      [],
    ],
    [
      'CIS2: the selected role, by its job role code',
      { nhsid_nrbac_roles: [nrbac('111', 'S8000:G8000:R8001')], selected_roleid: '111' },
      cis2,
      ['health-visitor'],
    ],
    [
      'CIS2: by the whole role code',
      { nhsid_nrbac_roles: [nrbac('111', 'S8000:G8000:R8003')], selected_roleid: '111' },
      cis2,
      ['scheduler'],
    ],
    [
      'CIS2: only the selected role counts, not every role the person holds',
      {
        nhsid_nrbac_roles: [nrbac('111', 'S8000:G8000:R8001'), nrbac('222', 'S8000:G8000:R8000')],
        selected_roleid: '111',
      },
      cis2,
      ['health-visitor'],
    ],
    [
      'CIS2: no selected_roleid gives nothing',
      { nhsid_nrbac_roles: [nrbac('222', 'S8000:G8000:R8000')] },
      cis2,
      [],
    ],
    [
      'CIS2: a selected_roleid that is not among the roles gives nothing',
      { nhsid_nrbac_roles: [nrbac('222', 'S8000:G8000:R8000')], selected_roleid: '999' },
      cis2,
      [],
    ],
    [
      'CIS2: a role held at another organisation gives nothing',
      { nhsid_nrbac_roles: [nrbac('222', 'S8000:G8000:R8000', 'RXX')], selected_roleid: '222' },
      cis2,
      [],
    ],
    [
      'CIS2: an unmapped role code gives nothing',
      { nhsid_nrbac_roles: [nrbac('222', 'S0010:G0020:R0260')], selected_roleid: '222' },
      cis2,
      [],
    ],
    [
      'CIS2: a malformed role entry is ignored',
      { nhsid_nrbac_roles: [{ person_roleid: 222 }, 'R8000'], selected_roleid: '222' },
      cis2,
      [],
    ],
  ])('%s', (_name, claims, mapping, roles) => {
    expect(rolesFromClaims(claims, mapping).roles).toEqual(roles);
  });

  it('keeps the selected CIS2 role, for a later "change role"', () => {
    const result = rolesFromClaims(
      { nhsid_nrbac_roles: [nrbac('111', 'S8000:G8000:R8001')], selected_roleid: '111' },
      cis2,
    );
    expect(result.selectedRole).toEqual({
      id: '111',
      code: 'S8000:G8000:R8001',
      name: '"Clinical":"Clinical Provision":"Nurse Access Role"',
      orgCode: 'RYY',
    });
  });

  it('without orgCodes, a selected role at any organisation counts', () => {
    const anyOrg: RoleClaimsMapping = { cis2: { roleCodes: { R8000: ['admin'] } } };
    expect(
      rolesFromClaims(
        { nhsid_nrbac_roles: [nrbac('1', 'S8000:G8000:R8000', 'RXX')], selected_roleid: '1' },
        anyOrg,
      ).roles,
    ).toEqual(['admin']);
  });
});

describe('rolesForIamPrincipal', () => {
  const iamRoles = {
    'arn:aws:iam::111122223333:role/AttendAdminCli': ['admin'],
    'arn:aws:iam::111122223333:role/team/AttendReporting': ['manager'],
    'arn:aws:iam::111122223333:role/AttendReportingToo': ['manager', 'scheduler'],
  } as const;

  it.each<[string, string, string[]]>([
    ['the role ARN itself', 'arn:aws:iam::111122223333:role/AttendAdminCli', ['admin']],
    [
      'an assumed-role session of it',
      'arn:aws:sts::111122223333:assumed-role/AttendAdminCli/alex.morgan',
      ['admin'],
    ],
    [
      'a role with a path (an assumed-role ARN has none)',
      'arn:aws:sts::111122223333:assumed-role/AttendReporting/reports-job',
      ['manager'],
    ],
    ['another role', 'arn:aws:sts::111122223333:assumed-role/SomeOtherRole/x', []],
    ['the same role name in another account', 'arn:aws:sts::444455556666:assumed-role/AttendAdminCli/x', []],
    ['another partition', 'arn:aws-us-gov:sts::111122223333:assumed-role/AttendAdminCli/x', []],
    [
      'a role whose name only starts the same',
      'arn:aws:sts::111122223333:assumed-role/AttendAdminCliOld/x',
      [],
    ],
    ['an IAM user', 'arn:aws:iam::111122223333:user/alex', []],
    ['the account root', 'arn:aws:iam::111122223333:root', []],
    ['not an ARN', 'AROAEXAMPLEID:alex', []],
  ])('%s', (_name, principal, roles) => {
    expect(rolesForIamPrincipal(principal, iamRoles)).toEqual(roles);
  });

  it('names an assumed-role caller by role and session', () => {
    expect(iamDisplayName('arn:aws:sts::111122223333:assumed-role/AttendAdminCli/alex.morgan')).toBe(
      'AttendAdminCli/alex.morgan',
    );
    expect(iamDisplayName('arn:aws:iam::111122223333:user/alex')).toBe('arn:aws:iam::111122223333:user/alex');
  });
});
