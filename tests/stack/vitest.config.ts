import { defineConfig } from 'vitest/config';

// The stack tests (`npm run test:stack`): real NGINX + PM2 + PostgreSQL + Redis — one node
// (stack.test.ts) and two nodes in network namespaces (two-nodes.test.ts). One file at a time.
export default defineConfig({
  test: {
    include: ['tests/stack/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
