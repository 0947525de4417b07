/**
 * Issue 14, done when: an XLSForm written the way ODK and KoboToolbox authors write one — a repeat, a
 * cascading select (`choice_filter` over a choices-sheet column), `select_one … or_other`, a photo, a
 * Yoruba label column, pyxform's spellings (`select one from`, `int`, `relevance`) — is imported on the
 * administrator's page, published, filled in the enumerator's PWA on a 375 px phone with the photo taken
 * while offline, synced when back online, validated and ingested by the server, and exported and
 * imported again to the same questionnaire.
 */
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  currentQuestion,
  getJson,
  next,
  ninFor,
  openCollect,
  publishForStaff,
  signInOverHttp,
  createEnumerator,
  type HttpSession,
} from './collect-setup.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, artifacts } from './server.js';
import { useRegistry } from './use-registry.js';

const fx = useRegistry();

const YO = 'Yoruba (yo)';

/** The workbook, as an author would type it (pyxform's spellings, not the registry's). */
async function workbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const survey = wb.addWorksheet('survey');
  survey.addRow(['type', 'name', 'label', `label::${YO}`, 'required', 'relevance', 'choice_filter', 'constraint']);
  const rows: (string | undefined)[][] = [
    ['start', 'start'],
    ['end', 'end'],
    ['today', 'today'],
    ['deviceid', 'deviceid'],
    ['text', 'surname', 'Surname', 'Orúkọ ìdílé', 'yes'],
    ['text', 'nin', 'NIN', 'Nọ́mbà ìdánimọ̀', 'yes', undefined, undefined, 'regex(., "^[0-9]{11}$")'],
    ['select one from states', 'state', 'State', 'Ìpínlẹ̀', 'yes'],
    ['select_one towns', 'town', 'Town', 'Ìlú', 'yes', undefined, 'state=${state}'],
    ['select_one trades or_other', 'trade', 'Main trade', 'Iṣẹ́', 'yes'],
    ['image', 'shop_photo', 'Photo of the shop', 'Àwòrán ṣọ́ọ̀bù', 'yes'],
    ['begin repeat', 'member', 'Household member', 'Ọmọ ilé'],
    ['text', 'member_name', 'Name', 'Orúkọ', 'yes'],
    ['int', 'member_age', 'Age', 'Ọjọ́ orí', undefined, undefined, undefined, '. >= 0 and . < 130'],
    ['text', 'school', 'School attended', 'Ilé ìwé', undefined, '${member_age} < 18'],
    ['end repeat'],
    ['calculate', 'members_count', undefined, undefined, undefined, undefined, undefined, undefined],
  ];
  for (const r of rows) survey.addRow(r);
  // The calculation column, after the others (a column an author adds later).
  survey.getCell('I1').value = 'calculation';
  survey.getCell(`I${rows.length + 1}`).value = 'count(${member})';
  const choices = wb.addWorksheet('choices');
  choices.addRow(['list_name', 'name', 'label', `label::${YO}`, 'state']);
  for (const c of [
    ['states', 'oyo', 'Oyo', 'Ọ̀yọ́'],
    ['states', 'lagos', 'Lagos', 'Èkó'],
    ['towns', 'ibadan', 'Ibadan', 'Ìbàdàn', 'oyo'],
    ['towns', 'ogbomoso', 'Ogbomoso', 'Ògbómọ̀ṣọ́', 'oyo'],
    ['towns', 'ikeja', 'Ikeja', 'Ikẹja', 'lagos'],
    ['towns', 'epe', 'Epe', 'Ẹpẹ', 'lagos'],
    ['trades', 'tailor', 'Tailor', 'Télọ̀'],
    ['trades', 'farmer', 'Farmer', 'Àgbẹ̀'],
  ])
    choices.addRow(c);
  const settings = wb.addWorksheet('settings');
  settings.addRow(['form_title', 'form_id', 'version', 'default_language']);
  settings.addRow(['Household listing (Kobo)', 'household_kobo', '2026120601', 'English (en)']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

interface QuestionnaireBody {
  questionnaire: { id: string; draft: Record<string, unknown> };
}

/** A 2400×1800 JPEG, drawn by the page itself (what a phone camera hands the browser). */
async function cameraPhoto(page: Page): Promise<Buffer> {
  return Buffer.from(
    await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 2400;
      canvas.height = 1800;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#36c';
      g.fillRect(0, 0, 2400, 1800);
      g.fillStyle = '#fd4';
      g.fillRect(200, 200, 900, 700);
      return canvas.toDataURL('image/jpeg', 0.92).split(',')[1]!;
    }),
    'base64',
  );
}

async function importOverHttp(admin: HttpSession, file: Buffer, name: string): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file)]), name);
  return fetch(`${fx.registry.url}/api/v1/questionnaires/import`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
    body: form,
  });
}

let admin: HttpSession;

it('an ODK/Kobo XLSForm imports on the page, is filled offline with a repeat, a cascade, or_other and a photo, syncs, and round-trips', async () => {
  admin = await signInOverHttp(fx.registry.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  const file = await workbook();

  // The administrator imports the workbook on the questionnaires page.
  const staff = await fx.browser.newContext({ viewport: { width: 375, height: 812 } });
  const adminPage = await staff.newPage();
  await adminPage.goto(`${fx.registry.url}/login`);
  await adminPage.getByLabel('Email').fill(ADMIN_EMAIL);
  await adminPage.getByLabel('Password').fill(ADMIN_PASSWORD);
  await adminPage.getByRole('button', { name: 'Sign in' }).click();
  await adminPage.waitForURL((u) => !u.pathname.startsWith('/login'));
  await adminPage.goto(`${fx.registry.url}/admin/questionnaires`);
  await adminPage.getByLabel('XLSForm file').setInputFiles({
    name: 'household_kobo.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: file,
  });
  await adminPage.getByRole('button', { name: 'Import', exact: true }).click();
  const opened = adminPage.getByRole('link', { name: /Open “Household listing \(Kobo\)” in the form builder/ });
  await opened.waitFor();
  await adminPage.screenshot({ path: join(artifacts, 'xlsform-imported.png'), fullPage: true });
  const questionnaireId = (await opened.getAttribute('href'))!.split('/').pop()!;
  await staff.close();

  const imported = (await getJson(fx.registry.url, admin, `/questionnaires/${questionnaireId}`)) as QuestionnaireBody;
  const draft = imported.questionnaire.draft as {
    languages?: string[];
    sections: { questions: { name: string; type: string; orOther?: boolean; choiceFilter?: string }[] }[];
  };
  const questions = draft.sections.flatMap((s) => s.questions);
  expect(draft.languages).toEqual(['English (en)', YO]);
  expect(questions.find((q) => q.name === 'member')?.type).toBe('repeat');
  expect(questions.find((q) => q.name === 'trade')).toMatchObject({ type: 'select_one', orOther: true });
  expect(questions.find((q) => q.name === 'town')?.choiceFilter).toBe('state=${state}');
  await publishForStaff(fx.registry.url, admin, questionnaireId);
  const enumerator = await createEnumerator(fx.registry.url, admin, 'field.kobo@e2e.oslrs');

  // The enumerator's phone, offline from the first question on.
  const { context, page, problems, setOffline } = await openCollect(fx.browser, fx.registry.url, enumerator, {
    width: 375,
    height: 812,
  });
  const photo = await cameraPhoto(page);
  await setOffline(true);
  await page.getByRole('button', { name: 'Start new survey' }).click();
  await page.waitForURL(/\/collect\/survey\/[0-9a-f-]{36}$/);
  await page.locator('[data-question]').first().waitFor();
  const nin = ninFor(7);
  const seen: string[] = [];
  for (let step = 0; step < 40; step++) {
    if ((await page.locator('#review-heading').count()) > 0) break;
    const name = await currentQuestion(page);
    seen.push(name ?? '');
    const wrap = page.locator(`[data-question="${name}"]`);
    switch (name) {
      case 'surname':
        // The form's Yoruba column is offered, and the label follows the switch.
        await page.getByLabel('Form language').selectOption(YO);
        await expect.poll(() => wrap.locator('label').first().innerText()).toContain('Orúkọ ìdílé');
        await page.getByLabel('Form language').selectOption('English (en)');
        await wrap.locator('input').fill('Okonkwo');
        break;
      case 'nin':
        await wrap.locator('input').fill(nin);
        break;
      case 'state':
        await wrap.locator('input[value="lagos"]').check();
        break;
      case 'town':
        // The cascade: only the chosen state's towns.
        expect(await wrap.locator('label').allInnerTexts()).toEqual(['Ikeja', 'Epe']);
        await wrap.locator('input[value="epe"]').check();
        break;
      case 'trade':
        expect(
          await wrap.locator('input[type=radio]').evaluateAll((i) => i.map((x) => (x as HTMLInputElement).value)),
        ).toEqual(['tailor', 'farmer', 'other']);
        await wrap.locator('input[value="other"]').check();
        break;
      case 'trade_other':
        await wrap.locator('input').fill('Blacksmith');
        break;
      case 'shop_photo': {
        await wrap
          .locator('input[type=file]')
          .setInputFiles({ name: 'IMG_0042.jpg', mimeType: 'image/jpeg', buffer: photo });
        await wrap.locator('figcaption').waitFor();
        break;
      }
      case 'member': {
        const members = wrap.locator('fieldset[data-instance]');
        await page.getByRole('button', { name: 'Add Household member' }).click();
        await members.nth(0).getByLabel('Name').fill('Ngozi');
        await members.nth(0).getByLabel('Age').fill('34');
        await page.getByRole('button', { name: 'Add another Household member' }).click();
        await members.nth(1).getByLabel('Name').fill('Emeka');
        await members.nth(1).getByLabel('Age').fill('9');
        // Relevance inside the instance: only the child is asked about school.
        await members.nth(1).getByLabel('School attended').fill('St. Anne');
        expect(await members.nth(0).getByLabel('School attended').count()).toBe(0);
        await page.screenshot({ path: join(artifacts, 'xlsform-repeat.png'), fullPage: true });
        break;
      }
    }
    await next(page);
  }
  expect(seen).toEqual(['surname', 'nin', 'state', 'town', 'trade', 'trade_other', 'shop_photo', 'member']);
  await page.getByRole('heading', { name: 'Check the answers' }).waitFor();
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await page.waitForURL(/\/collect$/);
  await expect.poll(() => page.locator('[data-outbox]').count()).toBe(1);

  // Back online: the answers, then the photo; the server validates and ingests.
  await setOffline(false);
  await expect.poll(() => page.locator('[data-outbox]').count(), { timeout: 30_000 }).toBe(0);
  const recent = page.getByRole('list', { name: 'Recent submissions' });
  await expect
    .poll(() => recent.locator('li[data-status="ingested"]').count(), { timeout: 30_000, interval: 500 })
    .toBe(1);
  expect(problems).toEqual([]);
  await context.close();

  const list = (await getJson(fx.registry.url, admin, '/submissions/review?limit=5')) as { items: { id: string }[] };
  const detail = (await getJson(fx.registry.url, admin, `/submissions/${list.items[0]!.id}/review`)) as {
    submission: { answers: Record<string, unknown>; attachments?: { name: string; complete: boolean }[] };
  };
  const answers = detail.submission.answers;
  expect(answers).toMatchObject({
    surname: 'Okonkwo',
    state: 'lagos',
    town: 'epe',
    trade: 'other',
    trade_other: 'Blacksmith',
    member: [
      { member_name: 'Ngozi', member_age: 34 },
      { member_name: 'Emeka', member_age: 9, school: 'St. Anne' },
    ],
  });
  expect(detail.submission.attachments).toEqual([
    expect.objectContaining({ name: answers.shop_photo, complete: true }),
  ]);
  const image = await fetch(
    `${fx.registry.url}/api/v1/submissions/${list.items[0]!.id}/attachments/${answers.shop_photo as string}`,
    { headers: { cookie: admin.cookie } },
  );
  expect(image.status).toBe(200);
  expect(image.headers.get('content-type')).toBe('image/jpeg');

  // Export, and the export imported again: the same questionnaire, the same form.
  const exported = await fetch(`${fx.registry.url}/api/v1/questionnaires/${questionnaireId}/export`, {
    headers: { cookie: admin.cookie },
  });
  expect(exported.status).toBe(200);
  const again = await importOverHttp(admin, Buffer.from(await exported.arrayBuffer()), 'household_kobo.xlsx');
  expect(again.status, await again.clone().text()).toBe(200);
  const reimported = (await again.json()) as QuestionnaireBody;
  expect(reimported.questionnaire.id).toBe(questionnaireId);
  expect(reimported.questionnaire.draft).toEqual(imported.questionnaire.draft);
});

it('a clerk types the same paper form with its scanned photo and a repeat: saved with the file, and registered', async () => {
  const clerk = await createEnumerator(fx.registry.url, admin, 'clerk.kobo@e2e.oslrs', 'data_entry_clerk');
  const context = await fx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`${fx.registry.url}/login?next=/clerk`);
  await page.getByLabel('Email').fill(clerk.email);
  await page.getByLabel('Password').fill(clerk.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/clerk');
  const q = (name: string) => page.locator(`[data-question="${name}"]`);
  await q('surname').locator('input').fill('Adewale');
  await q('nin').locator('input').fill(ninFor(8));
  await q('state').locator('input[value="oyo"]').check();
  expect(await q('town').locator('label').allInnerTexts()).toEqual(['Ibadan', 'Ogbomoso']);
  await q('town').locator('input[value="ogbomoso"]').check();
  await q('trade').locator('input[value="tailor"]').check();
  await q('shop_photo')
    .locator('input[type=file]')
    .setInputFiles({ name: 'scan-0007.jpg', mimeType: 'image/jpeg', buffer: await cameraPhoto(page) });
  await q('shop_photo').locator('figcaption').waitFor();
  await page.getByRole('button', { name: 'Add Household member' }).click();
  const member = q('member').locator('fieldset[data-instance]').first();
  await member.getByLabel('Name').fill('Kemi');
  await member.getByLabel('Age').fill('51');
  await page.getByRole('button', { name: /^Save and next/ }).click();
  const recent = page.getByRole('table', { name: /Last 10 saved forms/ });
  await expect
    .poll(() => recent.locator('tbody tr').first().innerText(), { timeout: 30_000 })
    .toMatch(/Adewale[\s\S]*Registered/);
  expect(problems).toEqual([]);
  await context.close();

  const list = (await getJson(fx.registry.url, admin, '/submissions/review?limit=5')) as { items: { id: string }[] };
  const detail = (await getJson(fx.registry.url, admin, `/submissions/${list.items[0]!.id}/review`)) as {
    submission: { answers: Record<string, unknown>; attachments?: { name: string; complete: boolean }[] };
  };
  expect(detail.submission.answers).toMatchObject({ surname: 'Adewale', member: [{ member_name: 'Kemi' }] });
  expect(detail.submission.attachments).toEqual([
    expect.objectContaining({ name: detail.submission.answers.shop_photo, complete: true }),
  ]);
});
