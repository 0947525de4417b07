/**
 * Issue 15 in the browser. A super admin imports a 1,000-row list with 40 bad rows: the dry run shows
 * 960 to create and 40 skipped with their reasons, confirming creates the 960 with a progress bar,
 * and rolling back removes them. Then a partner key is created (shown once), rotated and revoked.
 * Both pages fit a 375 px phone.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, artifacts } from './server.js';
import { useRegistry } from './use-registry.js';

const fx = useRegistry();

/** 1,000 rows: every 25th is bad (10 bad NINs, 10 unknown LGAs, 10 impossible dates, 10 repeated NINs). */
function listWith40BadRows(): string {
  const lines = ['surname,firstname,gender,dob,phone_number,nin,lga_id'];
  for (let i = 1; i <= 1000; i++) {
    const nin = `6${String(i).padStart(10, '0')}`;
    const row = [
      `Surname${i}`,
      `First${i}`,
      i % 2 ? 'female' : 'male',
      '1990-01-15',
      `0805${String(1000000 + i)}`,
      nin,
      'iseyin',
    ];
    if (i % 25 === 0) {
      const kind = (i / 25) % 4;
      if (kind === 0) row[5] = '12345';
      if (kind === 1) row[6] = 'lagos_island';
      if (kind === 2) row[3] = '1990-02-30';
      if (kind === 3) row[5] = `6${String(i - 1).padStart(10, '0')}`; // the previous row's NIN
    }
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

async function signIn(page: Page) {
  await page.goto(`${fx.registry.url}/login`);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/);
}

const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

function watch(page: Page) {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => void d.accept());
  return problems;
}

it('imports 1,000 rows with 40 bad: dry run 960 / 40 with reasons, confirm, roll back', async () => {
  const csvPath = join(artifacts, 'import-1000.csv');
  writeFileSync(csvPath, listWith40BadRows());
  const page = await fx.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watch(page);
  await signIn(page);

  await page.getByRole('link', { name: 'Import lists' }).first().click();
  await page.getByLabel('Source agency').fill('State skills agency');
  await page.getByLabel('CSV or XLSX file').setInputFiles(csvPath);
  await page.getByRole('button', { name: 'Dry run' }).click();

  await page.getByTestId('dry-run-totals').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('to-create').innerText()).toBe('960');
  expect(await page.getByTestId('skipped').innerText()).toBe('40');
  const reasons = await page.getByTestId('reasons').innerText();
  expect(reasons).toContain('The NIN is not 11 digits: 10');
  expect(reasons).toContain('The LGA is missing or unknown: 10');
  expect(reasons).toContain('The date of birth is not a valid past date (YYYY-MM-DD): 10');
  expect(reasons).toContain('This NIN appears on an earlier row of the file: 10');
  const skippedTable = page.getByRole('table', { name: /Skipped rows/ });
  await expect.poll(() => skippedTable.locator('tbody tr').count()).toBe(40);
  await page.screenshot({ path: join(artifacts, 'import-dry-run.png'), fullPage: true });

  await page.getByRole('button', { name: 'Confirm: create 960 records' }).click();
  const progress = page.getByRole('progressbar', { name: 'Import progress' });
  await progress.waitFor();
  await expect.poll(async () => progress.getAttribute('value'), { timeout: 60_000 }).toBe('960');
  await page.getByText('960 records created').waitFor({ timeout: 30_000 });

  const batch = page.locator('[data-testid^="batch-"]').first();
  await expect.poll(async () => batch.getByTestId('batch-state').innerText(), { timeout: 10_000 }).toBe('confirmed');
  await batch.getByRole('button', { name: 'Roll back' }).click();
  await expect.poll(async () => batch.getByTestId('batch-state').innerText(), { timeout: 30_000 }).toBe('rolled back');
  expect(await batch.getByTestId('rollback-report').innerText()).toContain('960 removed');
  await page.screenshot({ path: join(artifacts, 'import-rolled-back.png'), fullPage: true });

  // The wizard fits a phone.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${fx.registry.url}/admin/imports`);
  await page.getByLabel('Source agency').waitFor();
  expect(await fitsWidth(page)).toBe(true);
  expect(problems).toEqual([]);
});

it('creates a partner key shown once, rotates it and revokes it', async () => {
  const ctx = await fx.browser.newContext({ viewport: { width: 375, height: 800 } });
  const page = await ctx.newPage();
  const problems = watch(page);
  await signIn(page);
  await page.goto(`${fx.registry.url}/admin/partners`);
  await page.getByLabel('Agency').fill('Bureau of Statistics');
  await page.getByLabel(/Read aggregate insights/).check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const shown = page.getByTestId('new-key');
  await shown.waitFor();
  const key = await shown.innerText();
  expect(key).toMatch(/^oslrs_pk_[A-Za-z0-9_-]{44}$/);
  expect(await fitsWidth(page)).toBe(true);

  // The key works, from the header.
  const res = await fetch(`${fx.registry.url}/api/v1/partner/insights`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(res.status).toBe(200);

  await page.getByRole('button', { name: 'I have stored it' }).click();
  expect(await page.getByTestId('new-key').count()).toBe(0);
  expect(await page.content()).not.toContain(key);

  const card = page.locator('[data-testid^="key-"]').filter({ hasText: 'Bureau of Statistics' }).first();
  await card.getByRole('button', { name: 'Rotate' }).click();
  await page.getByTestId('new-key').waitFor();
  const fresh = await page.getByTestId('new-key').innerText();
  expect(fresh).not.toBe(key);
  await page.getByRole('button', { name: 'I have stored it' }).click();
  const old = await fetch(`${fx.registry.url}/api/v1/partner/insights`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(old.status).toBe(200);
  expect(old.headers.get('sunset')).not.toBeNull();

  const rotating = page.locator('[data-testid^="key-"]').filter({ hasText: 'rotating' }).first();
  await rotating.getByRole('button', { name: 'Revoke' }).click();
  await expect
    .poll(
      async () =>
        (await fetch(`${fx.registry.url}/api/v1/partner/insights`, { headers: { authorization: `Bearer ${key}` } }))
          .status,
    )
    .toBe(401);
  await expect.poll(() => page.getByTestId('key-state').filter({ hasText: 'revoked' }).count()).toBe(1);
  await page.screenshot({ path: join(artifacts, 'partner-keys-375.png'), fullPage: true });

  // The guide to send to agencies, linked from the page, fits a phone too.
  await page.getByRole('link', { name: 'Partner API guide' }).click();
  await page.getByRole('heading', { name: 'Partner API', level: 1 }).waitFor();
  expect(await page.getByText('Authorization: Bearer oslrs_pk_').count()).toBeGreaterThan(0);
  expect(await fitsWidth(page)).toBe(true);
  expect(problems).toEqual([]);
  await ctx.close();
});
