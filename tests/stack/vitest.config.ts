import { defineConfig } from 'vitest/config';

// The stack test (`npm run test:stack`): real NGINX + PM2 + PostgreSQL + Redis. One file, in order.
export default defineConfig({
  test: {
    include: ['tests/stack/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
