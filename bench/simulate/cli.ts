/**
 * `attend simulate [--scale S] [--scenarios a,b] [--jobs N] [--out reports]`: the simulated month, once
 * per scenario, each in its own Node process (the handlers read the trust config once, at load), then the
 * report (report.ts) over all of them. Exits non-zero if any run breached an invariant.
 *
 * `--jobs N` runs up to N of those processes at once (a positive integer; by default one for every two
 * cores, at least one and at most one per scenario: jobs.ts). Each run's JSON is written as it finishes;
 * the report and the summary keep the order of `--scenarios`. If a process fails (an exit code other than
 * 0, a clean run, or 1, breaches), the others are stopped (SIGTERM; each stops its DynamoDB Local) and the
 * command fails with that first error.
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
import { stopAllDynamoDbLocal } from '#local/dynamodb-local.ts';
import { collect, type ScenarioResult, scanTable } from './collect.ts';
import { runMonth } from './engine.ts';
import { parseJobs, runWithLimit } from './jobs.ts';
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

/**
 * Runs one scenario's month in a child Node process (`--scenario X --json FILE`), its output passed
 * through. Resolves when it exits 0 (no breach) or 1 (breaches, or an error: then it wrote no JSON);
 * rejects on any other exit or a spawn error. When `signal` aborts, the child gets SIGTERM (it stops its
 * DynamoDB Local, then exits 143) and this settles once it has exited.
 */
function runChild(scenario: Scenario, scale: number, json: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
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
    const stop = () => child.kill('SIGTERM');
    signal.addEventListener('abort', stop, { once: true });
    const settle = (error?: Error) => {
      signal.removeEventListener('abort', stop);
      if (error) reject(error);
      else resolve();
    };
    child.on('error', settle);
    child.on('exit', (code, killedBy) =>
      code === 0 || code === 1 ? settle() : settle(new Error(`${scenario} exited with ${code ?? killedBy}`)),
    );
  });
}

/**
 * In the child process (`--scenario`): SIGTERM or SIGINT stops its DynamoDB Local, waits for the JVM to
 * exit, then ends this process (exit code 128 + the signal's number). A signal's default action would end
 * Node at once and leave the JVM running, orphaned.
 */
function exitOnSignals(): void {
  const exit = (code: number) => () => void stopAllDynamoDbLocal().finally(() => process.exit(code));
  process.once('SIGTERM', exit(143));
  process.once('SIGINT', exit(130));
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
      /** How many scenario months run at once (their processes side by side); see jobs.ts. */
      jobs: { type: 'string' },
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
    exitOnSignals();
    const result = await simulateScenario({ scenario, scale, progress });
    // One write, so that it does not interleave with the lines of a month running beside this one.
    console.log(summaryLines(result).join('\n'));
    if (values.json) await writeFile(values.json, JSON.stringify(result));
    return result.breaches.length + result.apiErrors.length > 0 ? 1 : 0;
  }

  const scenarios = values.scenarios.split(',').map((s) => s.trim()) as Scenario[];
  for (const s of scenarios)
    if (!SCENARIOS.includes(s))
      throw new UsageError(`unknown scenario "${s}" (one of ${SCENARIOS.join(', ')})`);
  const jobs = parseJobs(values.jobs, scenarios.length);
  const dir = await mkdtemp(join(tmpdir(), 'attend-simulate-'));
  const started = Date.now();
  const running = new Set<Scenario>();
  let results: ScenarioResult[];
  try {
    results = await runWithLimit(scenarios, jobs, async (scenario, index, signal) => {
      const beside = [...running].map((s) => `"${s}"`).join(', ');
      console.log(`Simulating "${scenario}" at scale ${scale}${beside ? ` (beside ${beside})` : ''}…`);
      running.add(scenario);
      // By index: a scenario named twice runs twice, and the two must not share a file.
      const json = join(dir, `${index}-${scenario}.json`);
      try {
        await runChild(scenario, scale, json, signal);
      } finally {
        running.delete(scenario);
      }
      const written = await readFile(json, 'utf8').catch(() => {
        throw new Error(`${scenario} exited without writing its result (an error above)`);
      });
      const result = JSON.parse(written) as ScenarioResult;
      // Kept beside the report, so it can be rebuilt (--report-from) without running the month again.
      await mkdir(join(values.out, 'simulation', 'runs'), { recursive: true });
      await writeFile(join(values.out, 'simulation', 'runs', `${scenario}.json`), JSON.stringify(result));
      return result;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const path = await writeReport(results, values.out, {
    wallSeconds: (Date.now() - started) / 1000,
    jobs: Math.min(jobs, scenarios.length),
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
