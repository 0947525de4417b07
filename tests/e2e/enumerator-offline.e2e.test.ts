/**
 * An enumerator opens /collect once online (the app shell and the questionnaire are kept on the
 * phone), loses the network, completes three surveys, starts a fourth and reloads the page at its
 * sixth question — still offline — and finds it there with its answers. The banner counts 3
 * waiting; back online, the outbox empties and the three show as ingested by the registry.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  answerCurrent,
  assignPublicCoreForm,
  completeSurvey,
  createEnumerator,
  currentQuestion,
  next,
  openCollect,
  respondentAnswers,
  signInOverHttp,
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

/** The page's own handle on the field store (apps/web/src/offline/tools.ts). */
interface FieldWindow {
  oslrsField: {
    drafts(): Promise<{ id: string; position: { name?: string }; answers: Record<string, unknown> }[]>;
  };
}

function banner(page: Page) {
  return page.getByRole('status').filter({ hasText: /waiting to send|You are offline/ });
}

it('collects offline, resumes a draft after an offline reload, and syncs when back online', async () => {
  const admin = await signInOverHttp(registry.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  await assignPublicCoreForm(registry.url, admin);
  const enumerator = await createEnumerator(registry.url, admin, 'field.offline@e2e.oslrs');

  // Online: sign in (the guard sends /collect to the sign-in page and back); the service worker has
  // precached the app and controls the page.
  const { context, page, problems, setOffline } = await openCollect(browser, registry.url, enumerator);
  await page.screenshot({ path: join(artifacts, 'collect-online.png'), fullPage: true });

  // Offline from here.
  await setOffline(true);
  await expect.poll(() => banner(page).innerText()).toBe('You are offline — 0 surveys waiting to send');

  const salt = Date.now() % 100_000;
  for (let n = 1; n <= 3; n++) {
    await page.getByRole('button', { name: 'Start new survey' }).click();
    await page.waitForURL(/\/collect\/survey\/[0-9a-f-]{36}$/);
    if (n === 1) {
      // The first question, under the progress line ("Part 1 of …").
      await page.locator('[data-question]').first().waitFor();
      await page.getByText(/^Part 1 of \d+/).waitFor();
      await page.screenshot({ path: join(artifacts, 'collect-survey-first-question.png'), fullPage: true });
    }
    await completeSurvey(page, respondentAnswers(n, salt));
    await expect
      .poll(() => banner(page).innerText())
      .toBe(`You are offline — ${n} ${n === 1 ? 'survey' : 'surveys'} waiting to send`);
  }

  // A fourth survey, left at question 6.
  const fourth = respondentAnswers(4, salt);
  await page.getByRole('button', { name: 'Start new survey' }).click();
  await page.waitForURL(/\/collect\/survey\/[0-9a-f-]{36}$/);
  const draftId = page.url().split('/').pop()!;
  for (let i = 1; i < 6; i++) {
    await answerCurrent(page, fourth);
    await next(page);
  }
  await expect.poll(() => currentQuestion(page)).toBe('dob');
  // Saved on the device (position and answers) before the reload.
  await expect
    .poll(() =>
      page.evaluate(async (id) => {
        const draft = (await (window as unknown as FieldWindow).oslrsField.drafts()).find((d) => d.id === id);
        return draft ? `${draft.position.name}|${draft.answers.surname}|${draft.answers.gender}` : null;
      }, draftId),
    )
    .toBe(`dob|${fourth.surname}|${fourth.gender}`);

  await page.reload();
  await page.locator('[data-question]').first().waitFor();
  expect(await currentQuestion(page)).toBe('dob');
  await page.getByRole('heading', { name: `Survey of ${fourth.surname} ${fourth.firstname}` }).waitFor();
  await page.screenshot({ path: join(artifacts, 'collect-resumed-after-offline-reload.png'), fullPage: true });
  // The earlier answers came back too.
  await page.getByRole('button', { name: 'Back' }).click();
  await page.locator('[data-question="gender"] input[value="male"]:checked').waitFor();
  await page.getByRole('button', { name: 'Back' }).click();
  expect(await page.locator('[data-question="firstname"] input').inputValue()).toBe(fourth.firstname);
  await page.getByRole('button', { name: 'Back' }).click();
  expect(await page.locator('[data-question="surname"] input').inputValue()).toBe(fourth.surname);
  // And on to question 6 again, where the survey is left.
  for (let i = 0; i < 3; i++) await next(page);
  expect(await currentQuestion(page)).toBe('dob');

  await page.getByRole('link', { name: 'Back to surveys' }).click();
  await page.waitForURL(/\/collect$/);
  await expect.poll(() => banner(page).innerText()).toBe('You are offline — 3 surveys waiting to send');
  // Opened again while offline, the questionnaire is the device's copy, and says when it was checked.
  const lastChecked = page.getByText(/\(last checked /);
  await expect.poll(() => lastChecked.count()).toBe(1);
  const draftRow = page.locator(`[data-draft="${draftId}"]`);
  await expect.poll(() => draftRow.innerText()).toMatch(/At question 6: Date of Birth/);
  await page.screenshot({ path: join(artifacts, 'collect-offline-3-waiting.png'), fullPage: true });

  // Back online: the outbox is sent and the registry ingests the three.
  await setOffline(false);
  await expect.poll(() => page.locator('[data-outbox]').count(), { timeout: 20_000 }).toBe(0);
  const recent = page.getByRole('list', { name: 'Recent submissions' });
  await expect
    .poll(() => recent.locator('li[data-status="ingested"]').count(), { timeout: 30_000, interval: 500 })
    .toBe(3);
  const text = await recent.innerText();
  for (let n = 1; n <= 3; n++) {
    const a = respondentAnswers(n, salt);
    expect(text).toContain(`${a.surname} ${a.firstname}`);
  }
  expect(await banner(page).count()).toBe(0);
  // Checked with the registry again once it can be reached (the check made the moment the network
  // returned can still miss it: then a few seconds later).
  await expect.poll(() => lastChecked.count(), { timeout: 15_000 }).toBe(0);
  await page.screenshot({ path: join(artifacts, 'collect-synced.png'), fullPage: true });

  expect(problems).toEqual([]);
  await context.close();
});
