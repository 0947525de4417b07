/**
 * Issue 11, the dashboard and the public insights: an enumerator's surveys (11 in Ibadan North, 3 in
 * Atiba) reach the rollups; a government official signs in on a phone, lands on the dashboard, sees
 * the total, filters by Ibadan North through the form (the URL carries the filter, the numbers become
 * Ibadan North's, a reload keeps it, Back undoes it), and nothing scrolls sideways at 375 px. A
 * supervisor of Ibadan North sees only its numbers, even from a link filtered to Atiba. Anyone,
 * signed out, follows the home page's link to the insights, where Atiba's 3 read "fewer than 10".
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import {
  assignPublicCoreForm,
  createEnumerator,
  respondentAnswers,
  signInOverHttp,
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
const OFFICIAL = { email: 'official.reports@e2e.oslrs', password: 'planning with numbers 2025' };
const SUPERVISOR = { email: 'supervisor.reports@e2e.oslrs', password: 'supervising field work 2025' };

async function http(session: HttpSession | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${registry.url}/api/v1${path}`, {
    method,
    headers: {
      ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrfToken } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function createStaff(
  admin: HttpSession,
  who: { email: string; password: string },
  details: { fullName: string; phone: string; role: string; lga?: string },
) {
  const invited = await http(admin, 'POST', '/staff', { ...details, email: who.email });
  expect(invited.status, JSON.stringify(invited.json)).toBe(201);
  const token = new URL(invited.json.activationUrl).searchParams.get('token');
  const activated = await http(null, 'POST', '/auth/activate', { token, password: who.password });
  expect(activated.status, JSON.stringify(activated.json)).toBe(200);
}

async function noSidewaysScroll(page: Page, what: string) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll, `${what}: page is ${scroll}px wide in a ${inner}px viewport`).toBeLessThanOrEqual(inner);
}

function watchProblems(page: Page) {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return problems;
}

const total = (page: Page) => page.locator('[data-report-total]').getAttribute('data-report-total');

it('an official filters the dashboard by LGA through the URL; the public insights hide small cells', async () => {
  const admin = await signInOverHttp(registry.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  const { questionnaireId } = await assignPublicCoreForm(registry.url, admin);
  const enumerator = await createEnumerator(registry.url, admin, 'field.reports@e2e.oslrs');
  await createStaff(admin, OFFICIAL, { fullName: 'Olu Official', phone: '08037778888', role: 'government_official' });
  await createStaff(admin, SUPERVISOR, {
    fullName: 'Bola Supervisor',
    phone: '08035556666',
    role: 'supervisor',
    lga: 'ibadan_north',
  });

  // The enumerator's outbox syncs 14 surveys: 11 respondents in Ibadan North, 3 in Atiba.
  const field = await signInOverHttp(registry.url, enumerator.email, enumerator.password);
  const schema = (await http(null, 'GET', `/forms/${questionnaireId}/schema`)).json as { versionId: string };
  const salt = 40_000 + (Date.now() % 9_999);
  const start = Date.now() - 3 * 3_600_000;
  const submissions = Array.from({ length: 14 }, (_, n) => ({
    id: randomUUID(),
    questionnaireVersionId: schema.versionId,
    answers: { ...respondentAnswers(n, salt), lga_id: n < 11 ? 'ibadan_north' : 'atiba' },
    startedAt: new Date(start + n * 600_000).toISOString(),
    completedAt: new Date(start + n * 600_000 + 480_000).toISOString(),
  }));
  const sent = await http(field, 'POST', '/submissions/batch', { submissions });
  expect(sent.status, JSON.stringify(sent.json)).toBe(200);

  // Settled: ingestion has put all 14 in the rollups the dashboard reads.
  const official = await signInOverHttp(registry.url, OFFICIAL.email, OFFICIAL.password);
  await expect
    .poll(async () => (await http(official, 'GET', '/reports/summary')).json?.total, { timeout: 60_000, interval: 500 })
    .toBe(14);

  // --- the official, on a phone ---
  const context = await browser.newContext({ viewport: PHONE, acceptDownloads: true });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${registry.url}/login`);
  await page.getByLabel('Email').fill(OFFICIAL.email);
  await page.getByLabel('Password').fill(OFFICIAL.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/reports$/);
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await expect.poll(() => total(page)).toBe('14');
  // Every chart has its numbers as a table (read by screen readers; shown on demand).
  const byLga = page.locator('[data-chart="By LGA"]');
  expect(await byLga.getByRole('table').count()).toBe(1);
  expect(await byLga.locator('tr', { hasText: 'Atiba' }).locator('td').textContent()).toBe('3');
  await noSidewaysScroll(page, 'dashboard');

  // Filter by Ibadan North through the form: the URL carries it and the numbers are Ibadan North's.
  await page.getByLabel('LGA', { exact: true }).selectOption('ibadan_north');
  await page.waitForURL(/[?&]lga=ibadan_north/);
  await expect.poll(() => total(page)).toBe('11');
  await expect.poll(() => byLga.locator('tr', { hasText: 'Atiba' }).count()).toBe(0);
  await byLga.getByRole('button', { name: 'Show as table' }).click();
  expect(await byLga.getByRole('table').isVisible()).toBe(true);
  expect(await byLga.locator('tr', { hasText: 'Ibadan North' }).locator('td').textContent()).toBe('11');
  await noSidewaysScroll(page, 'dashboard filtered, table shown');
  await page.screenshot({ path: join(artifacts, 'reports-dashboard-phone.png'), fullPage: true });

  // A reload (or the shared link) keeps the filter.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await expect.poll(() => total(page)).toBe('11');
  expect(await page.getByLabel('LGA', { exact: true }).inputValue()).toBe('ibadan_north');

  // The filtered view exports as a CSV whose rows are the dashboard's total.
  await page.getByRole('link', { name: 'Export these respondents (CSV or Excel)' }).click();
  await page.getByRole('heading', { level: 1, name: 'Export respondents' }).waitFor();
  expect(await page.getByLabel('LGA').inputValue()).toBe('ibadan_north');
  await page.getByRole('button', { name: 'Export' }).click();
  const download = page.getByRole('link', { name: 'Download the file' });
  await download.waitFor({ timeout: 30_000 });
  const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
  const rows = parse(readFileSync((await file.path())!, 'utf8'), { bom: true }) as string[][];
  expect(rows[0]![0]).toBe('respondent_id');
  expect(rows.length - 1).toBe(11);
  await page.goBack();
  await page.waitForURL(/\/reports\?.*lga=ibadan_north/);
  await expect.poll(() => total(page)).toBe('11');

  // Back undoes the filter.
  await page.goBack();
  await expect.poll(() => new URL(page.url()).search).toBe('');
  await expect.poll(() => total(page)).toBe('14');

  // A start after the end is said in words, not sent.
  await page.getByLabel('From', { exact: true }).fill('2026-12-31');
  await page.getByLabel('To', { exact: true }).fill('2026-01-01');
  await page.getByText('The start date is after the end date').waitFor();
  expect(problems).toEqual([]);
  await context.close();

  // --- a supervisor (Ibadan North) sees only their LGA, even from a link made for another ---
  const supContext = await browser.newContext({ viewport: PHONE });
  const sup = await supContext.newPage();
  const supProblems = watchProblems(sup);
  await sup.goto(`${registry.url}/login?next=${encodeURIComponent('/reports?lga=atiba')}`);
  await sup.getByLabel('Email').fill(SUPERVISOR.email);
  await sup.getByLabel('Password').fill(SUPERVISOR.password);
  await sup.getByRole('button', { name: 'Sign in' }).click();
  await sup.waitForURL(/\/reports\?lga=atiba$/);
  await sup.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await expect.poll(() => total(sup)).toBe('11');
  expect(await sup.getByLabel('LGA', { exact: true }).count()).toBe(0);
  expect(await sup.locator('[data-chart="By LGA"] tr', { hasText: 'Atiba' }).count()).toBe(0);
  await noSidewaysScroll(sup, 'supervisor dashboard');
  expect(supProblems).toEqual([]);
  await supContext.close();

  // --- anyone, signed out: the home page links to the public insights ---
  const publicContext = await browser.newContext({ viewport: PHONE });
  const visitor = await publicContext.newPage();
  const visitorProblems = watchProblems(visitor);
  await visitor.goto(registry.url);
  await visitor.getByRole('link', { name: 'Registry insights' }).click();
  await visitor.waitForURL(/\/insights$/);
  await visitor.getByRole('heading', { level: 1, name: 'Registry insights' }).waitFor();
  const lgas = visitor.locator('[data-chart="By Local Government Area"]');
  await lgas.getByRole('table').waitFor({ state: 'attached' });
  // Atiba's 3 people: "fewer than 10", never the number — in the chart and in its table.
  expect(await lgas.locator('[data-bar="atiba"]').innerText()).toContain('fewer than 10');
  expect(await lgas.locator('tr', { hasText: 'Atiba' }).locator('td').textContent()).toBe('fewer than 10');
  expect(await visitor.locator('main').innerText()).not.toMatch(/Atiba\s*3\b/);
  await noSidewaysScroll(visitor, 'insights');
  await visitor.screenshot({ path: join(artifacts, 'insights-phone.png'), fullPage: true });

  // In Yorùbá: the sectors by code in Yorùbá, the hidden cell said in Yorùbá; then a fresh load
  // straight onto /insights (the device remembers Yorùbá) shows the same, never a catalogue id.
  for (const how of ['switch', 'reload'] as const) {
    if (how === 'switch') await visitor.getByRole('combobox', { name: 'Language' }).selectOption('yo');
    else await visitor.goto(`${registry.url}/insights`);
    await expect.poll(() => visitor.evaluate(() => document.documentElement.lang)).toBe('yo');
    const sectors = visitor.locator('[data-chart="Ní ẹ̀ka iṣẹ́"]');
    await sectors.locator('[data-bar="CON"]').waitFor();
    expect(await sectors.locator('[data-bar="CON"]').innerText()).toContain('Ìkọ́lé àti iṣẹ́ ọwọ́ ilé');
    const yoLgas = visitor.locator('[data-chart="Ní Ìjọba Ìbílẹ̀"]');
    expect(await yoLgas.locator('[data-bar="atiba"]').innerText()).toContain('kò tó mẹ́wàá');
    const text = await visitor.locator('main').innerText();
    expect(text).not.toMatch(/Construction|fewer than|taxonomy\.|public\.insights/);
  }
  await visitor.screenshot({ path: join(artifacts, 'insights-yoruba-phone.png'), fullPage: true });
  expect(visitorProblems).toEqual([]);
  await publicContext.close();
});
