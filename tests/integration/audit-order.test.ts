/**
 * The audit trail lists entries by when they were written, newest first, with a stable tie-break: two
 * entries in the same millisecond (a frozen local clock, or two calls close together) come back in the
 * order they were written, not in the order of their random ids. And the local runtime's flowing clock,
 * which the entries' times are read from, never goes back under them.
 */
import { beforeAll, expect, it } from 'vitest';
import { Scheduler } from '#local/scheduler.ts';
import { VirtualClock } from '#local/virtual-clock.ts';
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

it('lists a call answered during a scheduler catch-up before the call answered after it (local runtime)', async () => {
  // Prepare: the local runtime's flowing clock (on a hand-moved real time) and its once-a-second
  // catch-up, whose question to a schedule takes 400 ms of real time, as it can on a loaded machine;
  // meanwhile a staff call is answered and audited
  let real = 0;
  const clock = new VirtualClock(new Date('2026-11-30T10:00:00.000Z'), false, () => real);
  const audited = (id: string, action: string) =>
    recordAudit(store, entry(id, clock.now().toISOString(), action));
  const scheduler = new Scheduler(clock, [
    {
      name: 'sweep',
      everyMinutes: 5,
      run: async () => {},
      nextWorkAt: async () => {
        real += 400;
        await audited('00000000-0000-4000-8000-00000000000a', 'DELETE /clients/{id}');
        return undefined;
      },
    },
  ]);

  // Act: the catch-up, then the next call 20 ms later
  await scheduler.advanceTo(() => clock.now());
  real += 20;
  await audited('00000000-0000-4000-8000-00000000000b', 'SIGN_OUT');

  // Assess: the later call is listed as the newer, and its time is the later
  const { items } = await auditByDay(store, '2026-11-30');
  const steps = items.filter((e) => e.at.startsWith('2026-11-30T10:')).map((e) => [e.action, e.at]);
  expect(steps).toEqual([
    ['SIGN_OUT', '2026-11-30T10:00:00.420Z'],
    ['DELETE /clients/{id}', '2026-11-30T10:00:00.400Z'],
  ]);
});
