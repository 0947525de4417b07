/**
 * A super admin signs in, imports a CSV of 50 staff with 2 bad rows, watches the progress bar,
 * sees the 2 errors, and finds the 48 new staff in the list filtered by LGA. Sets above 30 count as
 * large here (LIST_EXACT_COUNT_UP_TO): the LGA's 48 show as an estimate ("about 4x staff") until
 * "Count exactly" is pressed. Totals are not cached here (LIST_COUNT_TTL_MS=0), so the page shows
 * what the server works out after the ANALYZE.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
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
  [registry, browser] = await Promise.all([
    startRegistry({ env: { LIST_EXACT_COUNT_UP_TO: '30', LIST_COUNT_TTL_MS: '0' } }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await registry?.stop();
});

function csvWith50Rows(): string {
  const lines = ['full_name,email,phone,role,lga'];
  for (let i = 1; i <= 50; i++) {
    const n = String(i).padStart(2, '0');
    let lga = 'iseyin';
    let email = `field.${n}@e2e.oslrs`;
    if (i === 17) lga = 'lagos_island'; // not an Oyo LGA
    if (i === 33) email = 'field.05@e2e.oslrs'; // same email as row 5
    lines.push(
      `Field Worker ${n},${email},0803${String(1000000 + i)},${i % 10 === 0 ? 'supervisor' : 'enumerator'},${lga}`,
    );
  }
  return lines.join('\n') + '\n';
}

it('imports 50 staff with 2 bad rows and lists the 48 by LGA', async () => {
  const csvPath = join(artifacts, 'staff-50.csv');
  writeFileSync(csvPath, csvWith50Rows());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A signed-out visitor's GET /auth/me is a 401 by design; Chromium logs it as a failed resource.
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });

  await page.goto(`${registry.url}/login`);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/); // the admin lands on the overview

  await page.getByRole('link', { name: 'Import staff' }).first().click();
  await page.getByLabel('CSV file').setInputFiles(csvPath);
  await page.getByRole('button', { name: 'Import', exact: true }).click();

  const progress = page.getByRole('progressbar', { name: 'Import progress' });
  await progress.waitFor();
  await expect.poll(async () => progress.getAttribute('value'), { timeout: 30_000 }).toBe('50');

  const table = page.getByRole('table', { name: 'Rows with problems' });
  await table.waitFor();
  const rows = table.locator('tbody tr');
  await expect.poll(() => rows.count()).toBe(2);
  const text = (await table.innerText()).replace(/\s+/g, ' ');
  expect(text).toMatch(/18\b.*LGA/); // line 18 = data row 17 (the header is line 1)
  expect(text).toMatch(/34\b.*line 6/); // line 34 = data row 33, a repeat of line 6
  await page.screenshot({ path: join(artifacts, 'import-result.png'), fullPage: true });

  // Fresh statistics (autovacuum would get there): the planner's estimates are then well above 30.
  const owner = new pg.Client({ connectionString: registry.ownerUrl });
  await owner.connect();
  await owner.query('analyze users');
  await owner.end();
  await page.goto(`${registry.url}/admin/staff`);
  await page.getByLabel('LGA').selectOption('iseyin');
  const status = page.getByRole('status').filter({ hasText: /staff/ }).first();
  await expect.poll(async () => status.innerText(), { timeout: 10_000 }).toMatch(/^about \d+ staff/);
  await page.getByRole('button', { name: 'Count exactly' }).click();
  await expect.poll(async () => status.innerText(), { timeout: 10_000 }).toMatch(/^48 staff/);
  expect(page.url()).toContain('lga=iseyin');
  expect(page.url()).toContain('count=exact');
  await expect.poll(() => page.getByRole('button', { name: 'Count exactly' }).count()).toBe(0);
  await page.screenshot({ path: join(artifacts, 'staff-by-lga.png'), fullPage: true });

  // Another LGA shows none of them.
  await page.getByLabel('LGA').selectOption('ogbomosho_north');
  await expect
    .poll(async () => page.getByRole('status').filter({ hasText: /staff/ }).first().innerText())
    .toMatch(/^0 staff/);

  expect(problems).toEqual([]);
});
