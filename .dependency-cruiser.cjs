/**
 * The layering, checked by `npm run lint` (docs/architecture.md explains it):
 *
 *   core ← store and messaging ← services ← api, web, runtime and entries ← local and bin
 *
 * Imports run one way only. lib/ (CDK) reads the core and the store's table declarations; tests/ and
 * bench/ may import anything. A rule names the layer that broke it, so a failure says what to move.
 */
const CORE = '^functions/core/';
const STORE = '^functions/store/';
const MESSAGING = '^functions/messaging/';
const SERVICES = '^functions/services/';
const API = '^functions/api/';
const WEB = '^functions/web/';
const RUNTIME = '^functions/runtime/';
/** The Lambda entries: one file each, directly in functions/. */
const ENTRIES = '^functions/[^/]+\\.ts$';
const OUTSIDE_FUNCTIONS = '^(local|bin|lib|bench|tests)/';

/** AWS, Powertools, middy and CDK: what the pure core must never reach for. */
const AWS_AND_FRAMEWORKS =
  '^node_modules/(@aws-sdk|@aws-lambda-powertools|@aws-crypto|@smithy|@middy|@types/aws-lambda|aws-cdk-lib|aws-cdk|cdk-nag|constructs)/';

module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-core',
      comment:
        'functions/core is the domain: it imports nothing else of the project (move shared code down into core).',
      severity: 'error',
      from: { path: CORE },
      to: { path: '^(functions|local|bin|lib|bench|tests)/', pathNot: CORE },
    },
    {
      name: 'core-no-aws',
      comment:
        'functions/core is pure TypeScript: no AWS SDK, Powertools, middy or CDK (put the I/O in store or messaging).',
      severity: 'error',
      from: { path: CORE },
      to: { path: AWS_AND_FRAMEWORKS },
    },
    {
      name: 'core-no-node-io',
      comment:
        'functions/core does no I/O: of Node built-ins it may use only crypto (ids, hashes). No node:fs.',
      severity: 'error',
      from: { path: CORE },
      to: { dependencyTypes: ['core'], pathNot: '^crypto$' },
    },
    {
      name: 'store-and-messaging-stay-below-services',
      comment: 'functions/store and functions/messaging import only the core (and each their own folder).',
      severity: 'error',
      from: { path: `${STORE}|${MESSAGING}` },
      to: { path: `${SERVICES}|${API}|${WEB}|${RUNTIME}|${ENTRIES}` },
    },
    {
      name: 'store-and-messaging-apart',
      comment:
        'The store and the messaging adapters are side by side: a service combines them, neither imports the other.',
      severity: 'error',
      from: { path: STORE },
      to: { path: MESSAGING },
    },
    {
      name: 'messaging-and-store-apart',
      comment:
        'The store and the messaging adapters are side by side: a service combines them, neither imports the other.',
      severity: 'error',
      from: { path: MESSAGING },
      to: { path: STORE },
    },
    {
      name: 'services-stay-below-api-web-runtime',
      comment:
        'functions/services is called by api, web, runtime and the entries, never the other way round (what a service needs from runtime, move down).',
      severity: 'error',
      from: { path: SERVICES },
      to: { path: `${API}|${WEB}|${RUNTIME}|${ENTRIES}` },
    },
    {
      name: 'runtime-below-entries',
      comment:
        'functions/runtime (Powertools, env, deps, HTTP plumbing) is used by api, web and the entries; it does not import them.',
      severity: 'error',
      from: { path: RUNTIME },
      to: { path: `${API}|${WEB}|${ENTRIES}` },
    },
    {
      name: 'api-and-web-below-entries',
      comment: 'An entry wires api or web into a Lambda handler; api and web never import an entry.',
      severity: 'error',
      from: { path: `${API}|${WEB}` },
      to: { path: ENTRIES },
    },
    {
      name: 'functions-stay-inside-functions',
      comment: 'Lambda code never imports local/, bin/, lib/, bench/ or tests/ (they are not in the bundle).',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: OUTSIDE_FUNCTIONS },
    },
    {
      name: 'lib-reads-core-and-store-only',
      comment:
        'lib/ (CDK) reads the trust config schema, templates and table declarations; it does not import running code.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: `${MESSAGING}|${SERVICES}|${API}|${WEB}|${RUNTIME}|${ENTRIES}|^(local|bin|bench|tests)/` },
    },
    {
      name: 'nothing-imports-the-top',
      comment: 'local/ and bin/ are the top: only local/, bin/, bench/ and tests/ import them.',
      severity: 'error',
      from: { pathNot: '^(local|bin|bench|tests)/' },
      to: { path: '^(local|bin)/' },
    },
    {
      name: 'only-tests-import-tests',
      severity: 'error',
      from: { pathNot: '^tests/' },
      to: { path: '^tests/' },
    },
    {
      name: 'no-circular',
      comment: 'Modules that import each other, directly or round a loop, are one module in two files.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that does not resolve (a typo in a # alias, say).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'event-path-stays-small',
      comment:
        'The event-path functions (reminder sweep, inbound SMS, backfill, offer expiry, metrics stream, delivery status) start cold on every burst: keep the admin API, web, import, FHIR, OpenAPI and letter code and their heavy libraries out of their import graphs, and Powertools Tracer and Parser, luxon, classic zod and the staffAccess and frontDoor config schemas too (README "Small, quick Lambdas"; npm run bench shows each bundle against 300 KB).',
      severity: 'error',
      from: {
        path: '^functions/(reminder-sweep|inbound-sms|backfill|offer-expiry|metrics-stream|delivery-status)\\.ts$',
      },
      to: {
        reachable: true,
        path: [
          `${API}|${WEB}`,
          '^functions/core/import-|^functions/services/(import|letter-pdf|staff-|oidc-)',
          // GOV.UK Notify's letter sink and the letter stores' set-up (its client brings axios and jsonwebtoken).
          '^functions/messaging/notify-letter-sink\\.ts$|^functions/runtime/letters-from-env\\.ts$',
          // Packages match anywhere in the path: in a worktree whose node_modules is a link, they resolve outside it.
          '(^|/)node_modules/(notifications-node-client|axios|jsonwebtoken)/',
          '(^|/)node_modules/(pdfkit|nunjucks|nhsuk-frontend|csv-parse|csv-stringify|busboy|qrcode|vega|vega-lite|oidc-provider|openid-client|jose|@smithy/signature-v4)/',
          // Tracer brings aws-xray-sdk-core; Parser's schemas import `{ z }`, which brings every zod locale.
          '(^|/)node_modules/@aws-lambda-powertools/(tracer|parser)/|^functions/runtime/tracer\\.ts$',
          // The event path counts days and wall times with core/wall-clock.ts (Intl), not luxon (70 KB).
          '(^|/)node_modules/luxon/',
          // Classic zod (97 KB, all of it with its first import): the event path's schemas use zod/mini
          // through functions/core/zod.ts.
          '(^|/)node_modules/zod/(index\\.|v4/classic/|v4/index\\.)',
          // The trust config sections only the web and admin functions read (staffAccess, frontDoor) and the
          // whole config's schema: the event path parses core/config/event-path-config.ts, which leaves them out.
          '^functions/core/config/(staff-access|front-door|trust-config)\\.ts$',
        ],
      },
    },
    {
      name: 'only-inbound-sms-reads-replies',
      comment:
        'Only the inbound SMS function reads replies: the reply parser (core/intent.ts and its lexicons, 24 KB) and the reading of an answer to the after-DNA question (core/dna-answer.ts, services/dna-answer.ts) stay out of the other event-path functions, which only send texts (README "Small, quick Lambdas").',
      severity: 'error',
      from: {
        path: '^functions/(reminder-sweep|backfill|offer-expiry|metrics-stream|delivery-status)\\.ts$',
      },
      to: {
        reachable: true,
        path: '^functions/core/intent(\\.ts$|/)|^functions/(core|services)/dna-answer\\.ts$',
      },
    },
  ],
  options: {
    // Type-only imports count: `import type` from a higher layer still ties the layers together.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(cdk\\.out|\\.attend|reports)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
