#!/usr/bin/env -S npx tsx
/**
 * The Attend CLI.
 *   attend local [--in-memory] [--port 3000] [--trust example] [--frozen-clock]   the whole system, locally
 *   attend admin <resource> <action> …                                           the admin API (SigV4 when deployed)
 *   attend bench                                                                   benchmarks (prints a table)
 *   attend routes                                                                  the route table and roles (Markdown)
 *   attend simulate [--scale 1] [--scenarios …] [--jobs N] [--out reports]          a month of a trust, checked (bench/simulate)
 *
 * A flag a command does not take is a UsageError (bin/usage.ts): the message and the command's usage,
 * exit code 2. A reason not to start that is the user's to fix (a port or data folder in use, no Java, a
 * bad trust config) is one line, exit code 1. Neither prints a stack.
 */
import { loadTrustConfig, TrustConfigError } from '#lib/trust-config.ts';
import { watchForOrphaning } from '#local/orphan-watch.ts';
import type { LocalRuntime } from '#local/runtime.ts';
import { StartRefusedError } from '#local/start-refused.ts';
import { parseArgsOrUsage, UsageError } from './usage.ts';

// These machines run Node 20 on purpose (Lambda runs 22); the SDK's reminder about that is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const LOCAL_USAGE = `Usage: attend local [--in-memory] [--port N] [--trust ID] [--frozen-clock]   (npm start -- <flags>)
  --in-memory     keep the data in memory, discarded on exit (default: kept in .attend/<trust>)
  --port N        the port to listen on (default: $PORT, else 3000)
  --trust ID      the trust's config, config/trusts/<ID>.json (default: $ATTEND_TRUST, else example)
  --frozen-clock  the virtual clock moves only when told to (POST /dev/clock)`;

const USAGES = {
  local: 'attend local [--in-memory] [--port N] [--trust ID] [--frozen-clock]',
  admin:
    'attend admin <resource> <action> [id] [--json BODY] [--url URL] [--output json]   (attend admin --help)',
  bench: 'attend bench [--sizes 10000,100000] [--only lambdas,sweep,backfill,pages] [--page-requests 50]',
  routes:
    'attend routes                                                                  the route table and its roles (Markdown)',
  simulate:
    'attend simulate [--scale S] [--scenarios no-attend,reminders,backfill-no-equity,everything] [--jobs N] [--out reports]',
} as const;

const USAGE = `Usage:\n${Object.values(USAGES)
  .map((line) => `  ${line}`)
  .join('\n')}`;

/** A command's own usage, for its usage errors. */
function usageOf(command: string | undefined): string {
  if (command === 'local') return LOCAL_USAGE;
  const line = USAGES[command as keyof typeof USAGES];
  return line ? `Usage: ${line}` : USAGE;
}

async function local(args: string[]): Promise<void> {
  const { values } = parseArgsOrUsage(
    {
      args,
      options: {
        'in-memory': { type: 'boolean', default: false },
        port: { type: 'string', default: process.env.PORT ?? '3000' },
        trust: { type: 'string', default: process.env.ATTEND_TRUST ?? 'example' },
        'frozen-clock': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    },
    LOCAL_USAGE,
  );
  if (values.help) return void console.log(LOCAL_USAGE);
  const port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : Number.NaN;
  if (!(port >= 0 && port <= 65535))
    throw new UsageError(
      `--port (or PORT) must be a port number, 0 to 65535, not "${values.port}"`,
      LOCAL_USAGE,
    );
  const config = loadTrustConfig(values.trust);
  const dataDir = values['in-memory'] ? undefined : `.attend/${config.trustId}`;

  // Stopping: on Ctrl+C (SIGINT), SIGTERM, or when whoever started this process has gone without saying
  // so (`kill <npm's pid>` ends npm and its shell only: local/orphan-watch.ts). A second signal while
  // stopping ends at once; the exit hooks still stop DynamoDB Local and free the data folder.
  let runtime: LocalRuntime | undefined;
  let stopping = false;
  let unwatch = () => {};
  const stop = (why?: string, code = 0) => {
    if (stopping) {
      console.log('Stopping now, without waiting.');
      process.exit(1);
    }
    stopping = true;
    unwatch();
    // The console may have gone with whoever started this process (a closed terminal, a pipe no one
    // reads): a failed write must not cut the stop short.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    console.log(why ? `Stopping Attend: ${why}…` : 'Stopping Attend…');
    // Still starting: nothing to stop in order; the exit hooks stop DynamoDB Local and free the folder.
    if (!runtime) process.exit(code || 1);
    setTimeout(() => {
      console.error('Stopping took more than 30 s; ending now.');
      process.exit(1);
    }, 30_000).unref();
    runtime.stop().then(
      () => {
        console.log('Stopped.');
        process.exit(code);
      },
      (err: unknown) => {
        console.error(`Stopping did not finish cleanly: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop(undefined, runtime ? 0 : 130));
  process.on('SIGTERM', () => stop(undefined, runtime ? 0 : 143));
  // Under `npm start` (npm sets npm_lifecycle_event for its scripts), a `kill <npm's pid>` ends npm and its
  // shell and tells Attend nothing: it stops when its parent goes. Started any other way (`nohup node …
  // local &`, a process manager), it keeps running when the shell that started it exits.
  if (process.env.npm_lifecycle_event) unwatch = watchForOrphaning((why) => stop(why));

  const { startLocal } = await import('#local/runtime.ts');
  const started = Date.now();
  runtime = await startLocal({
    config,
    port,
    dataDir,
    frozenClock: values['frozen-clock'],
    print: (line) => console.log(line),
  });
  const url = runtime.url;
  console.log(
    [
      '',
      `Attend is running for ${config.trustName} (${((Date.now() - started) / 1000).toFixed(1)} s).`,
      `  Staff app     ${url}/   (sign in as scheduler@example.nhs.uk, or another demo account below)`,
      `  Parent pages  ${url}/p/<token>   (each text's own link: see the outbox)`,
      `  Admin API     ${url}/health`,
      `  Sign-in       ${runtime.idp.issuer}   (local identity provider, local only: <role>@example.nhs.uk, password attend-demo)`,
      `  Outbox        ${url}/dev/sms/outbox`,
      `  Events        ${url}/dev/events`,
      `  Clock         ${url}/dev/clock   (virtual now: ${runtime.clock.now().toISOString()})`,
      `  Data          ${dataDir ?? 'in memory (discarded on exit)'}`,
      'Move time forward with: curl -X POST localhost:' +
        runtime.port +
        `/dev/clock -d '{"now":"<ISO date-time>"}'`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

async function main(command: string | undefined, rest: string[]): Promise<void> {
  switch (command) {
    case 'local':
      return local(rest);
    case 'admin': {
      const { runAdmin } = await import('./admin.ts');
      process.exitCode = await runAdmin(rest);
      return;
    }
    case 'routes': {
      parseArgsOrUsage({ args: rest, options: {} });
      const { routesMarkdown } = await import('./routes.ts');
      console.log(routesMarkdown());
      return;
    }
    case 'bench': {
      const { runBench } = await import('#bench/run.ts');
      return runBench(rest);
    }
    case 'simulate': {
      const { runSimulate } = await import('#bench/simulate/cli.ts');
      process.exitCode = await runSimulate(rest);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      throw new UsageError(`Unknown command "${command}".`, USAGE);
  }
}

const [command, ...rest] = process.argv.slice(2);
main(command, rest).catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${err.usage ?? usageOf(command)}`);
    process.exit(2);
  }
  if (err instanceof StartRefusedError || err instanceof TrustConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
