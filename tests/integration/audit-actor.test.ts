/** The audit trail names who acted through the IAM door: the principal, and the role and session it used. */
import { beforeAll, expect, it } from 'vitest';
import { auditByDay } from '#store/audit.ts';
import type { StoreContext } from '#store/context.ts';
import { freshTable, type TestDeps, testDeps } from '../support/dynamo.ts';
import { callApi, STAFF_ARN } from '../support/function-url.ts';

let store: StoreContext;
let deps: TestDeps;

beforeAll(async () => {
  store = await freshTable();
  deps = testDeps(store, '2026-11-30T09:00:00Z');
});

it('records an IAM caller by its principal ARN, with the role and session name as the actor name', async () => {
  // Act
  const created = await callApi<{ id: string }>(deps, 'POST', '/clinics', {
    id: 'meadow',
    name: 'Meadow Lane Clinic',
    venue: 'Meadow Lane Clinic',
  });

  // Assess
  expect(created.status).toBe(201);
  const { items } = await auditByDay(store, '2026-11-30');
  expect(items).toEqual([
    expect.objectContaining({
      actor: STAFF_ARN,
      actorKind: 'iam',
      actorName: 'attend-staff/hv-jones',
      action: 'POST /clinics',
      recordId: 'meadow',
    }),
  ]);
});
