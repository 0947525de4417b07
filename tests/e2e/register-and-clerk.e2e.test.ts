/**
 * The public registration wizard and the clerk's keyboard-only entry page, against the built
 * registry with the public core questionnaire as both the staff and the public form:
 * (a) a resident registers (account → consent yes/yes → questionnaire → review → done);
 * (b) a second resident defers their NIN, gets the emailed link (read from mail_outbox) and
 *     completes the NIN on /register/complete-nin;
 * (c) a clerk types two paper forms with the keyboard only; the first, registered, shows its reference
 *     and a "Print slip" link that answers its PDF; the second repeats the first resident's NIN and is
 *     rejected as NIN_DUPLICATE with the date of the first registration (no slip link).
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { isValidCode } from '@oslrs/core';
import { readPdf } from '../../apps/api/test/pdf.js';
import { artifacts, launchBrowser, startRegistry, type RunningRegistry } from './server.js';
import { adminClient, answerQuestionnaire, createAccount, giveConsent, publishPublicCore } from './resident-flows.js';

let registry: RunningRegistry;
let browser: Browser;
const contexts: BrowserContext[] = [];

const FIRST_NIN = '20481357902';
const LATER_NIN = '31592468013';
const CLERK_EMAIL = 'clerk.entry@e2e.oslrs';
const CLERK_PASSWORD = 'paper forms all day long';

beforeAll(async () => {
  [registry, browser] = await Promise.all([startRegistry(), launchBrowser()]);
  await setUp(registry.url);
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await registry?.stop();
});

async function setUp(base: string) {
  const call = await adminClient(base);
  await publishPublicCore(call);

  const invited = await call<{ activationUrl: string }>('POST', '/staff', {
    fullName: 'Clara Clerk',
    email: CLERK_EMAIL,
    phone: '08035550199',
    role: 'data_entry_clerk',
    lga: null,
  });
  const token = new URL(invited.activationUrl).searchParams.get('token');
  const activated = await fetch(`${base}/api/v1/auth/activate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password: CLERK_PASSWORD }),
  });
  expect(activated.status).toBe(200);
}

async function newPage(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return { page, problems };
}

it('registers a resident through the wizard, defers a NIN and completes it by the emailed link, and takes two paper forms by keyboard', async () => {
  // ---------- (a) a resident registers ----------
  {
    const { page, problems } = await newPage();
    await createAccount(registry, page, { name: 'Funke Adebayo', email: 'funke@e2e.oslrs', phone: '0803 123 0001' });
    await page.screenshot({ path: join(artifacts, 'register-consent.png'), fullPage: true });
    await giveConsent(page, 'Yes', 'Yes');
    // The account's email and phone are filled in already.
    expect(await page.getByLabel(/^Phone Number/).inputValue()).toBe('08031230001');
    expect(await page.getByLabel(/^Email address/).inputValue()).toBe('funke@e2e.oslrs');
    await answerQuestionnaire(page, { surname: 'Adebayo', firstname: 'Funke' });

    // The NIN pre-check: a malformed NIN, then a free one.
    const nin = page.getByLabel('National Identity Number (NIN)');
    await nin.fill('11111111111');
    await page.getByRole('button', { name: 'Check NIN' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: /NIN/ }).first().innerText())
      .toMatch(/Not a valid NIN/);
    await nin.fill(FIRST_NIN);
    await page.getByRole('button', { name: 'Check NIN' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: /NIN/ }).first().innerText())
      .toMatch(/not registered yet/);
    await page.screenshot({ path: join(artifacts, 'register-questionnaire.png'), fullPage: true });
    await page.getByRole('button', { name: 'Continue to review' }).click();

    // Review, with "Change" links back; one of them is used and the review is reached again.
    await page.getByRole('heading', { name: /Review/ }).waitFor();
    await page.getByRole('button', { name: 'Submit registration' }).waitFor();
    const review = await page.locator('main').innerText();
    expect(review).toContain('Adebayo');
    expect(review).toContain('Iseyin');
    expect(review).toContain('Tailoring/Sewing');
    expect(review).toContain(FIRST_NIN);
    await page.getByRole('button', { name: 'Change First Name' }).click();
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name))
      .toBe('firstname');
    await page.getByLabel('First Name').fill('Funmilayo');
    await page.getByRole('button', { name: 'Continue to review' }).click();
    await page.getByRole('heading', { name: /Review/ }).waitFor();
    await page.getByRole('button', { name: 'Submit registration' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('Funmilayo');
    await page.screenshot({ path: join(artifacts, 'register-review.png'), fullPage: true });

    // A reload keeps the step and the answers.
    await page.reload();
    await page.getByRole('heading', { name: /Review/ }).waitFor();
    await page.getByText('Funmilayo').waitFor();

    await page.getByRole('button', { name: 'Submit registration' }).click();
    await page.getByText('You are registered').waitFor({ timeout: 30_000 });
    expect(await page.locator('[aria-current="step"]').innerText()).toMatch(/Done/);
    await page.screenshot({ path: join(artifacts, 'register-done.png'), fullPage: true });
    expect(problems).toEqual([]);
  }

  // ---------- (b) a resident without their NIN at hand ----------
  {
    const { page, problems } = await newPage();
    await createAccount(registry, page, { name: 'Tunde Okafor', email: 'tunde@e2e.oslrs', phone: '08031230002' });
    await giveConsent(page, 'No');
    await answerQuestionnaire(page, { surname: 'Okafor', firstname: 'Tunde' });
    await page.getByLabel(/have my NIN with me/).check();
    expect(await page.getByLabel('National Identity Number (NIN)').count()).toBe(0);
    await page.getByRole('button', { name: 'Continue to review' }).click();
    await page.getByRole('heading', { name: /Review/ }).waitFor();
    // The review step's own chunk may still be arriving: read it once its button is there.
    await page.getByRole('button', { name: 'Submit registration' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('To be added later');
    await page.getByRole('button', { name: 'Submit registration' }).click();
    await page.getByText('You are registered').waitFor({ timeout: 30_000 });
    await page.getByText(/We.ve emailed you a link to add your NIN later/).waitFor();
    await page.screenshot({ path: join(artifacts, 'register-deferred-done.png'), fullPage: true });

    const db = new pg.Client({ connectionString: registry.databaseUrl });
    await db.connect();
    let link: string | undefined;
    try {
      await expect
        .poll(async () => {
          const { rows } = await db.query<{ body: string }>('select body from mail_outbox where "to" = $1', [
            'tunde@e2e.oslrs',
          ]);
          link = rows.map((r) => /https?:\/\/\S*\/register\/complete-nin\?token=\S+/.exec(r.body)?.[0]).find(Boolean);
          return link;
        })
        .toBeTruthy();
    } finally {
      await db.end();
    }
    const token = new URL(link!).searchParams.get('token')!;
    await page.goto(`${registry.url}/register/complete-nin?token=${encodeURIComponent(token)}`);
    await page.getByLabel('National Identity Number (NIN)').fill(LATER_NIN);
    await page.getByRole('button', { name: 'Add my NIN' }).click();
    await page.getByText('Your NIN has been added. Your registration is complete.').waitFor();
    await page.screenshot({ path: join(artifacts, 'register-complete-nin.png'), fullPage: true });

    // The link works once.
    await page.goto(`${registry.url}/register/complete-nin?token=${encodeURIComponent(token)}`);
    await page.getByLabel('National Identity Number (NIN)').fill('42603579124');
    await page.getByRole('button', { name: 'Add my NIN' }).click();
    await page.getByText('This link is not valid').waitFor();
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  }

  // ---------- (c) a clerk types two paper forms, keyboard only ----------
  {
    const { page, problems } = await newPage();
    const kb = page.keyboard;
    await page.goto(`${registry.url}/login?next=/clerk`);
    await page.getByLabel('Email').fill(CLERK_EMAIL);
    await page.getByLabel('Password').fill(CLERK_PASSWORD);
    await kb.press('Enter');
    await page.waitForURL('**/clerk');
    const counter = page.getByRole('status').filter({ hasText: 'Forms entered this session' });
    await expect.poll(() => counter.innerText()).toBe('Forms entered this session: 0');

    const active = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el?.closest<HTMLElement>('[data-question]')?.dataset.question ?? el?.textContent?.trim() ?? null;
      });
    await expect.poll(active).toBe('consent_basic');

    // Saving an empty form: the engine's errors show inline and the focus goes to the first one.
    await kb.press('Tab');
    await kb.press('Tab');
    await expect.poll(active).not.toBe('consent_basic');
    await kb.press('Control+Enter');
    await page.getByText('An answer is required').first().waitFor();
    await expect.poll(active).toBe('consent_basic');
    expect(await counter.innerText()).toBe('Forms entered this session: 0');

    async function typeForm(p: { surname: string; firstname: string; phone: string; nin: string }) {
      await expect.poll(active).toBe('consent_basic');
      await kb.press('Space'); // Yes
      await kb.press('Enter');
      await expect.poll(active).toBe('surname');
      await kb.type(p.surname);
      await kb.press('Enter'); // to the next field, not a submit
      await expect.poll(active).toBe('firstname');
      await kb.type(p.firstname);
      await kb.press('Tab');
      await expect.poll(active).toBe('gender');
      await kb.press('Space'); // Male
      await kb.press('Enter');
      await expect.poll(active).toBe('dob');
      await kb.type('03151990'); // mm dd yyyy
      await kb.press('Enter');
      await expect.poll(active).toBe('phone_number');
      await kb.type(p.phone);
      await kb.press('Enter');
      await kb.press('Enter'); // email: none on this paper form
      await expect.poll(active).toBe('nin');
      await kb.type(p.nin);
      await kb.press('Enter');
      await expect.poll(active).toBe('lga_id');
      await kb.type('Iseyin');
      await kb.press('Enter');
      await expect.poll(active).toBe('main_occupation');
      await kb.type('Welder');
      await kb.press('Enter');
      await kb.press('Space'); // employment type: the first choice
      await kb.press('Enter');
      await kb.press('ArrowDown'); // years of experience: the second choice
      await kb.press('Enter');
      await expect.poll(active).toBe('skills_possessed');
      await kb.type('Weld'); // the filter box
      await kb.press('Tab');
      await kb.press('Space');
      await kb.press('Enter');
      await expect.poll(active).toBe('skills_other');
      await kb.press('Enter');
      await kb.press('Space'); // marketplace: yes
      await kb.press('Enter');
      await expect.poll(active).toBe('consent_enriched');
      await kb.press('ArrowDown'); // contact details: no
      await kb.press('Enter');
      await expect.poll(active).toBe('Save and next (Ctrl+Enter)');
    }

    await typeForm({ surname: 'Balogun', firstname: 'Sade', phone: '08031239991', nin: '53714826093' });
    await kb.press('Control+Enter');
    // A blank form at once, the focus in its first field.
    await expect.poll(active).toBe('consent_basic');
    await expect.poll(() => counter.innerText(), { timeout: 15_000 }).toBe('Forms entered this session: 1');
    const recent = page.getByRole('table', { name: /Last 10 saved forms/ });
    await expect.poll(() => recent.locator('tbody tr').first().innerText(), { timeout: 30_000 }).toMatch(/Registered/);

    // The registered form's reference beside its status, and its slip to print for the person: the
    // link answers the registration's PDF (with the clerk's session, as the browser opens it).
    const firstRow = recent.locator('tbody tr').first();
    const slipLink = firstRow.getByRole('link', { name: 'Print slip for Balogun Sade' });
    await slipLink.waitFor();
    expect(await slipLink.getAttribute('target')).toBe('_blank');
    const reference = (await firstRow.getByTestId('recent-reference').innerText()).replace(/^Reference /, '');
    expect(isValidCode('registration', reference)).toBe(true);
    const slip = await page.request.get(new URL((await slipLink.getAttribute('href'))!, registry.url).toString());
    expect(slip.status()).toBe(200);
    expect(slip.headers()['content-type']).toBe('application/pdf');
    const pdf = readPdf(await slip.body());
    expect(pdf.text).toContain(reference);
    expect(pdf.text).toContain('Sade Balogun');

    // The second paper form repeats the first resident's NIN: the check warns, the registry rejects it.
    await typeForm({ surname: 'Adebayo', firstname: 'Funke', phone: '08031239992', nin: FIRST_NIN });
    const ninStatus = page.getByRole('status').filter({ hasText: /already registered/ });
    await expect
      .poll(() => ninStatus.first().innerText(), { timeout: 10_000 })
      .toMatch(/already registered \(on \d{1,2} \w{3} \d{4} through online self-registration\)/);
    await page.screenshot({ path: join(artifacts, 'clerk-second-form.png'), fullPage: true });
    await kb.press('Control+Enter');
    await expect.poll(active).toBe('consent_basic');
    await expect.poll(() => counter.innerText(), { timeout: 15_000 }).toBe('Forms entered this session: 2');
    await expect
      .poll(() => recent.locator('tbody tr').first().innerText(), { timeout: 30_000 })
      .toMatch(/Rejected: NIN already registered on \d{1,2} \w{3} \d{4} through online self-registration/);
    expect(await recent.locator('tbody tr').nth(1).innerText()).toMatch(/Balogun Sade[\s\S]*Registered/);
    // A rejected form offers no slip; the registered one still does.
    expect(
      await recent
        .locator('tbody tr')
        .first()
        .getByRole('link', { name: /Print slip/ })
        .count(),
    ).toBe(0);
    expect(
      await recent
        .locator('tbody tr')
        .nth(1)
        .getByRole('link', { name: /Print slip/ })
        .count(),
    ).toBe(1);
    await page.screenshot({ path: join(artifacts, 'clerk-two-forms.png'), fullPage: true });
    expect(problems).toEqual([]);
  }
});
