/**
 * The skills marketplace end to end (issue 12), in Chromium against the built registry:
 * a resident registers with both consents → their anonymous profile appears in the public search
 * (on a phone-sized screen, with no name or contact) → an employer registers as a searcher, confirms
 * the emailed link, signs in and reveals the contact → the resident sees who did, on their own page,
 * and withdraws consent → the profile is gone from the search at once, and the searcher's profile
 * page says so.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { artifacts, launchBrowser, startRegistry, type RunningRegistry } from './server.js';
import {
  adminClient,
  answerQuestionnaire,
  createAccount,
  emailedToken,
  giveConsent,
  publishPublicCore,
} from './resident-flows.js';

let registry: RunningRegistry;
let browser: Browser;
const contexts: BrowserContext[] = [];

const RESIDENT = { name: 'Bisi Alabi', email: 'bisi@e2e.oslrs', phone: '0803 444 5566' };
const SEARCHER = { name: 'Emeka Obi', email: 'emeka@hire.example', organisation: 'Iseyin Garments Co-op' };
const SEARCHER_PASSWORD = 'hiring good tailors';

beforeAll(async () => {
  [registry, browser] = await Promise.all([startRegistry(), launchBrowser()]);
  await publishPublicCore(await adminClient(registry.url));
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await registry?.stop();
});

async function newPage(viewport = { width: 375, height: 800 }): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A signed-out visitor's GET /auth/me is a 401 by design; a profile that was withdrawn is a 404.
    if (m.type() === 'error' && !/status of 40[14]/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { page, problems };
}

/** The public search for "tailor": the ids of the profile cards shown. */
async function searchTailors(page: Page): Promise<string[]> {
  await page.goto(`${registry.url}/marketplace`);
  await page.getByLabel('Trade, skill or words').fill('tailor');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect.poll(() => page.url()).toContain('q=tailor');
  await page.locator('[data-testid="profile-card"], [role="status"]:has-text("No workers match")').first().waitFor();
  return page
    .locator('[data-testid="profile-card"]')
    .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-profile-id')!));
}

it('a resident is listed, a searcher reveals their contact, the resident sees it and withdraws, and the profile is gone', async () => {
  // ---------- the resident registers with both consents ----------
  const resident = await newPage({ width: 1280, height: 900 });
  await createAccount(registry, resident.page, RESIDENT);
  await giveConsent(resident.page, 'Yes', 'Yes');
  await answerQuestionnaire(resident.page, { surname: 'Alabi', firstname: 'Bisi' });
  await resident.page.getByLabel('National Identity Number (NIN)').fill('42718390561');
  await resident.page.getByRole('button', { name: 'Continue to review' }).click();
  await resident.page.getByRole('heading', { name: /Review/ }).waitFor();
  await resident.page.getByRole('button', { name: 'Submit registration' }).click();
  await resident.page.getByText('You are registered').waitFor({ timeout: 30_000 });

  // ---------- anyone finds the anonymous profile, on a phone ----------
  const visitor = await newPage();
  let listed: string[] = [];
  // Ingestion runs in the background: the profile appears once the registration is ingested.
  await expect
    .poll(async () => (listed = await searchTailors(visitor.page)).length, { timeout: 30_000 })
    .toBeGreaterThan(0);
  expect(listed).toHaveLength(1);
  const profileId = listed[0]!;
  const card = await visitor.page.locator(`[data-profile-id="${profileId}"]`).innerText();
  expect(card).toMatch(/Tailor/);
  expect(card).toMatch(/Iseyin/);
  expect(card).toMatch(/4.6 years/);
  for (const personal of ['Alabi', 'Bisi', '0803', '4445566', 'bisi@', '42718390561'])
    expect(card).not.toContain(personal);
  expect(await visitor.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await visitor.page.screenshot({ path: join(artifacts, 'marketplace-search-375.png'), fullPage: true });
  // The trap link is in the page for crawlers, but no person sees it.
  expect(await visitor.page.locator('a[href^="/api/v1/marketplace/profiles/"]').isVisible()).toBe(false);
  // Signed out, the profile page offers sign-in or registration, never the contact.
  await visitor.page.goto(`${registry.url}/marketplace/profiles/${profileId}`);
  await visitor.page.getByTestId('reveal-register').waitFor();
  expect(await visitor.page.locator('main').innerText()).not.toContain('Alabi');

  // ---------- the same profile in Yorùbá: the skill, its sector and the experience by code ----------
  await visitor.page.getByRole('combobox', { name: 'Language' }).selectOption('yo');
  await expect.poll(() => visitor.page.evaluate(() => document.documentElement.lang)).toBe('yo');
  await expect.poll(() => visitor.page.locator('main').innerText()).toContain('Aṣọ rírán (tẹ́lọ̀)');
  const inYoruba = await visitor.page.locator('main').innerText();
  expect(inYoruba).toContain('Aṣọ, ẹwà àti ìtọ́jú ara'); // the sector line
  expect(inYoruba).toContain('Ọdún 4–6');
  expect(inYoruba).not.toMatch(/Tailoring|Fashion, Beauty|4.6 years|taxonomy\./);
  // A fresh load of the search straight in Yorùbá (the device remembers it): the filters name the
  // sectors and trades in Yorùbá, and the card its skill; never an id.
  await visitor.page.goto(`${registry.url}/marketplace?sector=FBP`);
  await visitor.page.locator(`[data-profile-id="${profileId}"]`).waitFor();
  const sector = visitor.page.getByRole('combobox', { name: 'Ẹ̀ka iṣẹ́' });
  await expect.poll(() => sector.locator('option:checked').innerText()).toBe('Aṣọ, ẹwà àti ìtọ́jú ara');
  const trades = await visitor.page.getByRole('combobox', { name: 'Ọgbọ́n-iṣẹ́' }).locator('option').allInnerTexts();
  expect(trades).toContain('Aṣọ rírán (tẹ́lọ̀)');
  expect(trades).not.toContain('Tailoring/Sewing');
  expect(await visitor.page.locator(`[data-profile-id="${profileId}"]`).innerText()).toContain('Aṣọ rírán (tẹ́lọ̀)');
  expect(await visitor.page.locator('main').innerText()).not.toContain('taxonomy.');
  await visitor.page.screenshot({ path: join(artifacts, 'marketplace-yoruba-375.png'), fullPage: true });
  await visitor.page.getByRole('combobox', { name: 'Èdè' }).selectOption('en');
  await expect.poll(() => visitor.page.evaluate(() => document.documentElement.lang)).toBe('en');

  // ---------- an employer registers, confirms the email, signs in and reveals ----------
  const searcher = await newPage();
  await searcher.page.goto(`${registry.url}/marketplace/register`);
  await searcher.page.getByLabel('Full name').fill(SEARCHER.name);
  await searcher.page.getByLabel('Email').fill(SEARCHER.email);
  await searcher.page.getByLabel('Organisation (optional)').fill(SEARCHER.organisation);
  await searcher.page.getByLabel('Password', { exact: true }).fill(SEARCHER_PASSWORD);
  await searcher.page.getByLabel('Confirm password').fill(SEARCHER_PASSWORD);
  // Without the terms, the form says so and nothing is sent.
  await searcher.page.getByRole('button', { name: 'Register' }).click();
  await expect.poll(() => searcher.page.locator('main').innerText()).toMatch(/terms/i);
  await searcher.page.getByLabel('I accept the terms of use for searchers').check();
  await searcher.page.getByRole('button', { name: 'Register' }).click();
  await searcher.page.getByTestId('searcher-registered').waitFor();
  const token = await emailedToken(registry, SEARCHER.email, '/marketplace/verify');
  await searcher.page.goto(`${registry.url}/marketplace/verify?token=${encodeURIComponent(token)}`);
  await searcher.page.getByTestId('searcher-verified').waitFor();

  await searcher.page.goto(`${registry.url}/login?next=${encodeURIComponent(`/marketplace/profiles/${profileId}`)}`);
  await searcher.page.getByLabel('Email').fill(SEARCHER.email);
  await searcher.page.getByLabel('Password').fill(SEARCHER_PASSWORD);
  await searcher.page.getByRole('button', { name: /Sign in/ }).click();
  await expect.poll(() => searcher.page.url()).toContain(`/marketplace/profiles/${profileId}`);
  await searcher.page
    .getByLabel('Why do you want to contact this worker?')
    .fill('A uniform order for 40 pupils in Iseyin');
  await searcher.page.getByTestId('reveal-submit').click();
  await searcher.page.getByTestId('revealed-contact').waitFor();
  expect(await searcher.page.getByTestId('revealed-name').innerText()).toContain('Bisi Alabi');
  expect((await searcher.page.getByTestId('revealed-phone').innerText()).replace(/\D/g, '')).toContain('8034445566');
  expect(await searcher.page.getByTestId('reveals-remaining').innerText()).toMatch(/49/);
  await searcher.page.screenshot({ path: join(artifacts, 'marketplace-reveal-375.png'), fullPage: true });

  // ---------- the resident sees who revealed their contact, and withdraws ----------
  await resident.page.goto(`${registry.url}/app`);
  const reveals = resident.page.getByTestId('my-reveals');
  await reveals.waitFor();
  const seen = await reveals.innerText();
  expect(seen).toContain(SEARCHER.name);
  expect(seen).toContain(SEARCHER.organisation);
  expect(seen).toContain('A uniform order for 40 pupils');
  await resident.page.screenshot({ path: join(artifacts, 'marketplace-my-registration.png'), fullPage: true });
  await resident.page.getByLabel('List me in the anonymous skills marketplace').click();
  await resident.page.getByTestId('consent-confirm').waitFor();
  await resident.page.getByRole('button', { name: 'Yes, withdraw' }).click();
  await resident.page.getByText('Your consent was saved.').waitFor();
  expect(await resident.page.getByLabel('List me in the anonymous skills marketplace').isChecked()).toBe(false);
  expect(await resident.page.getByLabel('Show my name and contact details to registered employers').isChecked()).toBe(
    false,
  );

  // ---------- gone from the search at once, and from the searcher's page ----------
  expect(await searchTailors(visitor.page)).toEqual([]);
  await searcher.page.reload();
  await expect.poll(() => searcher.page.locator('main').innerText()).toMatch(/no longer listed|not listed|not found/i);

  for (const p of [resident, visitor, searcher]) expect(p.problems).toEqual([]);
});
