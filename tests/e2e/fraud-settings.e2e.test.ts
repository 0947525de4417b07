/**
 * A super admin opens "Fraud signals", sees version 1 with the starting values, raises the GPS
 * accuracy limit to 80 m and the off-hours points to 15, saves version 2, and still sees both after
 * a reload; the API then reports version 2 with those values. "Reset to the starting values" only
 * fills the form: nothing is saved until Save.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { FraudThresholds } from '@oslrs/core';
import { signInOverHttp, type HttpSession } from './collect-setup.js';
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

let session: HttpSession | undefined;

/** GET /api/v1/settings/fraud as the super admin, on a session of its own (not the browser's). */
async function settingsOverHttp(): Promise<{ version: number; thresholds: FraudThresholds }> {
  session ??= await signInOverHttp(registry.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  const res = await fetch(`${registry.url}/api/v1/settings/fraud`, { headers: { cookie: session.cookie } });
  expect(res.status).toBe(200);
  return (await res.json()) as { version: number; thresholds: FraudThresholds };
}

it('saves new fraud thresholds as version 2 and keeps them after a reload', async () => {
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

  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Fraud signals' }).click();
  await page.waitForURL('**/admin/fraud');
  await page.getByRole('heading', { level: 1, name: 'Fraud signals' }).waitFor();
  await page.getByText('Version 1 is in force.').waitFor();
  expect(await page.getByRole('link', { name: 'Fraud signals' }).getAttribute('aria-current')).toBe('page');

  // The starting values, fractions shown as percentages.
  const gpsGroup = page.getByRole('group', { name: 'GPS clustering' });
  const accuracy = gpsGroup.getByLabel('GPS accuracy limit (m)');
  const offHoursPoints = page.getByRole('group', { name: 'Off-hours' }).getByLabel('Points for off-hours');
  const outOfAreaPoints = page
    .getByRole('group', { name: "Survey outside the enumerator's LGA" })
    .getByLabel("Points for a survey outside the enumerator's LGA");
  expect(await accuracy.inputValue()).toBe('50');
  expect(await gpsGroup.getByLabel('Points for GPS clustering').inputValue()).toBe('25');
  expect(await page.getByLabel('Share of the median duration (%)').inputValue()).toBe('25');
  expect(await page.getByLabel('Same answer share (%)').inputValue()).toBe('80');
  expect(await page.getByLabel('Fields equal to another survey (%)').inputValue()).toBe('70');
  expect(await page.getByLabel('Off-hours start (WAT hour, 0–23)').inputValue()).toBe('23');
  expect(await offHoursPoints.inputValue()).toBe('10');
  expect(await outOfAreaPoints.inputValue()).toBe('15');
  expect(await page.getByLabel('Critical band from (points)').inputValue()).toBe('85');
  const total = page.getByRole('status', { name: 'Total if every signal fires' });
  expect(await total.innerText()).toBe('135 points');

  const save = page.getByRole('button', { name: 'Save as version 2' });
  await accuracy.fill('80');
  await offHoursPoints.fill('15');
  await outOfAreaPoints.fill('20');
  await expect.poll(() => total.innerText()).toBe('145 points');
  await page.screenshot({ path: join(artifacts, 'fraud-settings-edited.png'), fullPage: true });
  await save.click();

  await page.getByText('Saved as version 2').waitFor();
  await page.getByText('Version 2 is in force.').waitFor();
  await page.getByRole('button', { name: 'Save as version 3' }).waitFor();
  expect(await accuracy.inputValue()).toBe('80');
  expect(await offHoursPoints.inputValue()).toBe('15');
  expect(await outOfAreaPoints.inputValue()).toBe('20');

  await page.reload();
  await page.getByText('Version 2 is in force.').waitFor();
  expect(await page.getByLabel('GPS accuracy limit (m)').inputValue()).toBe('80');
  expect(await page.getByLabel('Points for off-hours').inputValue()).toBe('15');
  expect(await page.getByRole('status', { name: 'Total if every signal fires' }).innerText()).toBe('145 points');
  await page.screenshot({ path: join(artifacts, 'fraud-settings-version-2.png'), fullPage: true });

  const saved = await settingsOverHttp();
  expect(saved.version).toBe(2);
  expect(saved.thresholds.gps.maxAccuracyM).toBe(80);
  expect(saved.thresholds.offHours.points).toBe(15);
  expect(saved.thresholds.outOfArea.points).toBe(20);
  expect(saved.thresholds.speedRun.medianFraction).toBe(0.25);
  expect(saved.thresholds.nearDuplicate.equalFraction).toBe(0.7);

  // Reset only fills the form; the API still has version 2.
  await page.getByRole('button', { name: 'Reset to the starting values' }).click();
  await page.getByText('The form now holds the starting values.').waitFor();
  expect(await page.getByLabel('GPS accuracy limit (m)').inputValue()).toBe('50');
  expect(await page.getByLabel('Points for off-hours').inputValue()).toBe('10');
  expect((await settingsOverHttp()).version).toBe(2);

  // A value out of range is caught next to its field, and focus goes there.
  await page.getByLabel('Same answer share (%)').fill('150');
  await page.getByRole('button', { name: 'Save as version 3' }).click();
  await page.getByText('Enter a percentage from 0 to 100').waitFor();
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe(
    'straightLining.sameAnswerFraction',
  );
  expect((await settingsOverHttp()).version).toBe(2);

  expect(problems).toEqual([]);
});
