/** Every change made through the API is on the audit trail: who, what, which record, when. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalRuntime } from '#local/runtime.ts';
import type { AuditEntry } from '#store/audit.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;
let http: Api;

beforeAll(async () => {
  runtime = await startTestRuntime('2026-11-23T09:00:00Z');
  http = api(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

it('records successful changes with the caller, the action, the record and the field names only', async () => {
  // Act
  await http.post('/clinics', { id: 'meadow', name: 'Meadow Lane Clinic', venue: 'Meadow Lane Clinic' });
  const client = await http.post<{ id: string }>('/clients', { firstName: 'Seren', phone: '07700 900555' });
  await http.post('/clients', { firstName: '', phone: 'nope' }); // rejected: not a change
  await http.get('/clinics'); // a read: not audited

  // Assess
  const trail = await http.get<{ date: string; items: AuditEntry[] }>('/audit?date=2026-11-23');
  expect(trail.status).toBe(200);
  const actions = trail.body.items.map((e) => e.action);
  // The local clock is frozen, so both share an instant: newest first, in the order they were made.
  expect(actions).toEqual(['POST /clients', 'POST /clinics']);
  const created = trail.body.items.find((e) => e.action === 'POST /clients')!;
  expect(created.actor).toBe('local-dev');
  // Unsigned calls exist only locally, where they are the local admin.
  expect(created.actorKind).toBe('local');
  expect(created.actorName).toBe('Local administrator (unsigned local call)');
  expect(created.recordId).toBe(client.body.id);
  expect(created.at).toBe('2026-11-23T09:00:00.000Z');
  expect(created.fields).toEqual(['firstName', 'phone']);
  expect(JSON.stringify(trail.body)).not.toContain('900555');
  expect(JSON.stringify(trail.body)).not.toContain('Seren');
});
