/**
 * The admin area's rough edges, in Chromium: the builder on the 150-question master questionnaire
 * (folded sections, an outline, a question search) at desktop and phone width; a staff import whose
 * rows have several problems each (all listed, the result amber, not green), then the activation-links
 * CSV and "Resend invitations" for the people it created; the invite page saying no mail server is
 * set up; and the admin header's language switch turning the area into Yorùbá.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parseCatalog } from '@oslrs/core/i18n/catalog';
import type { Page } from 'playwright-core';
import { adminClient } from './resident-flows.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, artifacts, root } from './server.js';
import { useRegistry } from './use-registry.js';

const ctx = useRegistry();
/** The builder folds forms with more top-level questions than this (QuestionnaireBuilder's LARGE_FORM). */
const LARGE_FORM = 30;

async function signIn(page: Page) {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${ctx.registry.url}/login`);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/);
  return problems;
}

/** Form controls on the page (inputs, selects, text areas, buttons): what a browser lays out. */
const controls = (page: Page) => page.locator('input, select, textarea, button').count();
/** The same, in the live preview beside the editor (it renders the form as a respondent sees it). */
const previewControls = (page: Page) =>
  page.locator('[aria-labelledby="preview-heading"]').locator('input, select, textarea, button').count();

it('the builder folds the master questionnaire, with an outline and a question search, on a laptop and a phone', async () => {
  const call = await adminClient(ctx.registry.url);
  const upload = new FormData();
  const file = readFileSync(join(root, 'apps/api/test/fixtures/xlsform/oslsr_master_v3.xlsx'));
  upload.append('file', new Blob([file]), 'oslsr_master_v3.xlsx');
  const { questionnaire } = await call<{
    questionnaire: {
      id: string;
      draft: { sections: { name: string; questions: { name: string; label?: string }[] }[] };
    };
  }>('POST', '/questionnaires/import', upload);
  const sections = questionnaire.draft.sections;
  const total = sections.reduce((n, s) => n + s.questions.length, 0);
  // The master questionnaire: 52 top-level questions, with groups holding more (~150 in all).
  expect(total).toBeGreaterThan(LARGE_FORM);

  const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = await signIn(page);
  await page.goto(`${ctx.registry.url}/admin/questionnaires/${questionnaire.id}`);
  const outline = page.getByRole('navigation', { name: 'Outline' });
  await outline.waitFor();

  // Only the first section is unfolded: far fewer controls and a far shorter page than all of it.
  const folded = page.locator('section[data-collapsed]');
  await expect.poll(() => folded.count()).toBe(sections.length - 1);
  const foldedControls = (await controls(page)) - (await previewControls(page));
  const foldedHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.screenshot({ path: join(artifacts, 'builder-master-folded.png'), fullPage: true });

  await outline.getByRole('button', { name: 'Show all sections' }).click();
  await expect.poll(() => folded.count()).toBe(0);
  const allControls = (await controls(page)) - (await previewControls(page));
  const allHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  console.log(
    `builder, master questionnaire: editor ${foldedControls} controls / page ${foldedHeight} px folded, ${allControls} / ${allHeight} px unfolded; preview ${await previewControls(page)} controls`,
  );
  expect(foldedControls * 2).toBeLessThan(allControls);
  expect(foldedHeight * 2).toBeLessThan(allHeight);
  await outline.getByRole('button', { name: 'Fold all sections' }).click();
  await expect.poll(() => folded.count()).toBe(sections.length);

  // The outline goes to a section: it unfolds and takes the focus.
  const last = sections.length - 1;
  await outline.getByRole('button', { name: new RegExp(`^${last + 1}\\. `) }).click();
  const lastSection = page.locator(`#f-sections-${last}`);
  await expect.poll(() => lastSection.getAttribute('data-collapsed')).toBeNull();
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(`f-sections-${last}`);

  // The search finds a question deep in the form by name and opens it.
  const target = sections.at(-2)!.questions.at(-1)!;
  const si = sections.length - 2;
  const qi = sections[si]!.questions.length - 1;
  await outline.getByLabel('Find a question').fill(target.name.toUpperCase());
  await expect.poll(() => outline.getByRole('status').innerText()).toMatch(/question(s)? match/);
  await outline.getByRole('listitem').filter({ hasText: target.name }).first().getByRole('button').click();
  const toggle = page.locator(`#f-sections-${si}-questions-${qi}-toggle`);
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.id))
    .toBe(`f-sections-${si}-questions-${qi}-toggle`);
  expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  await expect.poll(() => page.locator(`#f-sections-${si}-questions-${qi}-name`).inputValue()).toBe(target.name);
  // A search with no hit says so.
  await outline.getByLabel('Find a question').fill('zz-no-such-question-zz');
  await expect.poll(() => outline.getByRole('status').innerText()).toBe('No question matches.');

  // A phone: the outline and the folded form fit 375 px without sideways scrolling.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.reload();
  await outline.waitFor();
  await expect.poll(() => folded.count()).toBe(sections.length - 1);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await page.screenshot({ path: join(artifacts, 'builder-master-phone.png'), fullPage: false });
  expect(problems).toEqual([]);
  await page.close();
});

it('lists every problem of each imported row, colours a partial import amber, and follows up with links and invitations', async () => {
  const csvPath = join(artifacts, 'staff-several-problems.csv');
  writeFileSync(
    csvPath,
    [
      'full_name,email,phone,role,lga',
      'X,not-an-email,12345,manager,Atlantis', // line 2: five problems
      'Ade Okoro,ade.okoro@followup.oslrs,08031230001,enumerator,iseyin',
      'Tunde Bad,tunde.bad@followup.oslrs,0803,enumerator,', // line 4: phone and LGA
      'Bisi Ola,bisi.ola@followup.oslrs,08031230002,data_entry_clerk,',
    ].join('\n') + '\n',
  );
  const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = await signIn(page);
  await page.goto(`${ctx.registry.url}/admin/staff/import`);
  await page.getByLabel('CSV file').setInputFiles(csvPath);
  await page.getByRole('button', { name: 'Import', exact: true }).click();

  const outcome = page.locator('[data-outcome]');
  await outcome.waitFor({ timeout: 30_000 });
  expect(await outcome.getAttribute('data-outcome')).toBe('partial');
  expect(await outcome.getAttribute('class')).toMatch(/amber/);
  expect(await outcome.getAttribute('class')).not.toMatch(/green/);
  expect(await outcome.innerText()).toMatch(
    /Partly imported: 2 staff members invited, 2 rows were not imported \(of 4\)/,
  );
  const table = page.getByRole('table', { name: 'Rows with problems' });
  expect(await table.locator('tbody tr').count()).toBe(2);
  const row2 = table.locator('tr[data-row="2"] li');
  expect(await row2.count()).toBe(5);
  expect((await row2.allInnerTexts()).map((t) => t.split(':')[0])).toEqual([
    'full_name',
    'email',
    'phone',
    'role',
    'lga',
  ]);
  expect(await table.locator('tr[data-row="4"] li').count()).toBe(2);
  await page.screenshot({ path: join(artifacts, 'import-partial.png'), fullPage: true });

  // The activation links of the two people imported, as a CSV.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download activation links (CSV)' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^activation-links-[0-9a-f-]+\.csv$/);
  const linksPath = join(artifacts, 'activation-links.csv');
  await download.saveAs(linksPath);
  const lines = readFileSync(linksPath, 'utf8').trimEnd().split('\r\n');
  expect(lines[0]).toBe('full_name,email,role,lga,activation_url,expires_at');
  expect(
    lines
      .slice(1)
      .map((l) => l.split(',')[1])
      .sort(),
  ).toEqual(['"ade.okoro@followup.oslrs"', '"bisi.ola@followup.oslrs"']);
  expect(lines[1]).toMatch(/"http:\/\/[^"]+\/activate\?token=[\w-]{43}"/);
  await page.getByText(/^Downloaded activation-links-/).waitFor();

  // Resend: no mail server here, and the page says so.
  await page.getByRole('button', { name: 'Resend invitations' }).click();
  await page.getByText('New invitations were sent to 2 people.').waitFor();
  await page.getByText('No email was sent: no mail server is set up').waitFor();
  expect(problems).toEqual([]);
  await page.close();
});

it('a successful import is green; the invite page says where the email went', async () => {
  const csvPath = join(artifacts, 'staff-clean.csv');
  writeFileSync(
    csvPath,
    'full_name,email,phone,role,lga\nClean Row,clean.row@followup.oslrs,08031230003,enumerator,oyo_east\n',
  );
  const page = await ctx.browser.newPage({ viewport: { width: 375, height: 800 } });
  const problems = await signIn(page);
  await page.goto(`${ctx.registry.url}/admin/staff/import`);
  await page.getByLabel('CSV file').setInputFiles(csvPath);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const outcome = page.locator('[data-outcome]');
  await outcome.waitFor({ timeout: 30_000 });
  expect(await outcome.getAttribute('data-outcome')).toBe('complete');
  expect(await outcome.getAttribute('class')).toMatch(/green/);

  await page.goto(`${ctx.registry.url}/admin/staff/new`);
  await page.getByLabel('Full name').fill('Mail Less Person');
  await page.getByLabel('Email').fill('mail.less@followup.oslrs');
  await page.getByLabel('Phone').fill('08031230004');
  await page.getByLabel('Role').selectOption('data_entry_clerk');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByText('No email was sent: no mail server is set up').waitFor();
  const note = await page.locator('[data-mail="none"]').innerText();
  expect(note).toContain('mail_outbox');
  expect(note).not.toMatch(/is sent|on its way/);
  expect(await page.getByLabel('Activation link').inputValue()).toContain('/activate?token=');
  await page.screenshot({ path: join(artifacts, 'invite-no-mail.png'), fullPage: true });
  expect(problems).toEqual([]);
  await page.close();
});

it('switches the admin area to Yorùbá from its header, and back', async () => {
  const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = await signIn(page);
  const header = page.locator('header');
  await header.getByLabel('Language').selectOption('yo');
  const nav = page.getByRole('navigation', { name: 'Ìṣàkóso' });
  await nav.getByRole('link', { name: 'Àwọn ìwé ìbéèrè' }).waitFor();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('yo');
  await nav.getByRole('link', { name: 'Kó òṣìṣẹ́ wọlé' }).click();
  await page.getByRole('heading', { name: 'Kíkó àwọn òṣìṣẹ́ wọlé' }).waitFor();
  await page.getByText('Ìlànà fáìlì').waitFor();
  await page.screenshot({ path: join(artifacts, 'admin-yoruba.png'), fullPage: true });
  // Remembered on this device: a reload stays in Yorùbá.
  await page.reload();
  await page.getByRole('heading', { name: 'Kíkó àwọn òṣìṣẹ́ wọlé' }).waitFor();
  await page
    .locator('header')
    .getByLabel(/Language|Èdè/)
    .selectOption('en');
  await page.getByRole('heading', { name: 'Import staff' }).waitFor();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  expect(problems).toEqual([]);
  await page.close();
});

/** The catalogue's Yoruba month names (`common.month.1`…12), by month number. */
const yoMonths = new Map(
  parseCatalog(readFileSync(join(root, 'packages/core/src/i18n/locales/yo.po'), 'utf8'))
    .filter((e) => /^common\.month\.\d+$/.test(e.id))
    .map((e) => [Number(e.id.split('.').pop()), e.message] as const),
);

/** A moment's day, month, year and hh:mm in West Africa Time. */
function lagosParts(iso: string) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Africa/Lagos',
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return {
    day: Number(part('day')),
    month: Number(part('month')),
    year: part('year'),
    time: `${part('hour')}:${part('minute')}`,
  };
}

const ENGLISH_MONTH = /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/;

// Dates in Yoruba come from the catalogue's month names (Debian's Chromium has no Yoruba date data and
// would fall back to English "Dec 6, 2026"): the day, the catalogue's Yoruba month and the year, in
// West Africa Time, and no English month anywhere.
it('in Yorùbá, the staff list and the audit log show Yoruba headings, and dates with Yoruba month names', async () => {
  const call = await adminClient(ctx.registry.url);
  const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = await signIn(page);
  await page.locator('header').getByLabel('Language').selectOption('yo');
  await page.getByRole('navigation', { name: 'Ìṣàkóso' }).waitFor();
  expect(yoMonths.size).toBe(12);
  /** The date words the catalogue gives `iso` in Yoruba: "6 Oṣù Ọ̀pẹ̀ 2026". */
  const yoDay = (iso: string) => {
    const { day, month, year } = lagosParts(iso);
    return `${day} ${yoMonths.get(month)} ${year}`;
  };

  // The staff list: Yoruba heading, column headers and filters; the Created column with a Yoruba month.
  await page.goto(`${ctx.registry.url}/admin/staff`);
  await page.getByRole('heading', { level: 1, name: 'Òṣìṣẹ́' }).waitFor();
  const table = page.getByRole('table', { name: 'Àwọn òṣìṣẹ́' });
  await table.waitFor();
  for (const header of ['Orúkọ', 'Ímeèlì', 'Ipa', 'Ìjọba ìbílẹ̀ (LGA)', 'Ipò', 'Ọjọ́ tí a dá a'])
    await table.getByRole('columnheader', { name: header, exact: true }).waitFor();
  await page.getByLabel('Wá orúkọ tàbí ímeèlì').waitFor();
  const { items } = await call<{ items: { email: string; createdAt: string }[] }>('GET', '/staff?page=1&pageSize=25');
  const member = items[0]!;
  const cells = table.getByRole('row').filter({ hasText: member.email }).getByRole('cell');
  const created = (await cells.last().innerText()).trim();
  expect(created).toBe(yoDay(member.createdAt));
  expect(created).not.toMatch(ENGLISH_MONTH);

  // The audit log: Yoruba heading, filters and entry words; each entry's date with a Yoruba month and its time.
  await page.goto(`${ctx.registry.url}/admin/audit`);
  await page.getByRole('heading', { level: 1, name: 'Àkọsílẹ̀ ìṣàyẹ̀wò' }).waitFor();
  await page.getByRole('form', { name: 'Ṣàyàn nínú àkọsílẹ̀ ìṣàyẹ̀wò' }).waitFor();
  const entries = page.getByRole('list', { name: 'Àwọn àkọsílẹ̀' });
  const first = entries.getByRole('listitem').first();
  await first.waitFor();
  expect(await first.innerText()).toMatch(/láti ọwọ́ /);
  const [action, when] = (await first.locator('p').first().innerText()).split(' · ');
  const audit = await call<{ items: { action: string; at: string }[] }>(
    'GET',
    `/audit?action=${encodeURIComponent(action!.trim())}&limit=100`,
  );
  const shown = when!.trim();
  expect(shown).not.toMatch(ENGLISH_MONTH);
  // Some entry of that action is the one shown: its Yoruba date words and its hh:mm are both in the text.
  expect(audit.items.some((e) => shown.includes(yoDay(e.at)) && shown.includes(lagosParts(e.at).time))).toBe(true);
  await page.screenshot({ path: join(artifacts, 'admin-yoruba-audit.png'), fullPage: true });
  expect(problems).toEqual([]);
  await page.close();
});
