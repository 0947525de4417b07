import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, startRegistry, type RunningRegistry } from './server.js';

/**
 * The registry and Chromium for one test file: started together before its tests, stopped after
 * them (read `registry` and `browser` inside the tests, once `beforeAll` has run).
 */
export function useRegistry(options: { env?: Record<string, string | undefined> } = {}): {
  readonly registry: RunningRegistry;
  readonly browser: Browser;
} {
  let registry: RunningRegistry | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [registry, browser] = await Promise.all([startRegistry(options), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await registry?.stop();
  });
  return {
    get registry() {
      return registry!;
    },
    get browser() {
      return browser!;
    },
  };
}
