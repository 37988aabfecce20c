/**
 * `attend simulate [--scale S] [--scenarios a,b] [--out reports]`: the simulated month, once per
 * scenario, each in its own Node process (the handlers read the trust config once, at load), then the
 * report (report.ts) over all of them. Exits non-zero if any run breached an invariant.
 *
 * `--report-from DIR` rebuilds the report from the runs' JSON (reports/simulation/runs/ keeps them).
 *
 * `--scenario X --json FILE` runs one scenario in this process and writes its result (what the parent
 * process starts; also handy on its own).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgsOrUsage, UsageError } from '#bin/usage.ts';
import { stableJson } from '#core/stable-json.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import { collect, type ScenarioResult, scanTable } from './collect.ts';
import { runMonth } from './engine.ts';
import { buildPopulation } from './population.ts';
import { writeReport } from './report.ts';
import { SCENARIOS, type Scenario, scenarioConfig } from './scenarios.ts';

export interface ScenarioOptions {
  scenario: Scenario;
  scale: number;
  /** A DynamoDB Local to use (tests share one); otherwise one is started in memory. */
  dynamoEndpoint?: string;
  tableName?: string;
  progress?: (line: string) => void;
  /**
   * Also read the table back with a Scan and compare it with the state kept from the stream, which the
   * checks use (for tests at small scale: at Kent's size the Scan takes hours). Resolves with the keys
   * that differ, in `imageMismatches`.
   */
  crossCheckScan?: boolean;
}

/** One scenario's month in this process, checked. */
export async function simulateScenario(
  options: ScenarioOptions,
): Promise<ScenarioResult & { imageMismatches?: string[] }> {
  const config = scenarioConfig(loadTrustConfig('example'), options.scenario);
  const population = buildPopulation(config, options.scale);
  const run = await runMonth({
    config,
    scenario: options.scenario,
    population,
    ...(options.dynamoEndpoint ? { dynamoEndpoint: options.dynamoEndpoint } : {}),
    ...(options.tableName ? { tableName: options.tableName } : {}),
    progress: options.progress,
  });
  try {
    const result = await collect(run, config, population);
    if (!options.crossCheckScan) return result;
    // The metrics counters are in their own table, with no stream: neither the kept state nor this Scan
    // has them (the checks read metrics through GET /metrics).
    const scanned = await scanTable(process.env.DYNAMODB_ENDPOINT!, process.env.TABLE_NAME!);
    return { ...result, imageMismatches: differingKeys(run.tableItems(), scanned) };
  } finally {
    await run.stop();
  }
}

/** The pk|sk of every item that is in only one of the two lists, or differs between them. */
function differingKeys(a: Record<string, unknown>[], b: Record<string, unknown>[]): string[] {
  const byKey = (items: Record<string, unknown>[]) =>
    new Map(items.map((i) => [`${String(i.pk)}|${String(i.sk)}`, stableJson(i)]));
  const [x, y] = [byKey(a), byKey(b)];
  return [...new Set([...x.keys(), ...y.keys()])].filter((k) => x.get(k) !== y.get(k)).sort();
}

/** The lines `attend simulate` prints for a run: throughput, then each breach. */
export function summaryLines(r: ScenarioResult): string[] {
  const t = r.throughput;
  const lines = [
    `${r.scenario}: ${r.shape.clinics} clinic(s) × ${r.shape.weeks} week(s), ${t.bookings} bookings, ${t.texts} texts, ${r.shape.waiting} on the short-notice list`,
    `  month's loop ${r.timings.loopSeconds.toFixed(0)} s wall (${r.timings.steps} steps; set-up ${r.timings.setUpSeconds.toFixed(0)} s, start ${r.timings.startSeconds.toFixed(0)} s)`,
    `  throughput: ${t.bookingsPerSecond.toFixed(2)} bookings/s, ${t.textsPerSecond.toFixed(2)} texts/s`,
    ...(r.load ? [loadLine(r.load, r.timings.loopSeconds)] : []),
    t.peak
      ? `  10:00 peak (${t.peak.at}): ${t.peak.texts} texts, ${t.peak.segments} parts; due → last sent ${t.peak.processingSeconds.toFixed(1)} s here, ${t.peak.carrierSeconds.toFixed(1)} s at the number's rate`
      : '  10:00 peak: no reminders at 10:00 in this run',
    `  DNA+WNB rate ${fmtRate(r.metrics.totals.summary.appointments.dnaWnbRate)}; invariants: ${r.breaches.length} breach(es) over ${Object.entries(
      r.checked,
    )
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
  ];
  for (const b of r.breaches) lines.push(`  BREACH ${b.invariant}: ${b.detail}`);
  for (const e of r.apiErrors) lines.push(`  API ERROR ${e.call} → ${e.status}: ${e.body}`);
  return lines;
}

/** DynamoDB calls over the loop, and the CPU both processes used (cores busy on average). */
function loadLine(load: NonNullable<ScenarioResult['load']>, loopSeconds: number): string {
  const cpu =
    load.dynamoDbLocalCpuSeconds === undefined
      ? `Node CPU ${load.nodeCpuSeconds.toFixed(0)} s`
      : `CPU: Node ${load.nodeCpuSeconds.toFixed(0)} s, DynamoDB Local ${load.dynamoDbLocalCpuSeconds.toFixed(0)} s (${((load.nodeCpuSeconds + load.dynamoDbLocalCpuSeconds) / loopSeconds).toFixed(2)} cores busy)`;
  const top = Object.entries(load.calls)
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
  const sqlite =
    load.sqliteThreadCpuSeconds === undefined
      ? ''
      : `; its SQLite thread ${load.sqliteThreadCpuSeconds.toFixed(0)} s (${((100 * load.sqliteThreadCpuSeconds) / loopSeconds).toFixed(0)}% of the loop, ${((1000 * load.sqliteThreadCpuSeconds) / load.totalCalls).toFixed(2)} ms a call)`;
  return `  DynamoDB calls: ${load.totalCalls} (${load.callsPerSecond.toFixed(0)}/s, ${load.callsPerBooking.toFixed(1)} per booking; ${top}); ${cpu}${sqlite}`;
}

const fmtRate = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);

function runChild(scenario: Scenario, scale: number, json: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'bin/attend.ts',
        'simulate',
        '--scenario',
        scenario,
        '--scale',
        String(scale),
        '--json',
        json,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 || code === 1 ? resolve() : reject(new Error(`${scenario} exited with ${code}`)),
    );
  });
}

export async function runSimulate(args: string[]): Promise<number> {
  const { values } = parseArgsOrUsage({
    args,
    options: {
      scale: { type: 'string', default: '1' },
      scenario: { type: 'string' },
      scenarios: { type: 'string', default: SCENARIOS.join(',') },
      json: { type: 'string' },
      out: { type: 'string', default: 'reports' },
      /** Rebuild the report from the per-scenario JSON files a run left in this folder (no simulation). */
      'report-from': { type: 'string' },
    },
  });
  if (values['report-from']) {
    const results: ScenarioResult[] = [];
    for (const scenario of SCENARIOS) {
      const json = await readFile(join(values['report-from'], `${scenario}.json`), 'utf8').catch(
        () => undefined,
      );
      if (json) results.push(JSON.parse(json) as ScenarioResult);
    }
    const wallSeconds = results.reduce(
      (s, r) => s + r.timings.loopSeconds + r.timings.setUpSeconds + r.timings.startSeconds,
      0,
    );
    console.log(`Report: ${await writeReport(results, values.out, { wallSeconds })}`);
    return 0;
  }
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 1)) throw new UsageError(`--scale must be in (0, 1], not "${values.scale}"`);
  const progress = (line: string) => console.log(`  [${values.scenario ?? ''}] ${line}`);

  if (values.scenario) {
    const scenario = values.scenario as Scenario;
    if (!SCENARIOS.includes(scenario))
      throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')}`);
    const result = await simulateScenario({ scenario, scale, progress });
    for (const line of summaryLines(result)) console.log(line);
    if (values.json) await writeFile(values.json, JSON.stringify(result));
    return result.breaches.length + result.apiErrors.length > 0 ? 1 : 0;
  }

  const scenarios = values.scenarios.split(',').map((s) => s.trim()) as Scenario[];
  for (const s of scenarios)
    if (!SCENARIOS.includes(s))
      throw new UsageError(`unknown scenario "${s}" (one of ${SCENARIOS.join(', ')})`);
  const dir = await mkdtemp(join(tmpdir(), 'attend-simulate-'));
  const results: ScenarioResult[] = [];
  const started = Date.now();
  try {
    for (const scenario of scenarios) {
      console.log(`Simulating "${scenario}" at scale ${scale}…`);
      const json = join(dir, `${scenario}.json`);
      await runChild(scenario, scale, json);
      results.push(JSON.parse(await readFile(json, 'utf8')) as ScenarioResult);
      // Kept beside the report, so it can be rebuilt (--report-from) without running the month again.
      await mkdir(join(values.out, 'simulation', 'runs'), { recursive: true });
      await writeFile(
        join(values.out, 'simulation', 'runs', `${scenario}.json`),
        JSON.stringify(results.at(-1)),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const path = await writeReport(results, values.out, {
    wallSeconds: (Date.now() - started) / 1000,
  });
  console.log(`\nReport: ${path}`);
  let failed = 0;
  for (const r of results) {
    for (const line of summaryLines(r)) console.log(line);
    failed += r.breaches.length + r.apiErrors.length;
  }
  console.log(failed ? `\n${failed} breach(es): the run fails.` : '\n0 invariant breaches.');
  return failed > 0 ? 1 : 0;
}
