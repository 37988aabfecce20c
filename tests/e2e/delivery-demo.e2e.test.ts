/**
 * Issue 14, "done when", as a new user would try it on `npm start`: the demo has a family whose number
 * fails (07700 900990, in the failing drama-range block), so a few seconds in there is an inbox task.
 * Its own file: the handlers build their dependencies once per process, for one runtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '#local/runtime.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';
import { pdfText } from '#tests/support/poppler.ts';

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

  it('then gets a reminder letter in the next batch, and a do-not-text family with an address gets letters', async () => {
    // Act: the clock moves to the next morning's batch (letters.batchAt, 07:00)
    await http.post('/dev/clock', { now: '2026-11-24T07:10:00Z' });

    // Assess: every batch made so far, and the words of their PDFs
    type Batches = { items: { batchId: string; letters: number; reminder: number; hasPdf: boolean }[] };
    const batches = [
      ...(await http.get<Batches>('/letters?date=2026-11-23')).body.items,
      ...(await http.get<Batches>('/letters?date=2026-11-24')).body.items,
    ];
    const texts: string[] = [];
    for (const b of batches.filter((x) => x.hasPdf)) {
      const res = await fetch(`${runtime.url}/letters/${b.batchId}.pdf`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      texts.push(pdfText(new Uint8Array(await res.arrayBuffer())));
    }
    const poppy = texts.filter((t) => t.includes('Reminder: appointment for Poppy Walsh'));
    expect(poppy).toHaveLength(1);
    // Besides her, the seeded do-not-text families with an address are written to
    expect(batches.reduce((sum, b) => sum + b.letters, 0)).toBeGreaterThan(1);
  });
});
