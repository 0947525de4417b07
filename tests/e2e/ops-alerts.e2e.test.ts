/**
 * The seed's scaling triggers reach the super admin: with more than 120 field staff, every admin
 * page shows the operations alert (computed by the API) and the staff list shows the threshold.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, launchBrowser, startRegistry, type RunningRegistry } from './server.js';

let registry: RunningRegistry;
let browser: Browser;

beforeAll(async () => {
  [registry, browser] = await Promise.all([startRegistry(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await registry?.stop();
});

it('warns the super admin once field staff pass 120', async () => {
  const db = new pg.Client({ connectionString: registry.databaseUrl });
  await db.connect();
  try {
    await db.query(`
      insert into users (id, email, full_name, role, status, lga_code)
      select gen_random_uuid(), 'field' || g || '@alerts.oslrs', 'Field ' || g,
             case when g % 4 = 0 then 'supervisor' else 'enumerator' end, 'active', 'iseyin'
      from generate_series(1, 125) g`);
  } finally {
    await db.end();
  }
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${registry.url}/login`);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/); // the admin lands on the overview

  const alerts = page.getByRole('region', { name: 'Operations alerts' });
  await alerts.waitFor();
  expect(await alerts.innerText()).toMatch(/125/);
  // The staff list repeats it beside the counts.
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Staff', exact: true }).click();
  await page.waitForURL(/\/admin\/staff$/);
  await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Field staff: 125 (over 120)' }).count()).toBe(1);
  // The alert follows the admin to other pages.
  await page.getByRole('link', { name: 'Questionnaires' }).click();
  await page.getByRole('region', { name: 'Operations alerts' }).waitFor();
});
