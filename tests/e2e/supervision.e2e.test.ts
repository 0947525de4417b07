/**
 * Supervision in the browser: a supervisor signs in and lands on their team page (a survey the
 * enumerator sent today is counted), sets the enumerator's target and writes to the whole team; the
 * enumerator, on a phone, sees the message and their progress against the new target on the collect
 * home, reads it, and the unread count drops. Then every role lands where its work is, a page a role
 * may not open says so, and the phone navigation shows every entry.
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { assignPublicCoreForm, respondentAnswers, signInOverHttp, type HttpSession } from './collect-setup.js';
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
const PASSWORD = 'supervision test password 1';
const PHONE = { width: 375, height: 812 };

beforeAll(async () => {
  [registry, browser] = await Promise.all([startRegistry(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await registry?.stop();
});

async function json(res: Response, status: number, what: string) {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const h = (s: HttpSession) => ({ cookie: s.cookie, 'x-csrf-token': s.csrfToken, 'content-type': 'application/json' });

/** Invites a staff member and activates the account; returns the sign-in email. */
async function staffMember(admin: HttpSession, role: string, fullName: string, lga?: string): Promise<string> {
  const email = `${role}.${randomUUID().slice(0, 8)}@e2e.oslrs`;
  const invited = await json(
    await fetch(`${registry.url}/api/v1/staff`, {
      method: 'POST',
      headers: h(admin),
      body: JSON.stringify({ fullName, email, phone: '08031112222', role, ...(lga ? { lga } : {}) }),
    }),
    201,
    `invite ${role}`,
  );
  const token = new URL(invited.activationUrl).searchParams.get('token');
  await json(
    await fetch(`${registry.url}/api/v1/auth/activate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: PASSWORD }),
    }),
    200,
    'activate',
  );
  return email;
}

async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto(`${registry.url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** No element sticks out sideways at phone width. */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

function watchErrors(page: Page, problems: string[]) {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[134]/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
}

let emails: Record<string, string>;

it('supervisor → team page, target and team message → the enumerator sees both on the phone', async () => {
  const admin = await signInOverHttp(registry.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  const { questionnaireId } = await assignPublicCoreForm(registry.url, admin);
  emails = {
    supervisor: await staffMember(admin, 'supervisor', 'Sade Supervisor', 'ibadan_north'),
    enumerator: await staffMember(admin, 'enumerator', 'Adebayo Field', 'ibadan_north'),
    data_entry_clerk: await staffMember(admin, 'data_entry_clerk', 'Clara Clerk'),
    verification_assessor: await staffMember(admin, 'verification_assessor', 'Ayo Assessor'),
    government_official: await staffMember(admin, 'government_official', 'Olu Official'),
  };

  // The enumerator sends one survey today (over HTTP: the collect flow has its own browser test).
  const field = await signInOverHttp(registry.url, emails.enumerator!, PASSWORD);
  const schema = await json(await fetch(`${registry.url}/api/v1/forms/${questionnaireId}/schema`), 200, 'schema');
  const now = Date.now();
  await json(
    await fetch(`${registry.url}/api/v1/submissions`, {
      method: 'POST',
      headers: h(field),
      body: JSON.stringify({
        id: randomUUID(),
        questionnaireVersionId: schema.versionId,
        answers: respondentAnswers(1),
        startedAt: new Date(now - 15 * 60_000).toISOString(),
        completedAt: new Date(now - 60_000).toISOString(),
        gps: { lat: 7.3775, lng: 3.947, accuracy: 9 },
      }),
    }),
    202,
    'submit',
  );

  // --- the supervisor, on a phone ---
  const problems: string[] = [];
  const supCtx = await browser.newContext({ viewport: PHONE });
  const sup = await supCtx.newPage();
  watchErrors(sup, problems);
  await signIn(sup, emails.supervisor!);
  await sup.waitForURL(/\/team$/);
  await sup.getByRole('heading', { level: 1, name: 'Team — Ibadan North' }).waitFor();
  const card = sup.locator('[data-member]').filter({ hasText: 'Adebayo Field' });
  await card.waitFor();
  // The survey sent today is counted (the ingest job may still be running: the count is of what arrived).
  await expect.poll(async () => (await card.innerText()).match(/Today\s*\n?\s*(\d+)/)?.[1]).toBe('1');
  await sup.getByRole('img', { name: /Map of 1 GPS point received today/ }).waitFor();

  await card.getByRole('button', { name: 'Set target for Adebayo Field' }).click();
  await card.getByLabel('Per day').fill('5');
  await card.getByLabel('Per week').fill('25');
  await card.getByRole('button', { name: 'Save target' }).click();
  await card.locator('[data-target]').filter({ hasText: '5 a day, 25 a week' }).waitFor();
  expect(await fitsWidth(sup)).toBe(true);
  await sup.screenshot({ path: join(artifacts, 'supervision-team-375.png'), fullPage: true });

  await sup.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Messages' }).click();
  await sup.waitForURL(/\/messages$/);
  await sup.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
  await sup.getByLabel('To', { exact: true }).selectOption('team');
  await sup.getByLabel('Message', { exact: true }).fill('Team meeting at 4 pm at the LGA office.');
  await sup.getByRole('button', { name: 'Send' }).click();
  await sup.getByText('Sent to 1 enumerator.').waitFor();
  await sup.locator('[data-message]').filter({ hasText: 'Team meeting at 4 pm' }).waitFor();
  expect(await fitsWidth(sup)).toBe(true);
  await sup.screenshot({ path: join(artifacts, 'supervision-messages-375.png'), fullPage: true });

  // On a wide screen the team is one table.
  await sup.setViewportSize({ width: 1280, height: 900 });
  await sup.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
  const row = sup.locator('[data-row]').filter({ hasText: 'Adebayo Field' });
  await row.waitFor();
  expect(await row.innerText()).toMatch(/1 \/ 5\s+1 \/ 25/);
  await sup.screenshot({ path: join(artifacts, 'supervision-team-1280.png'), fullPage: true });

  // --- the enumerator, on a phone ---
  const enumCtx = await browser.newContext({ viewport: PHONE });
  const phone = await enumCtx.newPage();
  watchErrors(phone, problems);
  await signIn(phone, emails.enumerator!);
  await phone.waitForURL(/\/collect$/);
  const dashboard = phone.locator('[data-dashboard]');
  await dashboard.waitFor();
  expect(await dashboard.locator('[data-meter="Today"]').innerText()).toMatch(/^1\s*of 5$/);
  expect(await dashboard.locator('[data-meter="This week"]').innerText()).toMatch(/^1\s*of 25$/);
  await dashboard.getByRole('link', { name: 'Messages — 1 new' }).click();
  await phone.waitForURL(/\/collect\/messages$/);
  const message = phone.locator('[data-message]').filter({ hasText: 'Team meeting at 4 pm at the LGA office.' });
  await message.waitFor();
  expect(await message.getAttribute('data-unread')).toBe('true');
  expect(await message.innerText()).toContain('From Sade Supervisor to the team');
  expect(await fitsWidth(phone)).toBe(true);
  await phone.screenshot({ path: join(artifacts, 'supervision-enumerator-messages-375.png'), fullPage: true });
  await message.getByRole('button', { name: 'Mark as read' }).click();
  await expect.poll(() => message.getAttribute('data-unread')).toBe('false');

  // Back on the collect home the count is gone, and it stays on the device offline.
  await phone.getByRole('link', { name: 'Back to surveys' }).click();
  await phone.locator('[data-dashboard]').getByRole('link', { name: 'Messages', exact: true }).waitFor();
  await phone.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  await enumCtx.setOffline(true);
  await phone.reload();
  const offlineCard = phone.locator('[data-dashboard]');
  await offlineCard.waitFor();
  expect(await offlineCard.innerText()).toMatch(/Offline: as the registry reported/);
  expect(await offlineCard.locator('[data-meter="Today"]').innerText()).toMatch(/^1\s*of 5$/);
  await enumCtx.setOffline(false);

  await supCtx.close();
  await enumCtx.close();
  expect(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR/.test(p))).toEqual([]);
});

it('every role lands where its work is, and a page a role may not open says so', async () => {
  const landing: [string, string, RegExp][] = [
    ['super_admin', ADMIN_EMAIL, /\/admin$/],
    ['supervisor', emails.supervisor!, /\/team$/],
    ['enumerator', emails.enumerator!, /\/collect$/],
    ['data_entry_clerk', emails.data_entry_clerk!, /\/clerk$/],
    ['verification_assessor', emails.verification_assessor!, /\/verification$/],
    ['government_official', emails.government_official!, /\/reports$/],
  ];
  for (const [role, email, home] of landing) {
    const ctx = await browser.newContext({ viewport: PHONE });
    const page = await ctx.newPage();
    await signIn(page, email, role === 'super_admin' ? ADMIN_PASSWORD : PASSWORD);
    await page.waitForURL(home);
    expect(new URL(page.url()).pathname, role).toMatch(home);
    await ctx.close();
  }

  // A page for another role: the message, on that very address (no silent redirect).
  const forbidden: [string, string][] = [
    [emails.enumerator!, '/admin/staff'],
    [emails.supervisor!, '/clerk'],
    [emails.data_entry_clerk!, '/team'],
    [emails.government_official!, '/collect'],
  ];
  for (const [email, path] of forbidden) {
    const ctx = await browser.newContext({ viewport: PHONE });
    const page = await ctx.newPage();
    await signIn(page, email);
    await page.goto(`${registry.url}${path}`);
    await page.getByRole('heading', { level: 1, name: 'You don’t have access to this page' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(path);
    await ctx.close();
  }
});

it('on a phone the admin navigation shows every entry, and the overview is the landing page', async () => {
  const ctx = await browser.newContext({ viewport: PHONE });
  const page = await ctx.newPage();
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.waitForURL(/\/admin$/);
  await page.getByRole('heading', { level: 1, name: 'Today in the registry' }).waitFor();
  await page.locator('[data-overview]').getByText('Submissions today').waitFor();
  const links = page.getByRole('navigation', { name: 'Admin' }).getByRole('link');
  const names = await links.allInnerTexts();
  expect(names).toEqual([
    'Overview',
    'Dashboard',
    'Staff',
    'Invite staff',
    'Import staff',
    'Questionnaires',
    'Fraud signals',
    'Teams',
    'Review',
    'Registry',
    'Audit log',
    'Contact reveals',
    'Import lists',
    'Partner keys',
    'USSD simulator',
  ]);
  for (let i = 0; i < names.length; i++) {
    const box = await links.nth(i).boundingBox();
    expect(box, names[i]).not.toBeNull();
    expect(box!.x, names[i]).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, names[i]).toBeLessThanOrEqual(PHONE.width);
  }
  expect(await fitsWidth(page)).toBe(true);
  await page.screenshot({ path: join(artifacts, 'admin-overview-375.png'), fullPage: true });
  await ctx.close();
});
