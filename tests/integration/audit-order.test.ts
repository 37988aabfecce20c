/**
 * The audit trail lists entries by when they were written, newest first, with a stable tie-break: two
 * entries in the same millisecond (a frozen local clock, or two calls close together) come back in the
 * order they were written, not in the order of their random ids.
 */
import { beforeAll, expect, it } from 'vitest';
import { type AuditEntry, auditByDay, recordAudit } from '#store/audit.ts';
import type { StoreContext } from '#store/context.ts';
import { freshTable } from '../support/dynamo.ts';

let store: StoreContext;

beforeAll(async () => {
  store = await freshTable();
});

const entry = (id: string, at: string, action: string): AuditEntry => ({
  id,
  at,
  actor: 'local-dev',
  action,
  fields: [],
});

it('lists entries written in the same millisecond newest first, in the order they were written', async () => {
  // Prepare: three entries in one millisecond whose ids sort against the order they are written, and
  // one a millisecond later
  const at = '2026-11-30T09:00:00.000Z';

  // Act
  await recordAudit(store, entry('ffffffff-0000-4000-8000-000000000001', at, 'SIGN_IN'));
  await recordAudit(store, entry('88888888-0000-4000-8000-000000000002', at, 'DELETE /clients/{id}'));
  await recordAudit(store, entry('00000000-0000-4000-8000-000000000003', at, 'SIGN_OUT'));
  await recordAudit(
    store,
    entry('00000000-0000-4000-8000-000000000004', '2026-11-30T09:00:00.001Z', 'LATER'),
  );

  // Assess: newest first, in one page and across pages of one
  const { items } = await auditByDay(store, '2026-11-30');
  expect(items.map((e) => e.action)).toEqual(['LATER', 'SIGN_OUT', 'DELETE /clients/{id}', 'SIGN_IN']);
  const paged: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await auditByDay(store, '2026-11-30', { limit: 1, ...(cursor ? { cursor } : {}) });
    paged.push(...page.items.map((e) => e.action));
    cursor = page.cursor;
  } while (cursor);
  expect(paged).toEqual(['LATER', 'SIGN_OUT', 'DELETE /clients/{id}', 'SIGN_IN']);
});
