/**
 * Password reset in the browser, against the built registry: a staff member signed in on one device
 * forgets their password on another: "Forgot password?" on the sign-in page → the emailed link (read
 * from mail_outbox) → a guessable password is refused with advice → a new one is set → they sign in
 * with it; the old password no longer works and the first device's session is gone.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  artifacts,
  launchBrowser,
  startRegistry,
  type RunningRegistry,
} from './server.js';

let registry: RunningRegistry;
let browser: Browser;
const contexts: BrowserContext[] = [];

const EMAIL = 'reset.me@e2e.oslrs';
const OLD_PASSWORD = 'the old clerk passphrase';
const NEW_PASSWORD = 'yellow mango rain forty two';

beforeAll(async () => {
  [registry, browser] = await Promise.all([startRegistry(), launchBrowser()]);
  // An invited data entry clerk who activated their account (over HTTP: not what is under test).
  const login = await fetch(`${registry.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const invite = await fetch(`${registry.url}/api/v1/staff`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ fullName: 'Remi Reset', email: EMAIL, phone: '08035550123', role: 'data_entry_clerk' }),
  });
  expect(invite.status).toBe(201);
  const { activationUrl } = (await invite.json()) as { activationUrl: string };
  const activated = await fetch(`${registry.url}/api/v1/auth/activate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: new URL(activationUrl).searchParams.get('token'), password: OLD_PASSWORD }),
  });
  expect(activated.status).toBe(200);
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await registry?.stop();
});

async function newPage(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Refusals the test provokes (401 signed out / wrong password, 400 weak password) are logged by Chromium.
    if (m.type() === 'error' && !/status of (400|401)/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { page, problems };
}

async function signIn(page: Page, password: string) {
  await page.goto(`${registry.url}/login`);
  await page.getByLabel('Email', { exact: true }).fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The newest reset link emailed to EMAIL (mail_outbox, as a person reads their inbox). */
async function emailedResetToken(): Promise<string> {
  const db = new pg.Client({ connectionString: registry.databaseUrl });
  await db.connect();
  let link: string | undefined;
  try {
    await expect
      .poll(async () => {
        const { rows } = await db.query<{ body: string }>(
          'select body from mail_outbox where "to" = $1 order by created_at desc',
          [EMAIL],
        );
        link = rows.map((r) => /https?:\/\/\S*\/reset-password\?token=\S+/.exec(r.body)?.[0]).find(Boolean);
        return link;
      })
      .toBeTruthy();
  } finally {
    await db.end();
  }
  return new URL(link!).searchParams.get('token')!;
}

const status = (page: Page, path: string) =>
  page.evaluate(async (p) => (await fetch(p, { credentials: 'same-origin' })).status, path);

it('forgot password → emailed link → new password → sign in; the old session and password are gone', async () => {
  // A device where the clerk is signed in with the old password.
  const { page: old, problems: oldProblems } = await newPage();
  await signIn(old, OLD_PASSWORD);
  await old.waitForURL((u) => !u.pathname.startsWith('/login'));
  expect(await status(old, '/api/v1/auth/me')).toBe(200);

  // Another device: "Forgot password?" from the sign-in page.
  const { page, problems } = await newPage();
  await page.goto(`${registry.url}/login`);
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
  await page.getByLabel('Email', { exact: true }).fill(EMAIL);
  await page.getByRole('button', { name: 'Email me a reset link' }).click();
  await page.getByText('Check your email').waitFor();
  expect(await page.locator('main').innerText()).toMatch(/If an account uses this email address/);
  await page.screenshot({ path: join(artifacts, 'password-reset-requested.png'), fullPage: true });

  const token = await emailedResetToken();
  await page.goto(`${registry.url}/reset-password?token=${encodeURIComponent(token)}`);
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();

  // Long enough for the length rule, but on every list of common passwords: refused with advice.
  await page.getByLabel('New password').fill('password123456');
  await page.getByLabel('Confirm password').fill('password123456');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await page.getByText(/This password is too easy to guess/).waitFor();
  expect(await page.getByLabel('New password').getAttribute('aria-invalid')).toBe('true');
  await page.screenshot({ path: join(artifacts, 'password-reset-weak.png'), fullPage: true });

  await page.getByLabel('New password').fill(NEW_PASSWORD);
  await page.getByLabel('Confirm password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await page.getByText('Your new password is set.').waitFor();
  await page.screenshot({ path: join(artifacts, 'password-reset-done.png'), fullPage: true });

  // The link works once.
  await page.goto(`${registry.url}/reset-password?token=${encodeURIComponent(token)}`);
  await page.getByLabel('New password').fill('another long passphrase here');
  await page.getByLabel('Confirm password').fill('another long passphrase here');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await page.getByText(/not valid or was already used/).waitFor();

  // The old password no longer signs in; the new one does.
  await signIn(page, OLD_PASSWORD);
  await page.getByText('Email or password is incorrect.').waitFor();
  await signIn(page, NEW_PASSWORD);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  expect(await status(page, '/api/v1/auth/me')).toBe(200);

  // The first device's session ended with the reset: a reload sends it to the sign-in page.
  expect(await status(old, '/api/v1/auth/me')).toBe(401);
  await old.reload();
  await old.waitForURL((u) => u.pathname.startsWith('/login'));

  expect(problems).toEqual([]);
  expect(oldProblems).toEqual([]);
});
