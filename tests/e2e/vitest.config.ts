import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll's own default is 1 s: too short for what a browser waits on here (a sign-in's argon2
    // and the navigation after it, on a CI machine busy with the rest of the suite). Playwright's own
    // waits give 30 s; a poll that is met returns as soon as it is.
    expect: { poll: { timeout: 15_000 } },
  },
});
