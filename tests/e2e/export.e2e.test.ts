/**
 * Streamed export (issue 11 item 4): an enumerator's survey becomes a respondent; the super admin
 * opens the export page at phone width (375 px) with an LGA in the URL (as the dashboard links it),
 * starts a CSV export, follows the progress bar to the download link, downloads the file, and its
 * row count equals the report summary's total for the same filters. No sideways overflow.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { assignPublicCoreForm, createEnumerator, respondentAnswers, signInOverHttp } from './collect-setup.js';
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

it('the super admin exports a CSV whose row count matches the summary total', async () => {
  const { url } = registry;
  const admin = await signInOverHttp(url, ADMIN_EMAIL, ADMIN_PASSWORD);
  const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': 'application/json' };
  const { questionnaireId } = await assignPublicCoreForm(url, admin);
  const schema = await (await fetch(`${url}/api/v1/forms/${questionnaireId}/schema`)).json();
  const enumerator = await createEnumerator(url, admin, `enum.${Date.now()}@e2e.oslrs`);
  const field = await signInOverHttp(url, enumerator.email, enumerator.password);
  const answers = respondentAnswers(1, Date.now() % 100_000);
  const done = new Date(Date.now() - 3600_000);
  const sent = await fetch(`${url}/api/v1/submissions`, {
    method: 'POST',
    headers: { cookie: field.cookie, 'x-csrf-token': field.csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: randomUUID(),
      questionnaireVersionId: schema.versionId,
      answers,
      startedAt: new Date(done.getTime() - 600_000).toISOString(),
      completedAt: done.toISOString(),
    }),
  });
  expect(sent.status).toBe(202);
  const lga = String(answers.lga_id);
  const total = async () =>
    (await (await fetch(`${url}/api/v1/reports/summary?lga=${lga}`, { headers })).json()).total as number;
  await expect.poll(total, { timeout: 30_000, interval: 250 }).toBe(1);

  const page = await browser.newPage({ viewport: { width: 375, height: 800 }, acceptDownloads: true });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto(`${url}/reports/export?lga=${lga}`);
  await page.getByRole('heading', { level: 1, name: 'Export respondents' }).waitFor();
  expect(await page.getByLabel('LGA').inputValue()).toBe(lga);
  await page.getByRole('button', { name: 'Export' }).click();
  const link = page.getByRole('link', { name: 'Download the file' });
  await link.waitFor({ timeout: 30_000 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'export page at 375 px').toBeLessThanOrEqual(0);
  await page.screenshot({ path: join(artifacts, 'export-ready.png'), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^oslrs-respondents-\d{8}-[0-9a-f]{8}\.csv$/);
  const rows = parse(readFileSync((await download.path())!, 'utf8'), { bom: true }) as string[][];
  expect(rows[0]![0]).toBe('respondent_id');
  expect(rows.length - 1).toBe(await total());
  expect(rows[1]).toContain(String(answers.surname));
  expect(problems).toEqual([]);
});
