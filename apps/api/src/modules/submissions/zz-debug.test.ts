import { spawn } from 'node:child_process';
import { it } from 'vitest';
import { count, isNull } from 'drizzle-orm';
import { submissionOutbox } from '../../db/schema/index.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, call, createUser, login, startTestApp } from '../../../test/harness.js';
import { publishForm, submissionBody, submit } from './testkit.js';

const log = (...a: unknown[]) => console.log(new Date().toISOString().slice(17), ...a);
const race = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`TIMEOUT ${what}`)), ms))]);
async function timed(what: string, fn: () => Promise<{ statusCode: number }>) {
  const t0 = Date.now();
  try { const r = await race(fn(), 20000, what); log(what, r.statusCode, Date.now() - t0, 'ms'); } catch (e) { log(String(e)); }
}

it('debug', { timeout: 120_000 }, async () => {
  const port = 6391;
  let child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  const t = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, RELAY_INTERVAL_MS: '500', OUTBOX_STALE_MS: '500' }, logLevel: 'warn' });
  const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  const master = await publishForm(t, admin);
  const u = await createUser(t, 'enumerator');
  const en = await login(t.app, u.email, u.password);
  log('ready');
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  log('killed');
  await new Promise((r) => setTimeout(r, 5000));
  log('waited 5s');
  await timed('health', () => t.app.inject({ method: 'GET', url: '/api/v1/health' }));
  await timed('lgas (rate limit only)', () => t.app.inject({ method: 'GET', url: '/api/v1/lgas' }));
  await timed('lgas (rate limit only) 2', () => t.app.inject({ method: 'GET', url: '/api/v1/lgas' }));
  await timed('mine (session)', () => call(t.app, en, { method: 'GET', url: '/api/v1/submissions' }));
  await timed('submit', () => submit(t, en, submissionBody(master.versionId)));
  await timed('submit2', () => submit(t, en, submissionBody(master.versionId)));
  child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  log('restarted');
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const [p] = await t.database.db.select({ n: count() }).from(submissionOutbox).where(isNull(submissionOutbox.doneAt));
    log('pending', p!.n, 'redis status', t.runtime.redis!.status);
    if (p!.n === 0) break;
  }
  await timed('submit3', () => submit(t, en, submissionBody(master.versionId)));
  const t2 = Date.now();
  try { await race(t.close(), 15000, 'close'); log('closed', Date.now() - t2); } catch (e) { log(String(e)); }
  child.kill('SIGKILL');
});
