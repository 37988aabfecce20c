import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Fails any test that leaves a promise rejection unhandled (the local runtime must survive anything).
    setupFiles: ['tests/support/process-guard.ts'],
    // Integration and e2e files share one DynamoDB Local; each uses its own tables, so files run in parallel.
    // A limit, not a speed check: end-to-end tests move the virtual clock through days of schedules
    // (reminders, letter batches as PDFs), which on a loaded 2-core machine can pass 30 s.
    testTimeout: 90_000,
    // A file that starts the local runtime with the whole demo seeds thousands of items first; on a
    // loaded 2-core machine that can pass a minute. A limit, not a speed check (the bench times it).
    hookTimeout: 240_000,
    pool: 'forks',
    // Two files at a time, each worker with its own DynamoDB Local (tests/support/global-setup.ts):
    // Vitest's default on 2 cores is one. The whole suite took 597 s at two workers on a quiet 2-core
    // machine (1 December 2026), against 1,442-1,827 s at one (README, Tests).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true' },
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'reports/vitest.json' }]] : ['default'],
  },
});
