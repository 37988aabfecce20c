/**
 * Issue 14, "done when", as a new user would try it on `npm start`: the demo has a family whose number
 * fails (07700 900990, in the failing drama-range block), so a few seconds in there is an inbox task.
 * Its own file: the handlers build their dependencies once per process, for one runtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '#local/runtime.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;
let http: Api;

beforeAll(async () => {
  runtime = await startTestRuntime('2026-11-23T09:00:00Z', { seed: true });
  http = api(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

describe('the demo (npm start)', () => {
  it('has a family whose number fails: a few seconds in, their number is unreachable and staff have a task', async () => {
    await http.post('/dev/clock', { now: '2026-11-23T09:00:10Z' });

    const family = await http.get<{ consent: { reason?: string } }>('/clients/demo-client-dead-number');
    expect(family.body.consent.reason).toBe('unreachable');
    const inbox = await http.get<{ items: { reason: string; clientIds: string[] }[] }>('/inbox');
    expect(inbox.body.items).toContainEqual(
      expect.objectContaining({ reason: 'number-unreachable', clientIds: ['demo-client-dead-number'] }),
    );
  });
});
