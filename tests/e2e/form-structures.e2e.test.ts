/**
 * Issue 14, the renderer: a questionnaire with a nested group, a field-list section, a cascading
 * select (choice filter over choice columns), an `or_other` select, a repeat whose count an answer
 * fixes, a repeat the person adds to, and a Yoruba
 * translation, filled in the enumerator's PWA on a 375 px phone — two household members kept of
 * three added, the cascade narrowing, the language switched — then submitted; the API holds the
 * repeat as an array of objects.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { assignStaffForm, createEnumerator, getJson, next, ninFor, signInOverHttp } from './collect-setup.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, artifacts } from './server.js';
import { useRegistry } from './use-registry.js';

const fx = useRegistry();

const YO = 'Yoruba (yo)';

const form = {
  formId: 'household_e2e',
  title: 'Household survey',
  defaultLanguage: 'English (en)',
  languages: ['English (en)', YO],
  sections: [
    {
      name: 'who',
      questions: [
        { name: 'start', type: 'start' },
        { name: 'today', type: 'today' },
        { name: 'collector', type: 'username' },
        {
          name: 'surname',
          type: 'text',
          label: 'Surname of the respondent',
          required: true,
          translations: { [YO]: { label: 'Orúkọ ìdílé olùdáhùn' } },
        },
        { name: 'nin', type: 'nin', label: 'NIN', required: true },
        { name: 'state', type: 'select_one', label: 'State', choiceList: 'states', required: true },
        {
          name: 'town',
          type: 'select_one',
          label: 'Town',
          choiceList: 'towns',
          choiceFilter: 'state=${state}',
          required: true,
        },
      ],
    },
    {
      name: 'work',
      label: 'Work',
      appearance: 'field-list',
      questions: [
        { name: 'trade', type: 'select_one', label: 'Main trade', choiceList: 'trades', orOther: true },
        {
          name: 'trade_other',
          type: 'text',
          label: 'Specify other.',
          relevant: "selected(${trade}, 'other')",
          required: true,
        },
        { name: 'visit_time', type: 'time', label: 'Time of the visit' },
        { name: 'next_visit', type: 'datetime', label: 'Next visit' },
        { name: 'meter', type: 'barcode', label: 'Meter number' },
        { name: 'shop_photo', type: 'image', label: 'Photo of the shop' },
      ],
    },
    {
      name: 'household_section',
      questions: [
        {
          name: 'home',
          type: 'group',
          label: 'Home',
          questions: [
            { name: 'address', type: 'text', label: 'Street address' },
            {
              name: 'contact',
              type: 'group',
              label: 'Contact',
              questions: [{ name: 'alt_phone', type: 'text', label: 'Another phone number' }],
            },
          ],
        },
        { name: 'rooms', type: 'integer', label: 'Number of rooms', required: true },
        {
          name: 'room',
          type: 'repeat',
          label: 'Room',
          repeatCount: '${rooms}',
          questions: [{ name: 'room_use', type: 'text', label: 'What the room is used for' }],
        },
        {
          name: 'member',
          type: 'repeat',
          label: 'Household member',
          questions: [
            { name: 'member_name', type: 'text', label: 'Name', required: true },
            { name: 'member_age', type: 'integer', label: 'Age', constraint: '. >= 0 and . < 130' },
          ],
        },
      ],
    },
  ],
  choiceLists: {
    states: [
      { name: 'oyo', label: 'Oyo' },
      { name: 'lagos', label: 'Lagos' },
    ],
    towns: [
      { name: 'ibadan', label: 'Ibadan', columns: { state: 'oyo' } },
      { name: 'ogbomoso', label: 'Ogbomoso', columns: { state: 'oyo' } },
      { name: 'ikeja', label: 'Ikeja', columns: { state: 'lagos' } },
      { name: 'epe', label: 'Epe', columns: { state: 'lagos' } },
      { name: 'badagry', label: 'Badagry', columns: { state: 'lagos' } },
    ],
    trades: [
      { name: 'tailor', label: 'Tailor', translations: { [YO]: 'Télọ̀' } },
      { name: 'farmer', label: 'Farmer', translations: { [YO]: 'Àgbẹ̀' } },
      { name: 'other', label: 'Other' },
    ],
  },
};

/** The page's own handle on the field store (apps/web/src/offline/tools.ts). */
interface FieldWindow {
  oslrsField: { drafts(): Promise<{ answers: Record<string, unknown> }[]> };
}

/** The newest submission and its answers, as the API stored them (null before one arrives). */
async function latestSubmission(
  admin: Awaited<ReturnType<typeof signInOverHttp>>,
): Promise<{ id: string; answers: Record<string, unknown> } | null> {
  const list = (await getJson(fx.registry.url, admin, '/submissions/review?limit=10')) as { items: { id: string }[] };
  if (list.items.length === 0) return null;
  const id = list.items[0]!.id;
  const detail = (await getJson(fx.registry.url, admin, `/submissions/${id}/review`)) as {
    submission: { answers: Record<string, unknown> };
  };
  return { id, answers: detail.submission.answers };
}

/** The labels of the choices on screen for a question. */
async function choiceLabels(page: Page, name: string): Promise<string[]> {
  return page.locator(`[data-question="${name}"] label`).allInnerTexts();
}

it('fills a form with groups, a field-list, a cascade, or_other, a repeat and a translation at 375 px', async () => {
  const admin = await signInOverHttp(fx.registry.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  const { questionnaireId } = await assignStaffForm(fx.registry.url, admin, form);
  const enumerator = await createEnumerator(fx.registry.url, admin, 'field.structures@e2e.oslrs');

  const context = await fx.browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });

  await page.goto(`${fx.registry.url}/collect`);
  await page.waitForURL(/\/login\?next=/);
  await page.getByLabel('Email').fill(enumerator.email);
  await page.getByLabel('Password').fill(enumerator.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/collect$/);
  await page.getByText('kept on this device for offline use').waitFor();
  await page.getByRole('button', { name: 'Start new survey' }).click();
  await page.waitForURL(/\/collect\/survey\//);

  // The language switch: the label follows it, and the choice is remembered on the device.
  const surname = page.locator('[data-question="surname"] label').first();
  await expect.poll(() => surname.innerText()).toContain('Surname of the respondent');
  await page.getByLabel('Form language').selectOption(YO);
  await expect.poll(() => surname.innerText()).toContain('Orúkọ ìdílé olùdáhùn');
  expect(await page.evaluate(() => localStorage.getItem('oslrs.formLanguage'))).toBe(YO);
  await page.getByLabel('Form language').selectOption('English (en)');
  await expect.poll(() => surname.innerText()).toContain('Surname of the respondent');

  await page.locator('[data-question="surname"] input').fill('Adeyemi');
  await next(page);
  await page.locator('[data-question="nin"] input').fill(ninFor(1));
  await next(page);
  await page.locator('[data-question="state"] input[value="oyo"]').check();
  await next(page);

  // The cascade: only Oyo's towns, then only Lagos's once the state changes (the old answer cleared).
  expect(await choiceLabels(page, 'town')).toEqual(['Ibadan', 'Ogbomoso']);
  await page.locator('[data-question="town"] input[value="ibadan"]').check();
  await page.getByRole('button', { name: 'Back' }).click();
  await page.locator('[data-question="state"] input[value="lagos"]').check();
  await next(page);
  expect(await choiceLabels(page, 'town')).toEqual(['Ikeja', 'Epe', 'Badagry']);
  expect(await page.locator('[data-question="town"] input:checked').count()).toBe(0);
  await page.locator('[data-question="town"] input[value="epe"]').check();
  await next(page);

  // The field-list section: its questions on one screen; "Other" brings its text box onto the same screen.
  await page.locator('[data-question="trade"]').waitFor();
  expect(await page.locator('[data-question="visit_time"] input[type=time]').count()).toBe(1);
  expect(await page.locator('[data-question="trade_other"]').count()).toBe(0);
  await page.locator('[data-question="trade"] input[value="other"]').check();
  await page.locator('[data-question="trade_other"] input').fill('Blacksmith');
  await page.locator('[data-question="visit_time"] input').fill('09:30');
  await page.locator('[data-question="next_visit"] input[type="datetime-local"]').fill('2026-12-10T10:00');
  await page.locator('[data-question="meter"] input').fill('4006381333931');
  // "Scan" only where the browser reads barcodes (not headless Chromium on Linux).
  const detector = await page.evaluate(() => 'BarcodeDetector' in window);
  expect(await page.getByRole('button', { name: 'Scan' }).count()).toBe(detector ? 1 : 0);
  // The photo question offers the camera (its capture and upload are media-offline.e2e.test.ts's).
  expect(await page.locator('[data-question="shop_photo"] input[type=file][accept^="image/"]').count()).toBe(1);
  await page.screenshot({ path: join(artifacts, 'form-structures-field-list.png'), fullPage: true });
  await next(page);

  // The nested group, paged question by question under its labels.
  await page.locator('[data-question="address"] input').fill('12 Ring Road');
  await next(page);
  await page.getByText('Home › Contact').waitFor();
  await page.locator('[data-question="alt_phone"] input').fill('08030000000');
  await next(page);

  // A repeat whose count an answer fixes: that many instances, none added or removed by hand.
  await page.locator('[data-question="rooms"] input').fill('2');
  await next(page);
  const rooms = page.locator('[data-question="room"] fieldset[data-instance]');
  expect(await rooms.count()).toBe(2);
  expect(await page.getByRole('button', { name: /Add|Remove/ }).count()).toBe(0);
  await rooms.nth(0).getByLabel('What the room is used for').fill('Sleeping');
  await rooms.nth(1).getByLabel('What the room is used for').fill('Shop');
  await next(page);

  // The repeat: three members added, the second removed; the two left are kept through a reload.
  const members = page.locator('[data-question="member"] fieldset[data-instance]');
  await page.getByRole('button', { name: 'Add Household member' }).click();
  const fillMember = async (n: number, name: string, age: string) => {
    const instance = members.nth(n - 1);
    await instance.getByLabel('Name').fill(name);
    await instance.getByLabel('Age').fill(age);
  };
  await fillMember(1, 'Ade', '40');
  await page.getByRole('button', { name: 'Add another Household member' }).click();
  await fillMember(2, 'Bola', '12');
  await page.getByRole('button', { name: 'Add another Household member' }).click();
  await fillMember(3, 'Chidi', '7');
  expect(await members.count()).toBe(3);
  await page.getByRole('button', { name: 'Remove Household member 2' }).click();
  expect(await members.count()).toBe(2);
  await page.screenshot({ path: join(artifacts, 'form-structures-repeat.png'), fullPage: true });
  // The draft on the device (IndexedDB) holds the two instances before the reload.
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const drafts = await (window as unknown as FieldWindow).oslrsField.drafts();
        return drafts[0]?.answers.member;
      }),
    )
    .toEqual([
      { member_name: 'Ade', member_age: 40 },
      { member_name: 'Chidi', member_age: 7 },
    ]);
  await page.reload();
  await members.first().waitFor();
  expect(await members.count()).toBe(2);
  expect(await members.nth(1).getByLabel('Name').inputValue()).toBe('Chidi');

  // A member without a name holds the form back, with the error at that instance.
  await page.getByRole('button', { name: 'Add another Household member' }).click();
  await page.getByRole('button', { name: /^(Next|Review answers)$/ }).click();
  await members.nth(2).getByText('An answer is required').waitFor();
  await page.getByRole('button', { name: 'Remove Household member 3' }).click();
  await next(page);

  // The review lists the members as instances; submit.
  await page.getByRole('heading', { name: 'Check the answers' }).waitFor();
  const listed = page.getByRole('list', { name: 'Household member' });
  expect(await listed.locator(':scope > li').count()).toBe(2);
  expect(await page.getByText('Blacksmith').count()).toBe(1);
  await page.screenshot({ path: join(artifacts, 'form-structures-review.png'), fullPage: true });
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await page.waitForURL(/\/collect$/);

  // Stored as sent: the repeat an array of objects, the group children flat beside the others.
  let stored: { id: string; answers: Record<string, unknown> } | null = null;
  await expect
    .poll(async () => (stored = await latestSubmission(admin)), {
      timeout: 30_000,
      message: 'the submission reached the API',
    })
    .not.toBeNull();
  const submission = stored as unknown as { id: string; answers: Record<string, unknown> };
  expect(submission.answers).toMatchObject({
    surname: 'Adeyemi',
    state: 'lagos',
    town: 'epe',
    trade: 'other',
    trade_other: 'Blacksmith',
    address: '12 Ring Road',
    alt_phone: '08030000000',
    visit_time: '09:30',
    next_visit: '2026-12-10T10:00',
    meter: '4006381333931',
    rooms: 2,
    room: [{ room_use: 'Sleeping' }, { room_use: 'Shop' }],
    member: [
      { member_name: 'Ade', member_age: 40 },
      { member_name: 'Chidi', member_age: 7 },
    ],
  });
  expect(problems).toEqual([]);
  await context.close();

  // The builder and its whole-form preview (as the clerk page shows forms) take the new types too.
  const staff = await fx.browser.newContext({ viewport: { width: 375, height: 812 } });
  const adminPage = await staff.newPage();
  adminPage.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await adminPage.goto(`${fx.registry.url}/login`);
  await adminPage.getByLabel('Email').fill(ADMIN_EMAIL);
  await adminPage.getByLabel('Password').fill(ADMIN_PASSWORD);
  await adminPage.getByRole('button', { name: 'Sign in' }).click();
  await adminPage.waitForURL((u) => !u.pathname.startsWith('/login'));
  await adminPage.goto(`${fx.registry.url}/admin/questionnaires/${questionnaireId}`);
  await adminPage.getByText('2 questions inside (kept as imported)').first().waitFor();
  await adminPage.goto(`${fx.registry.url}/admin/questionnaires/${questionnaireId}/preview`);
  await adminPage.getByLabel('Show').selectOption('full');
  await adminPage.getByRole('button', { name: 'Add Household member' }).click();
  await adminPage.getByRole('button', { name: 'Add another Household member' }).click();
  expect(await adminPage.locator('[data-question="member"] fieldset[data-instance]').count()).toBe(2);
  await adminPage.getByRole('group', { name: 'Contact' }).waitFor();
  await adminPage.getByLabel('Form language').selectOption(YO);
  await adminPage.getByText('Orúkọ ìdílé olùdáhùn').waitFor();
  await adminPage.screenshot({ path: join(artifacts, 'form-structures-preview.png'), fullPage: true });

  // The staff review page lists the repeat as its instances.
  await adminPage.goto(`${fx.registry.url}/review/${submission.id}`);
  const reviewed = adminPage.getByRole('list', { name: 'member' });
  await reviewed.waitFor();
  expect(await reviewed.locator(':scope > li').count()).toBe(2);
  await adminPage.screenshot({ path: join(artifacts, 'form-structures-staff-review.png'), fullPage: true });
  await staff.close();
  expect(problems).toEqual([]);
});
