/**
 * Browser-test fixtures: the built registry as its own process (on a fresh PostgreSQL database and
 * Redis prefix, with its worker in-process) and Debian's Chromium driven by playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  TEST_PII_ENV,
  TEST_REDIS_URL,
  createTestDatabase,
} from '../../apps/api/test/harness.js';

export { ADMIN_EMAIL, ADMIN_PASSWORD };
export const root = resolve(import.meta.dirname, '../..');
export const artifacts = resolve(root, 'tests/e2e/artifacts');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

export interface RunningRegistry {
  url: string;
  /** The app role's connection (what the registry's pool uses). */
  databaseUrl: string;
  /** The schema owner's connection (ANALYZE, fixtures the app role may not write). */
  ownerUrl: string;
  /** What the registry printed until it was ready (the first admin's generated password, the ready line). */
  output: string;
  stop(): Promise<void>;
}

/** `env` values of undefined leave that variable out (e.g. OSLRS_ADMIN_PASSWORD, for a generated one). */
export async function startRegistry(
  options: { env?: Record<string, string | undefined> } = {},
): Promise<RunningRegistry> {
  const db = await createTestDatabase();
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['apps/api/dist/main.js'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      COOKIE_SECURE: 'false',
      HOST: '127.0.0.1',
      PORT: String(port),
      // Two roles, as deployed: the app's pool cannot alter or rewrite the audit log.
      DATABASE_URL: db.appUrl,
      DATABASE_OWNER_URL: db.ownerUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `e2e:${port}:`,
      OSLRS_ADMIN_EMAIL: ADMIN_EMAIL,
      OSLRS_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      ...TEST_PII_ENV,
      ...options.env,
    },
  });
  let out = '';
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`registry did not start:\n${out}`)), 60_000);
    const on = (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready at')) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`registry exited ${code}:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    databaseUrl: db.appUrl,
    ownerUrl: db.ownerUrl,
    output: out,
    async stop() {
      await new Promise<void>((r) => {
        child.removeAllListeners('exit');
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      });
      await db.drop();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
