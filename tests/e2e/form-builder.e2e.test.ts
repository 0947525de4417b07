/**
 * A super admin builds a five-question form in the form builder (with a choice list, skip logic and
 * a constraint), sees a malformed expression reported as they type, saves, publishes version 1,
 * and tries the published version: skip logic and the constraint come from the shared engine.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
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

/** The open question's editor: a group named by its place in the form. */
function editor(page: Page, n: number): Locator {
  return page.getByRole('group', { name: `Edit question ${n}`, exact: true });
}

async function addQuestion(
  page: Page,
  n: number,
  fields: { name: string; type?: string; label: string },
): Promise<Locator> {
  await page.getByRole('button', { name: 'Add question' }).click();
  const q = editor(page, n);
  await q.waitFor();
  await q.getByLabel('Name', { exact: true }).fill(fields.name);
  if (fields.type) await q.getByLabel('Type', { exact: true }).selectOption(fields.type);
  await q.getByLabel('Label', { exact: true }).fill(fields.label);
  return q;
}

it('builds, validates, publishes and previews a five-question form', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });

  await page.goto(`${registry.url}/login`);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/); // the admin lands on the overview

  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Questionnaires' }).click();
  await page.waitForURL('**/admin/questionnaires');
  await page.getByRole('button', { name: 'New questionnaire' }).click();
  await page.waitForURL(/\/admin\/questionnaires\/[0-9a-f-]{36}$/);

  // The form's own settings.
  await page.getByLabel('Title', { exact: true }).fill('Trades survey (e2e)');

  // A choice list yes_no with two choices.
  await page.getByLabel('New list name').fill('yes_no');
  await page.getByRole('button', { name: 'Add list' }).click();
  await page.getByRole('button', { name: 'Add choice to yes_no' }).click();
  await page.getByLabel('Choice 1 value').fill('yes');
  await page.getByLabel('Choice 1 label').fill('Yes');
  await page.getByRole('button', { name: 'Add choice to yes_no' }).click();
  await page.getByLabel('Choice 2 value').fill('no');
  await page.getByLabel('Choice 2 label').fill('No');

  // q1: the new questionnaire's one question, open in the editor already.
  const q1 = editor(page, 1);
  await q1.getByLabel('Name', { exact: true }).fill('q1');
  await q1.getByLabel('Type', { exact: true }).selectOption('select_one');
  await q1.getByLabel('Label', { exact: true }).fill('Do you have a trade?');
  await q1.getByLabel('Choice list').selectOption('yes_no');

  // q2 with a malformed "Show when" first: the builder says what and where, as you type.
  const q2 = await addQuestion(page, 2, { name: 'q2', label: 'Which trade?' });
  const showWhen = q2.getByLabel('Show when');
  await showWhen.fill('${q1} = ');
  const fieldError = q2.getByText(/Expected an expression after '=' at character 9/);
  await fieldError.waitFor();
  // The caret line under the expression marks the position.
  expect(await q2.locator('pre').first().innerText()).toBe('${q1} = \n        ^');
  // The summary lists it, and its link takes focus back to the field.
  const summary = page.getByRole('region', { name: /^Problems/ });
  const summaryLink = summary.getByRole('link', { name: /Question “q2” › Show when/ });
  await summaryLink.waitFor();
  await page.getByText('Fix the problems to see the preview.').waitFor();
  await page.screenshot({ path: join(artifacts, 'form-builder-expression-error.png'), fullPage: true });
  await summaryLink.click();
  await expect.poll(() => showWhen.evaluate((el) => el === document.activeElement)).toBe(true);
  await showWhen.fill("${q1} = 'yes'");
  await fieldError.waitFor({ state: 'detached' });

  const q3 = await addQuestion(page, 3, { name: 'q3', type: 'integer', label: 'Years in the trade' });
  await q3.getByLabel('Constraint', { exact: true }).fill('. >= 0 and . <= 60');
  await q3.getByLabel('Constraint message').fill('Enter a number of years from 0 to 60');
  await addQuestion(page, 4, { name: 'q4', label: 'Your name' });
  await addQuestion(page, 5, { name: 'q5', type: 'date', label: 'Date of birth' });

  await summary.getByText('No problems found.').waitFor();
  // The live preview follows the draft.
  const preview = page.getByRole('region', { name: 'Preview' });
  await preview.getByRole('group', { name: 'Do you have a trade?' }).waitFor();
  await preview.getByLabel('Date of birth').waitFor();
  await page.screenshot({ path: join(artifacts, 'form-builder-complete.png'), fullPage: true });

  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('status').filter({ hasText: 'Draft saved.' }).waitFor();

  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Publish version 1?' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Publish version 1' }).click();
  await page.getByRole('status').filter({ hasText: 'Version 1 published.' }).waitFor();

  await page.getByRole('link', { name: 'Preview version 1' }).click();
  await page.waitForURL('**/preview?version=1');
  await page.getByRole('heading', { level: 1, name: /Trades survey \(e2e\) — version 1/ }).waitFor();

  // Skip logic: "Which trade?" only for people who have a trade.
  const trade = page.getByLabel('Which trade?');
  expect(await trade.count()).toBe(0);
  await page.getByRole('radio', { name: 'No', exact: true }).check();
  await expect.poll(() => trade.count()).toBe(0);
  await page.getByRole('radio', { name: 'Yes', exact: true }).check();
  await trade.waitFor();
  await page.getByRole('radio', { name: 'No', exact: true }).check();
  await trade.waitFor({ state: 'detached' });
  await page.getByRole('radio', { name: 'Yes', exact: true }).check();
  await trade.fill('Carpentry');

  // The constraint: 99 years is refused with the questionnaire's own message.
  const years = page.getByLabel('Years in the trade');
  await years.fill('99');
  await years.press('Tab');
  const constraint = page.getByRole('alert').filter({ hasText: 'Enter a number of years from 0 to 60' });
  await constraint.waitFor();
  expect(await years.getAttribute('aria-invalid')).toBe('true');
  expect(await years.getAttribute('aria-describedby')).toContain(await constraint.getAttribute('id'));
  await page.screenshot({ path: join(artifacts, 'form-preview-constraint.png'), fullPage: true });
  await years.fill('12');
  await constraint.waitFor({ state: 'detached' });

  // On a phone: one question per screen, Enter = Next, and a progress bar.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Start again' }).click();
  // Progress follows the form's structure: it moves forward and never back as skip logic opens questions.
  await page.getByRole('progressbar').waitFor();
  const at = async () => Number(await page.locator('[data-progress]').getAttribute('data-progress'));
  const start = await at();
  expect(await page.getByRole('progressbar').getAttribute('max')).not.toBeNull();
  await page.getByRole('button', { name: 'Next' }).click(); // nothing chosen yet: q1 is not required, so on
  await expect.poll(at).toBeGreaterThan(start);
  const second = await at();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect.poll(at).toBe(start);
  await page.getByRole('radio', { name: 'Yes', exact: true }).check();
  await page.keyboard.press('Enter');
  // "Yes" opens the trade question, which sits before the one the first path skipped to: still
  // forward from the start, never past where that path stood.
  await expect.poll(at).toBeGreaterThan(start);
  expect(await at()).toBeLessThanOrEqual(second);
  await page.getByLabel('Which trade?').waitFor();
  await page.screenshot({ path: join(artifacts, 'form-preview-phone.png'), fullPage: true });

  expect(problems).toEqual([]);
  await context.close();
});
