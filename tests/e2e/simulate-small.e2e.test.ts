/**
 * The simulated month at its smallest (one clinic, one week, a quarter of a clinic-week's sessions),
 * through the real local system in virtual time: every invariant holds, the throughput is measured,
 * and the report is written with its charts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { simulateScenario, summaryLines } from '#bench/simulate/cli.ts';
import type { ScenarioResult } from '#bench/simulate/collect.ts';
import { writeReport } from '#bench/simulate/report.ts';

describe('npm run simulate at one clinic for one week', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps every invariant, measures throughput and writes the report', { timeout: 600_000 }, async () => {
    const result: ScenarioResult & { imageMismatches?: string[] } = await simulateScenario({
      scenario: 'everything',
      scale: 0.0025,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: `attend-sim-${randomUUID().slice(0, 8)}`,
      crossCheckScan: true,
    });
    const printed = summaryLines(result).join('\n');
    expect(result.breaches, printed).toEqual([]);
    expect(result.apiErrors, printed).toEqual([]);
    // The checks read the table's state kept from the stream; a Scan of the table finds the same items.
    expect(result.imageMismatches).toEqual([]);
    // The run did something worth checking: texts went, families answered, outcomes were recorded.
    expect(result.shape).toMatchObject({ clinics: 1, weeks: 1 });
    expect(result.checked.texts).toBeGreaterThan(50);
    expect(result.checked.metricPairs).toBeGreaterThan(5);
    expect(result.metrics.totals.summary.appointments.attended).toBeGreaterThan(0);
    expect(result.throughput.textsPerSecond).toBeGreaterThan(0);
    expect(printed).toMatch(/bookings\/s.*texts\/s/);
    // Every request the loop made to DynamoDB Local, counted by operation (load-meter.ts).
    const load = result.load!;
    expect(load.calls.GetItem).toBeGreaterThan(0);
    expect(load.calls.TransactWriteItems).toBeGreaterThan(0);
    expect(load.calls.GetRecords).toBeGreaterThan(0);
    expect(load.totalCalls).toBe(Object.values(load.calls).reduce((a, b) => a + b, 0));
    expect(load.callsPerBooking).toBeCloseTo(load.totalCalls / result.checked.bookings!, 6);
    expect(printed).toContain(`DynamoDB calls: ${load.totalCalls} (`);

    dir = await mkdtemp(join(tmpdir(), 'attend-sim-report-'));
    const path = await writeReport([result], dir, { wallSeconds: result.timings.loopSeconds });
    const md = await readFile(path, 'utf8');
    expect(md).toContain('a model with stated assumptions, not a trial');
    expect(md).toContain('![DNA+WNB rate by week](rate-by-week.svg)');
    const svg = await readFile(join(dir, 'simulation', 'rate-by-imd.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
  });
});
