import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    // Kills, Redis outages and pauses run in their own tier (vitest.resilience.config.ts), still in CI.
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.resilience.test.ts'],
    pool: 'forks',
    // One migrated template database, cloned by every test file (apps/api/test/global-setup.ts).
    globalSetup: ['apps/api/test/global-setup.ts'],
    // Each test file gets its own database and Redis prefix, so files run in parallel safely.
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
