import { defineConfig } from 'vitest/config';

/**
 * The resilience tier: tests that kill workers, stop or pause Redis, and wait for recovery. Slower
 * and harder on the machine than the rest, so they run apart (`npm run test:resilience`), one file
 * at a time, and CI runs them after the unit and integration tests.
 */
export default defineConfig({
  test: {
    include: ['apps/*/src/**/*.resilience.test.ts'],
    pool: 'forks',
    globalSetup: ['apps/api/test/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
