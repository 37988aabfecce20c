/**
 * `attend admin <resource> <action> [id] [--json body] [--url URL]`: calls the admin API. A deployed
 * function URL is called with SigV4 (service `lambda`, the default AWS credential chain); the local
 * runtime is called unsigned. Prints tables for people and raw JSON with `--output json`.
 */
import { parseArgs } from 'node:util';
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
import { parseArgsOrUsage, UsageError } from './usage.ts';

export { UsageError };

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: (id?: string) => string;
  needsId?: boolean;
  query?: readonly string[];
  columns?: readonly string[];
}

/** resource → action → route. A new API resource is one more entry here. */
export const ROUTES: Record<string, Record<string, Route>> = {
  health: { get: { method: 'GET', path: () => '/health' } },
  openapi: { get: { method: 'GET', path: () => '/openapi.json' } },
  clinics: {
    list: { method: 'GET', path: () => '/clinics', columns: ['id', 'name', 'venue', 'area'] },
    get: { method: 'GET', path: (id) => `/clinics/${id}`, needsId: true },
    create: { method: 'POST', path: () => '/clinics' },
  },
  clients: {
    get: { method: 'GET', path: (id) => `/clients/${id}`, needsId: true },
    find: {
      method: 'GET',
      path: () => '/clients',
      query: ['phone'],
      columns: ['id', 'firstName', 'language', 'optedOut'],
    },
    create: { method: 'POST', path: () => '/clients' },
    erase: { method: 'DELETE', path: (id) => `/clients/${id}`, needsId: true },
  },
  slots: {
    list: {
      method: 'GET',
      path: () => '/slots',
      query: ['clinicId', 'date', 'limit', 'cursor'],
      columns: ['id', 'type', 'startsAt', 'status'],
    },
    get: { method: 'GET', path: (id) => `/slots/${id}`, needsId: true },
    create: { method: 'POST', path: () => '/slots' },
    session: { method: 'POST', path: () => '/slots/session', columns: ['id', 'type', 'startsAt', 'status'] },
    withdraw: { method: 'POST', path: (id) => `/slots/${id}/withdraw`, needsId: true },
  },
  bookings: {
    list: {
      method: 'GET',
      path: () => '/bookings',
      query: ['clinicId', 'date', 'limit', 'cursor'],
      columns: ['id', 'ref', 'type', 'startsAt', 'status'],
    },
    get: { method: 'GET', path: (id) => `/bookings/${id}`, needsId: true },
    create: { method: 'POST', path: () => '/bookings' },
    cancel: { method: 'POST', path: (id) => `/bookings/${id}/cancel`, needsId: true },
    move: { method: 'POST', path: (id) => `/bookings/${id}/move`, needsId: true },
    outcome: { method: 'POST', path: (id) => `/bookings/${id}/outcome`, needsId: true },
  },
  'follow-ups': {
    list: {
      method: 'GET',
      path: () => '/follow-ups',
      query: ['limit', 'cursor'],
      columns: ['id', 'clientId', 'namedHealthVisitor', 'reason', 'consecutiveWnb', 'openedAt'],
    },
    get: { method: 'GET', path: (id) => `/follow-ups/${id}`, needsId: true },
    close: { method: 'POST', path: (id) => `/follow-ups/${id}/close`, needsId: true },
  },
  inbox: {
    list: {
      method: 'GET',
      path: () => '/inbox',
      query: ['limit', 'cursor'],
      columns: ['id', 'receivedAt', 'reason', 'intent'],
    },
    handled: { method: 'POST', path: (id) => `/inbox/${id}/handled`, needsId: true },
  },
  templates: { preview: { method: 'POST', path: () => '/templates/preview' } },
  waitlist: {
    list: {
      method: 'GET',
      path: () => '/waitlist',
      query: ['type', 'limit', 'cursor'],
      columns: ['id', 'type', 'score', 'status', 'addedAt'],
    },
    get: { method: 'GET', path: (id) => `/waitlist/${id}`, needsId: true },
    add: { method: 'POST', path: () => '/waitlist' },
    remove: { method: 'DELETE', path: (id) => `/waitlist/${id}`, needsId: true },
  },
  offers: {
    list: {
      method: 'GET',
      path: () => '/offers',
      query: ['slot'],
      columns: ['id', 'wave', 'status', 'score', 'offeredAt', 'expiresAt'],
    },
  },
  /** Nested JSON (periods with breakdowns): printed as JSON. */
  metrics: { get: { method: 'GET', path: () => '/metrics', query: ['from', 'to', 'groupBy'] } },
  /** Who is signed in to the staff app; end a person's sessions (--json '{"subject":"…"}') or everyone's. */
  'staff-sessions': {
    list: { method: 'GET', path: () => '/sessions' },
    end: { method: 'POST', path: () => '/sessions/end' },
  },
  /** A FHIR Bundle as --json (the CLI sends JSON); a CSV file goes to POST /import with curl. */
  import: { fhir: { method: 'POST', path: () => '/import', query: ['dryRun', 'confirm'] } },
};

export const ADMIN_USAGE = `Usage: attend admin <resource> <action> [id] [--json '<body>'] [--<param> value] [--url URL] [--output json]
Resources and actions:
${Object.entries(ROUTES)
  .map(([r, actions]) => `  ${r.padEnd(10)} ${Object.keys(actions).join(', ')}`)
  .join('\n')}
The URL comes from --url, else ATTEND_ADMIN_URL, else http://localhost:3000 (the local runtime).
A non-local URL is signed with SigV4 (service "lambda") using the default AWS credential chain.`;

export interface AdminRequest {
  method: string;
  url: URL;
  body?: string;
  columns?: readonly string[];
}

export function buildRequest(args: string[], env: NodeJS.ProcessEnv = process.env): AdminRequest {
  const [resource, action, id] = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  const route = resource && action ? ROUTES[resource]?.[action] : undefined;
  if (!route)
    throw new UsageError(`Unknown command "${[resource, action].filter(Boolean).join(' ')}".`, ADMIN_USAGE);
  if (route.needsId && !id) throw new UsageError(`"${resource} ${action}" needs an id`, ADMIN_USAGE);
  const { values } = parseArgsOrUsage(
    {
      args,
      allowPositionals: true,
      options: {
        json: { type: 'string' },
        url: { type: 'string' },
        output: { type: 'string' },
        region: { type: 'string' },
        ...Object.fromEntries((route.query ?? []).map((q) => [q, { type: 'string' as const }])),
      },
    },
    ADMIN_USAGE,
  );
  const base = values.url ?? env.ATTEND_ADMIN_URL ?? 'http://localhost:3000';
  const url = new URL(route.path(id).replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`);
  for (const q of route.query ?? []) {
    const v = (values as Record<string, string | undefined>)[q];
    if (v !== undefined) url.searchParams.set(q, v);
  }
  let body: string | undefined;
  if (values.json !== undefined) {
    try {
      body = JSON.stringify(JSON.parse(values.json));
    } catch {
      throw new UsageError('--json must be valid JSON', ADMIN_USAGE);
    }
  } else if (route.method === 'POST') {
    body = '{}';
  }
  return { method: route.method, url, body, columns: values.output === 'json' ? undefined : route.columns };
}

const isLocal = (url: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

/** Signs for a Lambda function URL: service "lambda", the region taken from the URL's host. */
export async function signedHeaders(
  request: AdminRequest,
  options: { region?: string; credentials?: ReturnType<typeof fromNodeProviderChain> } = {},
): Promise<Record<string, string>> {
  const region =
    options.region ?? /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(request.url.hostname)?.[1] ?? 'eu-west-2';
  const signer = new SignatureV4({
    service: 'lambda',
    region,
    credentials: options.credentials ?? fromNodeProviderChain(),
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: request.method,
    protocol: request.url.protocol,
    hostname: request.url.hostname,
    path: request.url.pathname,
    query: Object.fromEntries(request.url.searchParams.entries()),
    headers: { host: request.url.host, 'content-type': 'application/json' },
    body: request.body,
  });
  return signed.headers as Record<string, string>;
}

export async function runAdmin(args: string[], print: (line: string) => void = console.log): Promise<number> {
  if (args.length === 0 || args.includes('--help')) {
    print(ADMIN_USAGE);
    return 0;
  }
  const request = buildRequest(args);
  const { values } = parseArgs({ args, strict: false, options: { region: { type: 'string' } } });
  const headers = isLocal(request.url)
    ? { 'content-type': 'application/json' }
    : await signedHeaders(request, { region: values.region as string | undefined });
  const res = await fetch(request.url, { method: request.method, headers, body: request.body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: print as it came
  }
  const items = (parsed as { items?: Record<string, unknown>[] } | undefined)?.items;
  if (res.ok && request.columns && Array.isArray(items)) {
    print(table(items, request.columns));
    const cursor = (parsed as { cursor?: string }).cursor;
    if (cursor) print(`(more: --cursor ${cursor})`);
  } else {
    print(typeof parsed === 'string' ? parsed : JSON.stringify(parsed, null, 2));
  }
  return res.ok ? 0 : 1;
}

/** A plain fixed-width table (console.table adds an index column people do not need). */
export function table(rows: Record<string, unknown>[], columns: readonly string[]): string {
  const cells = rows.map((r) => columns.map((c) => (r[c] === undefined ? '' : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
    `${rows.length} row(s)`,
  ].join('\n');
}
