#!/usr/bin/env -S npx tsx
/**
 * The Attend CLI.
 *   attend local [--in-memory] [--port 3000] [--trust example] [--frozen-clock]   the whole system, locally
 *   attend admin <resource> <action> …                                           the admin API (SigV4 when deployed)
 *   attend bench                                                                   benchmarks (prints a table)
 *   attend routes                                                                  the route table and roles (Markdown)
 *   attend simulate [--scale 1] [--scenarios …] [--jobs N] [--out reports]          a month of a trust, checked (bench/simulate)
 */
import { parseArgs } from 'node:util';
import { loadTrustConfig, TrustConfigError } from '#lib/trust-config.ts';
import { JavaMissingError } from '#local/dynamodb-local.ts';

// These machines run Node 20 on purpose (Lambda runs 22); the SDK's reminder about that is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `Usage:
  attend local [--in-memory] [--port N] [--trust ID] [--frozen-clock]
  attend admin <resource> <action> [id] [--json BODY] [--url URL] [--output json]   (attend admin --help)
  attend bench [--sizes 10000,100000] [--only lambdas,sweep,backfill,pages] [--page-requests 50]
  attend routes                                                                  the route table and its roles (Markdown)
  attend simulate [--scale S] [--scenarios no-attend,reminders,backfill-no-equity,everything] [--jobs N] [--out reports]`;

async function local(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'in-memory': { type: 'boolean', default: false },
      port: { type: 'string', default: process.env.PORT ?? '3000' },
      trust: { type: 'string', default: process.env.ATTEND_TRUST ?? 'example' },
      'frozen-clock': { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, not "${values.port}"`);
  const config = loadTrustConfig(values.trust);
  const { startLocal } = await import('#local/runtime.ts');
  const started = Date.now();
  const runtime = await startLocal({
    config,
    port,
    dataDir: values['in-memory'] ? undefined : `.attend/${config.trustId}`,
    frozenClock: values['frozen-clock'],
    print: (line) => console.log(line),
  });
  console.log(
    [
      '',
      `Attend is running for ${config.trustName} (${((Date.now() - started) / 1000).toFixed(1)} s).`,
      `  Admin API     ${runtime.url}/health`,
      `  Sign-in       ${runtime.idp.issuer}   (local identity provider, local only: <role>@example.nhs.uk, password attend-demo)`,
      `  Outbox        ${runtime.url}/dev/sms/outbox`,
      `  Events        ${runtime.url}/dev/events`,
      `  Clock         ${runtime.url}/dev/clock   (virtual now: ${runtime.clock.now().toISOString()})`,
      `  Data          ${values['in-memory'] ? 'in memory (discarded on exit)' : `.attend/${config.trustId}`}`,
      'Move time forward with: curl -X POST localhost:' +
        runtime.port +
        `/dev/clock -d '{"now":"<ISO date-time>"}'`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const stop = () =>
    runtime.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`Stopping did not finish cleanly: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'local':
      return local(rest);
    case 'admin': {
      const { runAdmin, UsageError } = await import('./admin.ts');
      try {
        process.exitCode = await runAdmin(rest);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        console.error(err.message);
        process.exitCode = 2;
      }
      return;
    }
    case 'routes': {
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
    default:
      console.error(USAGE);
      process.exit(command ? 2 : 0);
  }
}

main().catch((err: unknown) => {
  if (err instanceof TrustConfigError || err instanceof JavaMissingError) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
