/**
 * Yorùbá in the browser, against the built registry with the shipped public form (which has Yorùbá):
 * (a) a visitor switches the language to Yorùbá and walks the public registration wizard to the done
 *     page, every step in Yorùbá (the questionnaire too, from the form's own translation) and
 *     <html lang="yo">; the choice survives a reload; signed-out pages never ask /auth/me (no 401);
 * (b) the account remembers it: a fresh browser (English) that signs in as that resident turns Yorùbá;
 * (c) the clerk's desk: signed back in on /app they land on /clerk; the master form's GPS question is
 *     not shown and the focus is in the first real field; two columns on a desktop;
 * (d) an enumerator whose browser keeps no promise about storage is told what that means and what to do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, artifacts, root } from './server.js';
import { adminClient, emailedToken, publishPublicCore } from './resident-flows.js';
import { createEnumerator, signInOverHttp } from './collect-setup.js';
import { useRegistry } from './use-registry.js';

const env = useRegistry();
const RESIDENT = { name: 'Adéwálé Ògúnlànà', email: 'adewale@e2e.oslrs', phone: '0803 123 0077' };
const PASSWORD = 'a long enough password';
const NIN = '40517283961';

let call: Awaited<ReturnType<typeof adminClient>>;
beforeAll(async () => {
  call = await adminClient(env.registry.url);
  await publishPublicCore(call);
});

async function open(context: BrowserContext): Promise<{ page: Page; problems: string[]; meCalls: number[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  const meCalls: number[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/auth/me') meCalls.push(r.status());
  });
  return { page, problems, meCalls };
}

const lang = (page: Page) => page.evaluate(() => document.documentElement.lang);
const step = (page: Page) => page.locator('[aria-current="step"]').innerText();

it('walks the public registration in Yorùbá, remembered on the device and on the account', async () => {
  const { browser, registry } = env;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const { page, problems, meCalls } = await open(context);

  // ---- (a) the switch, then the account step in Yorùbá ----
  await page.goto(`${registry.url}/register`);
  await expect.poll(() => step(page)).toMatch(/Account/);
  expect(await lang(page)).toBe('en');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('yo');
  await expect.poll(() => lang(page)).toBe('yo');
  await expect.poll(() => step(page)).toMatch(/Àkáǹtì/);
  await page.getByRole('heading', { name: 'Forúkọ ara rẹ sílẹ̀' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'yoruba-account.png'), fullPage: true });

  // Remembered on the device: a reload stays in Yorùbá.
  await page.reload();
  await expect.poll(() => step(page)).toMatch(/Àkáǹtì/);
  expect(await lang(page)).toBe('yo');

  await page.getByLabel('Orúkọ rẹ ní kíkún').fill(RESIDENT.name);
  await page.getByLabel('Ímeèlì', { exact: true }).fill(RESIDENT.email);
  await page.getByLabel('Nọ́ńbà fóònù').fill(RESIDENT.phone);
  await page.getByRole('button', { name: 'Ṣẹ̀dá àkáǹtì', exact: true }).click();
  // If 'Check your email' never comes, leave what the page showed and what went wrong in the browser
  // (this is how a press lost in the app's takeover was found: register-prerendered.e2e.test.ts).
  await page
    .getByText('Yẹ ímeèlì rẹ wò')
    .waitFor()
    .catch(async (err: Error) => {
      await page.screenshot({ path: join(artifacts, 'yoruba-account-sent.png'), fullPage: true });
      throw new Error(`${err.message}\nin the browser: ${JSON.stringify(problems)}\nurl: ${page.url()}`);
    });

  // Signed out so far: the app never asked /auth/me (its signed-out state is not an error).
  expect(meCalls).toEqual([]);

  // ---- the emailed link: the password page, then the wizard carries on signed in ----
  const token = await emailedToken(registry, RESIDENT.email, '/register/confirm');
  await page.goto(`${registry.url}/register/confirm?token=${encodeURIComponent(token)}`);
  await page.getByRole('heading', { name: 'Yan ọ̀rọ̀ aṣínà rẹ' }).waitFor();
  expect(await lang(page)).toBe('yo');
  // The password's label, its confirmation and the advice under it in Yorùbá too.
  await page.getByText(/^Ó kéré tán lẹ́tà \d+/).waitFor();
  await page.getByLabel('Ọ̀rọ̀ aṣínà', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Tún ọ̀rọ̀ aṣínà tẹ̀').fill(PASSWORD);
  await page.getByRole('button', { name: 'Ṣẹ̀dá àkáǹtì kí o sì tẹ̀síwájú' }).click();

  // ---- consent ----
  await expect.poll(() => step(page)).toMatch(/Ìfọwọ́sí/);
  await page.getByRole('heading', { name: 'Bí a ṣe ń lo àlàyé rẹ' }).waitFor();
  await page.getByLabel('Mo gbà kí ìforúkọsílẹ̀ tọ́jú àti lo àlàyé mi bí a ṣe ṣàlàyé rẹ̀').check();
  await page
    .getByRole('group', { name: /ọjà ọgbọ́n-iṣẹ́ láìdárúkọ/ })
    .getByLabel('Rárá', { exact: true })
    .check();
  await page.screenshot({ path: join(artifacts, 'yoruba-consent.png'), fullPage: true });
  await page.getByRole('button', { name: 'Tẹ̀síwájú', exact: true }).click();

  // ---- the questionnaire, in the form's own Yorùbá ----
  await expect.poll(() => step(page)).toMatch(/Ìwé ìbéèrè/);
  await page.getByLabel('Orúkọ ìdílé').fill('Ògúnlànà');
  await page.getByLabel('Orúkọ àkọ́kọ́').fill('Adéwálé');
  await page
    .getByRole('group', { name: /Akọ tàbí abo/ })
    .getByLabel('Akọ', { exact: true })
    .check();
  await page.getByLabel('Ọjọ́ ìbí').fill('1988-02-20');
  await page.getByLabel('Ìjọba Ìbílẹ̀ (LGA)').selectOption('ogbomosho_north');
  await page.getByLabel(/^Iṣẹ́ pàtàkì/).fill('Alágbẹ̀dẹ');
  await page
    .getByRole('group', { name: /Irú iṣẹ́/ })
    .getByLabel('Oníṣẹ́ ara ẹni (Oníṣẹ́ ọwọ́/Oníṣòwò/Olókòwò)')
    .check();
  await page
    .getByRole('group', { name: /Iye ọdún/ })
    .getByLabel('Ọdún 7-10')
    .check();
  const skills = page.getByRole('group', { name: /Àwọn ọgbọ́n-iṣẹ́ pàtàkì/ });
  await skills.getByLabel(/^Wá nínú àwọn àṣàyàn/).fill('Weld');
  await skills.getByLabel('Welding & Fabrication').check();
  await page.getByLabel('Nọ́ńbà Ìdánimọ̀ Orílẹ̀-èdè (NIN)').fill(NIN);
  await page.getByRole('button', { name: 'Ṣàyẹ̀wò NIN' }).click();
  await expect
    .poll(() => page.getByRole('status').filter({ hasText: /NIN/ }).first().innerText())
    .toMatch(/A kò tíì forúkọ NIN yìí sílẹ̀/);
  await page.screenshot({ path: join(artifacts, 'yoruba-questionnaire.png'), fullPage: true });
  await page.getByRole('button', { name: 'Tẹ̀síwájú sí àyẹ̀wò' }).click();

  // ---- review ----
  await expect.poll(() => step(page)).toMatch(/Àyẹ̀wò/);
  // The review step loads when reached: wait for its own text, not the step list's name.
  await expect.poll(() => page.locator('main').innerText()).toContain('Ṣàyẹ̀wò àwọn ìdáhùn rẹ kí o tó fi wọ́n ránṣẹ́');
  const review = await page.locator('main').innerText();
  expect(review).toContain('Ìdánimọ̀ àti Àlàyé Ara Ẹni'); // a section title from the form's translation
  expect(review).toContain('Akọ');
  expect(review).toContain('Ọdún 7-10');
  await page.getByRole('button', { name: 'Fi ìforúkọsílẹ̀ ránṣẹ́' }).click();

  // ---- done ----
  await page.getByText('O ti forúkọ sílẹ̀', { exact: true }).waitFor({ timeout: 30_000 });
  expect(await step(page)).toMatch(/Ó ti parí/);
  expect(await lang(page)).toBe('yo');
  await page.screenshot({ path: join(artifacts, 'yoruba-done.png'), fullPage: true });
  expect(problems).toEqual([]);
  await context.close();

  // ---- (b) the account keeps the language: a fresh (English) browser signs in and turns Yorùbá ----
  const db = new pg.Client({ connectionString: registry.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ locale: string | null }>('select locale from users where email = $1', [
      RESIDENT.email,
    ]);
    expect(rows[0]?.locale).toBe('yo');
  } finally {
    await db.end();
  }
  const fresh = await browser.newContext({ viewport: { width: 375, height: 800 }, locale: 'en-US' });
  const second = await open(fresh);
  await second.page.goto(`${registry.url}/login`);
  expect(await lang(second.page)).toBe('en');
  await second.page.getByLabel('Email').fill(RESIDENT.email);
  await second.page.getByLabel('Password').fill(PASSWORD);
  await second.page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => lang(second.page)).toBe('yo');
  await expect.poll(() => second.page.evaluate(() => localStorage.getItem('oslrs.lang'))).toBe('yo');
  // A reload keeps it; the signed-in session came from /auth/session, never a 401 from /auth/me.
  await second.page.reload();
  await expect.poll(() => lang(second.page)).toBe('yo');
  expect(second.meCalls).toEqual([]);

  // Switching back on this device is saved to the account too.
  await second.page.goto(`${registry.url}/register`);
  await second.page.getByRole('combobox', { name: 'Èdè' }).selectOption('en');
  await expect.poll(() => lang(second.page)).toBe('en');
  const session = await signInOverHttp(registry.url, RESIDENT.email, PASSWORD);
  await expect
    .poll(async () => {
      const res = await fetch(`${registry.url}/api/v1/auth/session`, { headers: { cookie: session.cookie } });
      return ((await res.json()) as { user: { locale: string } }).user.locale;
    })
    .toBe('en');
  expect(second.problems).toEqual([]);
  await fresh.close();
});

it('the clerk’s desk: their own page after signing in on /app, no GPS question, focus in the first field, two columns', async () => {
  const { browser, registry } = env;
  // The master questionnaire (it starts with a GPS question) as the staff form.
  const upload = new FormData();
  upload.append(
    'file',
    new Blob([readFileSync(join(root, 'apps/api/test/fixtures/xlsform/oslsr_master_v3.xlsx'))]),
    'oslsr_master_v3.xlsx',
  );
  const imported = await call<{ questionnaire: { id: string } }>('POST', '/questionnaires/import', upload);
  await call('POST', `/questionnaires/${imported.questionnaire.id}/publish`);
  const usage = await call<{ settings: Record<string, unknown> }>('GET', '/settings/questionnaires');
  await call('PUT', '/settings/questionnaires', { ...usage.settings, staffQuestionnaireId: imported.questionnaire.id });
  const adminSession = await adminHttp();
  const clerk = await createEnumerator(registry.url, adminSession, 'desk.clerk@e2e.oslrs', 'data_entry_clerk');

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const { page, problems } = await open(context);
  await page.goto(`${registry.url}/login?next=/app`);
  await page.getByLabel('Email').fill(clerk.email);
  await page.getByLabel('Password').fill(clerk.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/clerk$/);
  await page.getByRole('heading', { name: 'Paper form entry' }).waitFor();
  await page.locator('form [data-question]').first().waitFor();
  expect(await page.getByRole('button', { name: 'Use my location' }).count()).toBe(0);
  expect(await page.locator('[data-question="gps_location"]').count()).toBe(0);
  // The focus is in the paper form's first answer (the consent question), not on a GPS button.
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.closest<HTMLElement>('[data-question]')?.dataset.question))
    .toBe('consent_basic');
  // Two columns on a desktop: the identity section's fields side by side.
  const columns = await page.evaluate(() => {
    const grid = [...document.querySelectorAll<HTMLElement>('form .card > div')].find(
      (d) => getComputedStyle(d).display === 'grid',
    );
    return grid ? getComputedStyle(grid).gridTemplateColumns.split(' ').length : 0;
  });
  expect(columns).toBe(2);
  await page.screenshot({ path: join(artifacts, 'clerk-two-columns.png'), fullPage: true });
  expect(problems).toEqual([]);
  await context.close();
});

it('tells an enumerator whose storage is not protected what that means and what to do', async () => {
  const { browser, registry } = env;
  const enumerator = await createEnumerator(registry.url, await adminHttp(), 'field.storage@e2e.oslrs');
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, locale: 'en-US' });
  // A browser that keeps no promise about this site's storage (as many phones answer).
  await context.addInitScript(() => {
    const storage = navigator.storage;
    Object.defineProperty(storage, 'persisted', { value: () => Promise.resolve(false) });
    Object.defineProperty(storage, 'persist', { value: () => Promise.resolve(false) });
  });
  const { page } = await open(context);
  await page.goto(`${registry.url}/login?next=/collect`);
  await page.getByLabel('Email').fill(enumerator.email);
  await page.getByLabel('Password').fill(enumerator.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/collect$/);
  const note = page.locator('[data-persisted="false"]');
  await note.waitFor();
  const text = await note.innerText();
  expect(text).toContain('Surveys not yet sent could be lost');
  expect(text).toMatch(/may delete surveys that are saved here but not yet sent/);
  expect(text).toContain('Send your surveys whenever you have a network');
  expect(text).toMatch(/Install the app on your home screen/);
  await note.getByRole('button', { name: 'Ask the browser to protect them' }).click();
  await note.getByText('The browser said no for now').waitFor();
  await page.screenshot({ path: join(artifacts, 'collect-storage-note.png'), fullPage: true });
  await context.close();
});

function adminHttp() {
  return signInOverHttp(env.registry.url, ADMIN_EMAIL, ADMIN_PASSWORD);
}
