/**
 * Issue 10, the send-back loop: an enumerator's flagged survey reaches the supervisor's review list
 * (most suspicious first); the supervisor returns it with a comment; on a phone, the enumerator finds
 * it under "Needs correction" (still there offline), opens it pre-filled, corrects it and syncs; the
 * supervisor sees the correction, approves it, and the original shows as superseded. Every review
 * page is checked at 375 px for sideways overflow.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assignPublicCoreForm,
  completeSurvey,
  createEnumerator,
  respondentAnswers,
  signInOverHttp,
  untilServiceWorkerReaches,
  type HttpSession,
} from './collect-setup.js';
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

beforeAll(async () => {
  [registry, browser] = await Promise.all([startRegistry(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await registry?.stop();
});

const PHONE = { width: 375, height: 812 };

async function http(session: HttpSession, method: string, path: string, body?: unknown) {
  const res = await fetch(`${registry.url}/api/v1${path}`, {
    method,
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrfToken,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function createSupervisor(admin: HttpSession) {
  const email = 'supervisor.review@e2e.oslrs';
  const password = 'supervising field work 2025';
  const invited = await http(admin, 'POST', '/staff', {
    fullName: 'Bola Supervisor',
    email,
    phone: '08035556666',
    role: 'supervisor',
    lga: 'ibadan_north',
  });
  expect(invited.status, JSON.stringify(invited.json)).toBe(201);
  const token = new URL(invited.json.activationUrl).searchParams.get('token');
  const activated = await fetch(`${registry.url}/api/v1/auth/activate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password }),
  });
  expect(activated.status).toBe(200);
  return { email, password };
}

async function signIn(page: Page, who: { email: string; password: string }, next: string) {
  await page.goto(`${registry.url}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function noSidewaysScroll(page: Page, what: string) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll, `${what}: page is ${scroll}px wide in a ${inner}px viewport`).toBeLessThanOrEqual(inner);
}

function watchProblems(page: Page, offline: () => boolean) {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/status of 401/.test(m.text())) return;
    if (offline() && /ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR/.test(m.text())) return;
    problems.push(`console: ${m.text()}`);
  });
  return problems;
}

it('a supervisor returns a flagged survey, the enumerator corrects it on the phone, the supervisor approves the correction', async () => {
  const admin = await signInOverHttp(registry.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  const { questionnaireId } = await assignPublicCoreForm(registry.url, admin);
  const enumerator = await createEnumerator(registry.url, admin, 'field.review@e2e.oslrs');
  const supervisor = await createSupervisor(admin);

  // The enumerator's survey, sent as the phone would: an 8-second survey at 23:30 WAT (flagged).
  const field = await signInOverHttp(registry.url, enumerator.email, enumerator.password);
  const schema = (await (await fetch(`${registry.url}/api/v1/forms/${questionnaireId}/schema`)).json()) as {
    versionId: string;
  };
  const answers = respondentAnswers(1, 31_337);
  const y = new Date(Date.now() - 86_400_000);
  const completedAt = new Date(Date.UTC(y.getUTCFullYear(), y.getUTCMonth(), y.getUTCDate(), 22, 30));
  const originalId = randomUUID();
  const sent = await http(field, 'POST', '/submissions', {
    id: originalId,
    questionnaireVersionId: schema.versionId,
    answers,
    startedAt: new Date(completedAt.getTime() - 8_000).toISOString(),
    completedAt: completedAt.toISOString(),
  });
  expect(sent.status, JSON.stringify(sent.json)).toBe(202);

  // --- the supervisor, on a phone too ---
  const supContext = await browser.newContext({ viewport: PHONE });
  const sup = await supContext.newPage();
  const supProblems = watchProblems(sup, () => false);
  await signIn(sup, supervisor, '/review');
  await sup.waitForURL(/\/review$/);
  await sup.getByRole('heading', { name: 'Review submissions' }).waitFor();
  const flagged = sup.locator(`[data-review-item="${originalId}"]`);
  await expect.poll(() => flagged.count(), { timeout: 30_000, interval: 500 }).toBe(1);
  // Flagged first: it heads the list, with its band and reasons.
  await expect.poll(() => sup.locator('[data-review-item]').first().getAttribute('data-review-item')).toBe(originalId);
  expect(await flagged.locator('[data-band]').getAttribute('data-band')).not.toBe('clean');
  expect(await flagged.innerText()).toMatch(/Fraud score \d+/);
  await noSidewaysScroll(sup, 'review list');
  await sup.screenshot({ path: join(artifacts, 'review-list-phone.png'), fullPage: true });

  await flagged.getByRole('link').click();
  await sup.waitForURL(new RegExp(`/review/${originalId}$`));
  await sup.getByRole('list', { name: 'Fraud reasons' }).waitFor();
  expect(await sup.getByText(answers.surname as string, { exact: true }).count()).toBeGreaterThan(0);
  await noSidewaysScroll(sup, 'review detail');
  const comment = 'The respondent’s surname is misspelt — please confirm it with them.';
  await sup.getByLabel('Return for correction').check();
  await sup.getByLabel(/Comment/).fill(comment);
  await sup.getByRole('button', { name: 'Save decision' }).click();
  await sup.getByText('Saved: Returned for correction').waitFor();
  await sup.screenshot({ path: join(artifacts, 'review-returned-phone.png'), fullPage: true });

  // --- the enumerator's phone ---
  const context: BrowserContext = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  let offline = false;
  const problems = watchProblems(page, () => offline);
  await signIn(page, enumerator, '/collect');
  await page.waitForURL(/\/collect$/);
  await page.getByText('kept on this device for offline use').waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  const needs = page.getByRole('region', { name: /Needs correction/ });
  await needs.getByText(comment).waitFor();
  expect(await needs.getByRole('heading').innerText()).toBe('Needs correction (1)');
  // The registry's own list says returned, with the comment.
  const mine = await http(field, 'GET', '/submissions?limit=5');
  expect(mine.json.items.find((i: { id: string }) => i.id === originalId).review).toMatchObject({
    status: 'returned',
    comment,
  });
  await noSidewaysScroll(page, 'collect with a returned survey');

  // Kept on the device: offline, after a reload, it is still there and opens pre-filled.
  await context.setOffline(true);
  offline = true;
  await page.reload();
  await needs.getByText(comment).waitFor();
  await page.screenshot({ path: join(artifacts, 'review-needs-correction-offline.png'), fullPage: true });
  await needs.getByRole('button', { name: /Correct survey/ }).click();
  await page.waitForURL(/\/collect\/survey\/[0-9a-f-]{36}$/);
  await page.locator(`[data-correcting="${originalId}"]`).getByText(comment).waitFor();
  // Pre-filled with the original answers (the field store's own handle, apps/web/src/offline/tools.ts).
  const prefilled = await page.evaluate(async (id) => {
    const field = (
      window as unknown as {
        oslrsField: { drafts(): Promise<{ replaces?: string; answers: Record<string, unknown> }[]> };
      }
    ).oslrsField;
    return (await field.drafts()).find((d) => d.replaces === id)?.answers ?? null;
  }, originalId);
  expect(prefilled).toMatchObject({ surname: answers.surname, nin: answers.nin, phone_number: answers.phone_number });
  const corrected = { ...answers, surname: 'Adeyemi-Okoro' };
  await completeSurvey(page, corrected);
  await page.waitForURL(/\/collect$/);

  // Back online: the correction is sent and ingested, and leaves the "needs correction" list.
  await context.setOffline(false);
  // The app's refetch at the `online` event can still fail in the service worker (see openCollect).
  await untilServiceWorkerReaches(page);
  offline = false;
  await expect.poll(() => page.locator('[data-outbox]').count(), { timeout: 20_000 }).toBe(0);
  await expect.poll(() => page.locator('[data-correction]').count(), { timeout: 30_000, interval: 500 }).toBe(0);
  await page.screenshot({ path: join(artifacts, 'review-corrected-synced.png'), fullPage: true });

  // --- the supervisor approves the correction; the original is superseded ---
  await sup.goto(`${registry.url}/review/${originalId}`);
  await sup.locator('[data-review-status="superseded"]').first().waitFor();
  await sup.locator('[data-replaced-by]').click();
  await sup.getByText('Adeyemi-Okoro', { exact: true }).waitFor();
  await sup.getByLabel('Approve').check();
  await sup.getByRole('button', { name: 'Save decision' }).click();
  await sup.getByText('Saved: Approved').waitFor();
  await sup.goto(`${registry.url}/review?sort=recent`);
  await sup.locator('[data-review-status="approved"]').first().waitFor();
  expect(await sup.locator(`[data-review-item="${originalId}"]`).getAttribute('data-review-status')).toBe('superseded');
  await noSidewaysScroll(sup, 'review list after approval');
  await sup.screenshot({ path: join(artifacts, 'review-approved-phone.png'), fullPage: true });

  expect(problems).toEqual([]);
  expect(supProblems).toEqual([]);
  await context.close();
  await supContext.close();
});
