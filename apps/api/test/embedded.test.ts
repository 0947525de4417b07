/**
 * The newcomer's path: no DATABASE_URL, no REDIS_URL. The real entry point starts on the embedded
 * PGlite database, migrates, seeds, creates the first super admin with a generated password,
 * signs in, runs a background job in-process; a second start reuses the data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const dataDir = mkdtempSync(join(tmpdir(), 'oslrs-embedded-'));
const children: ChildProcess[] = [];

function start(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(DATABASE_URL|REDIS_URL|OSLRS_|NODE_APP_INSTANCE|VITEST)/.test(k)) env[k] = v;
  }
  Object.assign(env, { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'development' });
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], { cwd: root, env });
  children.push(child);
  let out = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line in 45 s:\n${out}`)), 45_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready at (http:\/\/localhost:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, url: m[1]!, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}:\n${out}`));
    });
  });
}

function stop(child: ChildProcess) {
  return new Promise<void>((r) => {
    child.removeAllListeners('exit');
    child.once('exit', () => r());
    child.kill('SIGTERM');
  });
}

async function signIn(url: string, email: string, password: string) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
  return {
    status: res.status,
    cookie,
    body: (await res.json()) as { csrfToken: string; user: { role: string; mustChangePassword?: boolean } },
  };
}

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded mode', () => {
  it('starts, migrates, seeds, signs in, runs jobs in-process, and keeps its data across restarts', async () => {
    const first = await start();
    const printed = /First super admin: (\S+)\nGenerated password \(shown once[^)]*\): (\S+)/.exec(first.output());
    expect(printed, first.output()).not.toBeNull();
    const [, email, password] = printed!;
    expect(first.output()).toContain('embedded PostgreSQL');

    const health = await fetch(`${first.url}/api/v1/health/ready`);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      database: { status: 'ok' },
      redis: { status: 'not_configured' },
    });

    const lgas = (await (await fetch(`${first.url}/api/v1/lgas`)).json()) as { items: unknown[] };
    expect(lgas.items).toHaveLength(33);

    const s = await signIn(first.url, email!, password!);
    expect(s.status).toBe(200);
    expect(s.body.user.role).toBe('super_admin');
    // A generated password is the installer's, not the admin's: everything else waits for a new one.
    expect(s.body.user.mustChangePassword).toBe(true);
    const refused = await fetch(`${first.url}/api/v1/staff`, { headers: { cookie: s.cookie } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const chosen = 'Embedded-admin-chose-this-1';
    const changed = await fetch(`${first.url}/api/v1/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.body.csrfToken },
      body: JSON.stringify({ currentPassword: password, newPassword: chosen }),
    });
    expect(changed.status).toBeLessThan(300);

    const csv =
      'full_name,email,phone,role,lga\nEmbedded One,embedded.one@test.oslrs,08030000001,enumerator,oyo_east\nBad Lga,bad.lga@test.oslrs,08030000002,enumerator,atlantis\n';
    const imported = await fetch(`${first.url}/api/v1/staff/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', cookie: s.cookie, 'x-csrf-token': s.body.csrfToken },
      body: csv,
    });
    expect(imported.status).toBe(202);
    const { job } = (await imported.json()) as { job: { id: string } };
    let state = '';
    let jobBody: { job: { state: string; succeeded: number; failed: number } } | undefined;
    for (let i = 0; i < 200 && state !== 'completed'; i++) {
      jobBody = (await (
        await fetch(`${first.url}/api/v1/jobs/${job.id}`, { headers: { cookie: s.cookie } })
      ).json()) as typeof jobBody;
      state = jobBody!.job.state;
      if (state !== 'completed') await new Promise((r) => setTimeout(r, 50));
    }
    expect(jobBody!.job).toMatchObject({ state: 'completed', succeeded: 1, failed: 1 });
    await stop(first.child);

    const second = await start();
    expect(second.output()).not.toContain('First super admin');
    const again = await signIn(second.url, email!, chosen);
    expect(again.status).toBe(200);
    const list = (await (
      await fetch(`${second.url}/api/v1/staff?q=embedded.one`, { headers: { cookie: again.cookie } })
    ).json()) as { total: number };
    expect(list.total).toBe(1);
    await stop(second.child);
  }, 120_000);
});
