/**
 * Issue 16, the staff pages in Yorùbá: a government official signs in (English), switches the header's
 * language to Yorùbá at 375 px, and reads the dashboard, the registry, a record, the review list and
 * their account in Yorùbá — with dates formatted in Yorùbá, `<html lang="yo">`, and the registry's
 * refusal of a missing record (NOT_FOUND) shown in Yorùbá words rather than the API's English. The
 * choice survives a reload (remembered on the device); switching back gives the English pages.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { assignPublicCoreForm, createEnumerator, respondentAnswers, signInOverHttp } from './collect-setup.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, artifacts } from './server.js';
import { useRegistry } from './use-registry.js';

const ctx = useRegistry();
const PHONE = { width: 375, height: 812 };
const OFFICIAL = { email: 'official.yoruba@e2e.oslrs', password: 'reading in yoruba 2025' };

async function call(url: string, init: RequestInit & { session?: { cookie: string; csrfToken: string } }) {
  const { session, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    headers: {
      ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrfToken } : {}),
      ...(rest.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function noSidewaysScroll(page: Page, what: string) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll, `${what}: page is ${scroll}px wide in a ${inner}px viewport`).toBeLessThanOrEqual(inner);
}

/** What the page should print for a date in Yorùbá: "27 Oṣù Bélú 2025", West Africa Time. */
const MONTHS = ['Ṣẹ́rẹ́', 'Èrèlè', 'Ẹrẹ̀nà', 'Ìgbé', 'Ẹ̀bibi', 'Òkúdu', 'Agẹmọ', 'Ògún', 'Owewe', 'Ọ̀wàrà', 'Bélú', 'Ọ̀pẹ̀'];
function yorubaDate(d: Date): string {
  const lagos = new Date(d.getTime() + 3_600_000);
  return `${lagos.getUTCDate()} Oṣù ${MONTHS[lagos.getUTCMonth()]} ${lagos.getUTCFullYear()}`;
}

it('an official switches the staff pages to Yorùbá and reads them, dates and refusals included', async () => {
  const { url } = ctx.registry;
  const admin = await signInOverHttp(url, ADMIN_EMAIL, ADMIN_PASSWORD);
  const { questionnaireId } = await assignPublicCoreForm(url, admin);
  const enumerator = await createEnumerator(url, admin, 'field.yoruba@e2e.oslrs');
  const invited = await call(`${url}/api/v1/staff`, {
    method: 'POST',
    session: admin,
    body: JSON.stringify({
      fullName: 'Olu Official',
      email: OFFICIAL.email,
      phone: '08037778899',
      role: 'government_official',
    }),
  });
  expect(invited.status, JSON.stringify(invited.json)).toBe(201);
  const token = new URL(invited.json.activationUrl).searchParams.get('token');
  expect(
    (
      await call(`${url}/api/v1/auth/activate`, {
        method: 'POST',
        body: JSON.stringify({ token, password: OFFICIAL.password }),
      })
    ).status,
  ).toBe(200);

  // One survey collected yesterday, ingested into one respondent.
  const field = await signInOverHttp(url, enumerator.email, enumerator.password);
  const schema = (await call(`${url}/api/v1/forms/${questionnaireId}/schema`, {})).json as { versionId: string };
  const answers = respondentAnswers(1, Date.now() % 100_000);
  const name = `${answers.firstname} ${answers.surname}`;
  // Completed late yesterday evening (23:30 WAT): flagged off-hours, a reason the review list words.
  const yesterday = new Date(Date.now() - 86_400_000);
  const completed = new Date(
    Date.UTC(yesterday.getUTCFullYear(), yesterday.getUTCMonth(), yesterday.getUTCDate(), 22, 30),
  );
  const submitted = await call(`${url}/api/v1/submissions`, {
    method: 'POST',
    session: field,
    body: JSON.stringify({
      id: randomUUID(),
      questionnaireVersionId: schema.versionId,
      answers,
      startedAt: new Date(completed.getTime() - 15 * 60_000).toISOString(),
      completedAt: completed.toISOString(),
    }),
  });
  expect(submitted.status, JSON.stringify(submitted.json)).toBe(202);
  await expect
    .poll(
      async () =>
        ((await call(`${url}/api/v1/respondents?limit=5`, { session: admin })).json?.items ?? []).length as number,
      { timeout: 30_000, interval: 250 },
    )
    .toBe(1);

  const page = await ctx.browser.newPage({ viewport: PHONE });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));

  await page.goto(`${url}/login?next=${encodeURIComponent('/registry')}`);
  await page.getByLabel('Email').fill(OFFICIAL.email);
  await page.getByLabel('Password').fill(OFFICIAL.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Registry' }).waitFor();
  expect(await page.getAttribute('html', 'lang')).toBe('en');

  // The switch is in the signed-in header, and the header fits a phone in either language.
  const header = page.locator('header');
  await noSidewaysScroll(page, 'registry at 375 px in English');
  await header.getByRole('combobox', { name: 'Language' }).selectOption('yo');
  await page.waitForFunction(() => document.documentElement.lang === 'yo');
  await page.getByRole('heading', { level: 1, name: 'Àkọsílẹ̀' }).waitFor();
  await noSidewaysScroll(page, 'registry at 375 px in Yorùbá');
  const headerBox = await header.boundingBox();
  expect(headerBox!.width).toBeLessThanOrEqual(PHONE.width);
  const nav = page.getByRole('navigation', { name: 'Àtòjọ pàtàkì' });
  for (const link of ['Àkópọ̀', 'Àkọsílẹ̀', 'Àwọn ìfisílẹ̀', 'Àkáǹtì'])
    await nav.getByRole('link', { name: link }).waitFor();
  await header.getByRole('button', { name: 'Jáde' }).waitFor();
  expect(await header.getByRole('combobox', { name: 'Èdè' }).inputValue()).toBe('yo');

  // The registry list: the intro, the filters and the row's facts, its date in Yorùbá.
  await page.getByText('Gbogbo ẹni tí a forúkọ rẹ̀ sílẹ̀ ní ìpínlẹ̀ náà').waitFor();
  await page.getByLabel('Wá: orúkọ kan, tàbí NIN tàbí nọ́ńbà fóònù kan gẹ́lẹ́').waitFor();
  const rows = page.getByRole('list', { name: 'Àwọn tí a forúkọ wọn sílẹ̀' });
  const row = rows.getByRole('listitem').filter({ hasText: name });
  await row.waitFor();
  const facts = await row.innerText();
  expect(facts).toContain(`forúkọsílẹ̀ ní ${yorubaDate(new Date())}`);
  expect(facts).toMatch(/\d{1,2} Oṣù \S+ \d{4}/);
  expect(facts).toContain('òṣìṣẹ́ ìwádìí');
  expect(facts).not.toMatch(/registered|Nov|Dec|Jan|\d{4}-\d{2}/);
  await page.screenshot({ path: join(artifacts, 'staff-yoruba-registry.png'), fullPage: true });

  // One record: its headings, and its history dated in Yorùbá.
  await rows.getByRole('link', { name }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Àwọn àlàyé' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Ìtàn' }).waitFor();
  expect(await page.getByText('Ọjọ́ ìbí').count()).toBe(1);
  expect(await page.locator('main').innerText()).toContain(`${yorubaDate(new Date())} nípasẹ̀ ọ̀nà òṣìṣẹ́ ìwádìí`);
  // Its skills by slug in Yorùbá (carpentry, welding), and why its survey was flagged.
  const record = await page.locator('main').innerText();
  expect(record).toContain('Iṣẹ́ káfíńtà/iṣẹ́ igi, Alurinmọ́rin àti ṣíṣe ohun irin');
  expect(record).toContain('Lẹ́yìn àkókò iṣẹ́: ó parí ní 23:30 WAT');
  expect(record).not.toMatch(/carpentry|welding|off-hours/);
  await noSidewaysScroll(page, 'record at 375 px in Yorùbá');

  // A record that is not there: the API answers NOT_FOUND in English; the page says it in Yorùbá.
  const missing = randomUUID();
  const refusal = await call(`${url}/api/v1/respondents/${missing}`, { session: admin });
  expect(refusal.status).toBe(404);
  expect(refusal.json.error.code).toBe('NOT_FOUND');
  await page.goto(`${url}/registry/${missing}`);
  const alert = page.getByRole('alert');
  await alert.getByText('A kò lè ṣí àkọsílẹ̀ yìí').waitFor();
  const alertText = await alert.innerText();
  expect(alertText).toContain('A kò rí i');
  expect(alertText).not.toContain(refusal.json.error.message);
  // After a full page load the language is still Yorùbá: remembered on this device.
  expect(await page.getAttribute('html', 'lang')).toBe('yo');

  // The review list (an official reads only): Yorùbá title, status and completion date and time.
  await page.getByRole('navigation', { name: 'Àtòjọ pàtàkì' }).getByRole('link', { name: 'Àwọn ìfisílẹ̀' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ṣe àtúnyẹ̀wò àwọn ìfisílẹ̀' }).waitFor();
  await page.getByText('O lè kà wọ́n; àwọn alábòójútó àti àwọn olùyẹ̀wò ló ń ṣe ìpinnu.').waitFor();
  await page.getByLabel('Ètò').waitFor();
  const item = page.getByRole('list', { name: 'Àwọn ìfisílẹ̀' }).getByRole('listitem').first();
  await item.getByText('Ń dúró de àtúnyẹ̀wò').waitFor();
  expect(await item.innerText()).toMatch(new RegExp(`a parí rẹ̀ ní ${yorubaDate(completed)} ní \\d{2}:\\d{2}`));
  expect(await item.innerText()).toContain('Lẹ́yìn àkókò iṣẹ́: ó parí ní 23:30 WAT');
  await noSidewaysScroll(page, 'review list at 375 px in Yorùbá');
  await page.screenshot({ path: join(artifacts, 'staff-yoruba-review.png'), fullPage: true });

  // The dashboard: headings, the period counted (Yorùbá dates), the charts' table buttons.
  await page.getByRole('navigation', { name: 'Àtòjọ pàtàkì' }).getByRole('link', { name: 'Àkópọ̀' }).click();
  await page.getByRole('heading', { level: 1, name: 'Àkópọ̀' }).waitFor();
  await page.getByText('Ìforúkọsílẹ̀ ní Ìpínlẹ̀ Ọ̀yọ́').waitFor();
  await page.getByRole('heading', { level: 2, name: 'Ní Ìjọba Ìbílẹ̀ kọ̀ọ̀kan' }).waitFor();
  const total = page.locator('#total-heading + p + p');
  await expect.poll(() => total.innerText()).toMatch(new RegExp(`títí dé ${yorubaDate(new Date())}`));
  expect(await page.getByRole('button', { name: 'Fi hàn bí tábìlì' }).count()).toBeGreaterThan(3);
  // The charts' rows by key, in Yorùbá: sector, skills, gender, channel.
  const charts = await page.locator('main').innerText();
  for (const words of [
    'Ìkọ́lé àti iṣẹ́ ọwọ́ ilé',
    'Iṣẹ́ káfíńtà/iṣẹ́ igi',
    'Alurinmọ́rin àti ṣíṣe ohun irin',
    'Abo',
    'Òṣìṣẹ́ ìwádìí',
  ])
    expect(charts).toContain(words);
  expect(charts).not.toMatch(/Construction|Carpentry|Female|Enumerator|taxonomy\./);
  await noSidewaysScroll(page, 'dashboard at 375 px in Yorùbá');

  // The account page: greeting, details, the role's name.
  await page.getByRole('navigation', { name: 'Àtòjọ pàtàkì' }).getByRole('link', { name: 'Àkáǹtì' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ẹ káàbọ̀, Olu Official' }).waitFor();
  await page.getByText('Òṣìṣẹ́ ìjọba').waitFor();
  await page.getByRole('link', { name: 'Lọ sí àkópọ̀' }).waitFor();

  // Back to English: the same pages in English.
  await page.locator('header').getByRole('combobox', { name: 'Èdè' }).selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.getByRole('heading', { level: 1, name: 'Welcome, Olu Official' }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Registry' }).waitFor();
  expect(problems).toEqual([]);
  await page.close();
});
