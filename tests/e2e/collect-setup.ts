/**
 * Shared by the enumerator browser test and the PWA sync benchmark: the registry's side of field
 * work set up over HTTP (public core questionnaire imported, published and assigned to field staff;
 * an enumerator invited and activated), plus answers that satisfy that questionnaire.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

const root = join(import.meta.dirname, '../..');

export interface HttpSession {
  cookie: string;
  csrfToken: string;
}

async function expectStatus(res: Response, status: number, what: string): Promise<unknown> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function signInOverHttp(url: string, email: string, password: string): Promise<HttpSession> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
  const { csrfToken } = (await expectStatus(res, 200, 'sign in')) as { csrfToken: string };
  return { cookie, csrfToken };
}

function headers(session: HttpSession, json = true): Record<string, string> {
  return {
    cookie: session.cookie,
    'x-csrf-token': session.csrfToken,
    ...(json ? { 'content-type': 'application/json' } : {}),
  };
}

/** Imports oslsr-public-core-v1.xlsx, publishes it and makes it the staff questionnaire. */
export async function assignPublicCoreForm(url: string, admin: HttpSession): Promise<{ questionnaireId: string }> {
  const file = readFileSync(join(root, 'apps/api/test/fixtures/xlsform/oslsr-public-core-v1.xlsx'));
  const body = new FormData();
  body.append('file', new Blob([file]), 'oslsr-public-core-v1.xlsx');
  const imported = (await expectStatus(
    await fetch(`${url}/api/v1/questionnaires/import`, { method: 'POST', headers: headers(admin, false), body }),
    201,
    'import',
  )) as { questionnaire: { id: string } };
  const questionnaireId = imported.questionnaire.id;
  await publishForStaff(url, admin, questionnaireId);
  return { questionnaireId };
}

/** Creates a questionnaire from its JSON form (POST /questionnaires), publishes it and makes it the staff questionnaire. */
export async function assignStaffForm(
  url: string,
  admin: HttpSession,
  form: unknown,
): Promise<{ questionnaireId: string }> {
  const created = (await expectStatus(
    await fetch(`${url}/api/v1/questionnaires`, {
      method: 'POST',
      headers: headers(admin),
      body: JSON.stringify({ form }),
    }),
    201,
    'create',
  )) as { questionnaire: { id: string } };
  const questionnaireId = created.questionnaire.id;
  await publishForStaff(url, admin, questionnaireId);
  return { questionnaireId };
}

/** Publishes a questionnaire's draft and makes it the one field staff collect with. */
export async function publishForStaff(url: string, admin: HttpSession, questionnaireId: string): Promise<void> {
  await expectStatus(
    await fetch(`${url}/api/v1/questionnaires/${questionnaireId}/publish`, {
      method: 'POST',
      headers: headers(admin, false),
    }),
    201,
    'publish',
  );
  const current = (await expectStatus(
    await fetch(`${url}/api/v1/settings/questionnaires`, { headers: headers(admin) }),
    200,
    'settings',
  )) as { settings: { staffQuestionnaireId: string | null; publicQuestionnaireId: string | null } };
  await expectStatus(
    await fetch(`${url}/api/v1/settings/questionnaires`, {
      method: 'PUT',
      headers: headers(admin),
      body: JSON.stringify({ ...current.settings, staffQuestionnaireId: questionnaireId }),
    }),
    200,
    'assign',
  );
}

/** Invites an enumerator and activates the account with the link's token. */
export async function createEnumerator(
  url: string,
  admin: HttpSession,
  email: string,
  role: 'enumerator' | 'data_entry_clerk' = 'enumerator',
): Promise<{ email: string; password: string }> {
  const password = 'field work offline 2025';
  const invited = (await expectStatus(
    await fetch(`${url}/api/v1/staff`, {
      method: 'POST',
      headers: headers(admin),
      body: JSON.stringify({
        fullName: 'Adebayo Field',
        email,
        phone: '08031112222',
        role,
        lga: 'ibadan_north',
      }),
    }),
    201,
    'invite',
  )) as { activationUrl: string };
  const token = new URL(invited.activationUrl).searchParams.get('token');
  await expectStatus(
    await fetch(`${url}/api/v1/auth/activate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password }),
    }),
    200,
    'activate',
  );
  return { email, password };
}

/** A well-formed NIN, different for each `n` (never one digit repeated). */
export function ninFor(n: number, salt = Date.now() % 100_000): string {
  return `7${String(salt).padStart(5, '0')}${String(n).padStart(5, '0')}`;
}

const SURNAMES = ['Adeyemi', 'Okafor', 'Balogun', 'Ibrahim', 'Olawale', 'Eze', 'Akinola', 'Bello'];
const FIRSTNAMES = ['Tunde', 'Ngozi', 'Kemi', 'Musa', 'Funmi', 'Chidi', 'Bisi', 'Sade'];

/** Answers to the public core questionnaire for an adult respondent, keyed by question name. */
export function respondentAnswers(n: number, salt?: number): Record<string, string | string[]> {
  return {
    consent_basic: 'yes',
    surname: SURNAMES[n % SURNAMES.length]!,
    firstname: FIRSTNAMES[n % FIRSTNAMES.length]!,
    gender: n % 2 ? 'female' : 'male',
    dob: `19${80 + (n % 15)}-0${1 + (n % 9)}-1${n % 10}`,
    phone_number: `0803${String(1_000_000 + n).slice(-7)}`,
    nin: ninFor(n, salt),
    lga_id: 'ibadan_north',
    main_occupation: 'Tailor',
    employment_type: 'self_employed',
    years_experience: '4_6',
    skills_possessed: ['carpentry', 'welding'],
    consent_marketplace: 'yes',
    consent_enriched: 'no',
  };
}

/** The question on screen (paged renderer), or null on the review screen. */
export async function currentQuestion(page: Page): Promise<string | null> {
  const wrap = page.locator('[data-question]').first();
  if ((await wrap.count()) === 0) return null;
  return wrap.getAttribute('data-question');
}

/** Answers the question on screen from `answers` (by its control type); notes and unknown names are left. */
export async function answerCurrent(page: Page, answers: Record<string, string | string[]>): Promise<void> {
  const name = await currentQuestion(page);
  if (!name || !(name in answers)) return;
  const value = answers[name]!;
  const wrap = page.locator(`[data-question="${name}"]`);
  if ((await wrap.locator('input[type=radio]').count()) > 0) {
    await wrap.locator(`input[type=radio][value="${value as string}"]`).check();
  } else if ((await wrap.locator('input[type=checkbox]').count()) > 0) {
    for (const v of value as string[]) await wrap.locator(`input[type=checkbox][value="${v}"]`).check();
  } else if ((await wrap.locator('select').count()) > 0) {
    await wrap.locator('select').selectOption(value as string);
  } else {
    await wrap
      .locator('input, textarea')
      .first()
      .fill(value as string);
  }
}

/** Presses Next (or "Review answers") and waits for the next screen. */
export async function next(page: Page): Promise<void> {
  const before = await currentQuestion(page);
  await page.getByRole('button', { name: /^(Next|Review answers)$/ }).click();
  await page.waitForFunction(
    (prev) => {
      const shown = document.querySelector('[data-question]')?.getAttribute('data-question') ?? null;
      return shown !== prev || document.getElementById('review-heading') !== null;
    },
    before,
    { timeout: 5_000 },
  );
}

/** Answers every screen until the review, then submits; ends back on /collect. */
export async function completeSurvey(page: Page, answers: Record<string, string | string[]>): Promise<void> {
  for (let step = 0; step < 60; step++) {
    if ((await page.locator('#review-heading').count()) > 0) break;
    await answerCurrent(page, answers);
    await next(page);
  }
  await page.getByRole('heading', { name: 'Check the answers' }).waitFor();
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await page.waitForURL(/\/collect$/);
}

/** GET an API path as a signed-in session, expecting 200. */
export async function getJson(url: string, session: HttpSession, path: string): Promise<unknown> {
  return expectStatus(await fetch(`${url}/api/v1${path}`, { headers: headers(session) }), 200, `GET ${path}`);
}

/**
 * Signs in on the PWA through /collect (the guard sends it to the sign-in page and back) and waits
 * until the app is kept for offline use: the questionnaire stored, the service worker in control.
 */
export async function signInToCollect(page: Page, url: string, who: { email: string; password: string }) {
  await page.goto(`${url}/collect`);
  await page.waitForURL(/\/login\?next=/);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/collect$/);
  await page.getByText('kept on this device for offline use').waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
}

/**
 * Waits until a request through the page's service worker (a questionnaire read, which the worker
 * fetches itself) gets an answer from the registry, whatever its status; without a worker in
 * control the request goes straight to the network, and the wait is the same.
 */
export async function untilServiceWorkerReaches(page: Page): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const answered = await page
      .evaluate(() =>
        fetch(`/api/v1/forms?online-check=${Date.now()}`, { cache: 'no-store' }).then(
          () => true,
          () => false,
        ),
      )
      .catch(() => false); // a navigation in between: ask again
    if (answered) return;
    await page.waitForTimeout(100);
  }
  throw new Error('the network did not come back for the service worker within 15 s');
}

/**
 * An enumerator's phone: a small screen with a GPS fix, signed in on /collect. `problems` collects
 * the page's errors, except those that being offline (or signed out) causes by design.
 */
export async function openCollect(
  browser: Browser,
  url: string,
  who: { email: string; password: string },
  viewport = { width: 390, height: 844 },
) {
  const context = await browser.newContext({
    viewport,
    geolocation: { latitude: 7.3775, longitude: 3.947, accuracy: 12 },
    permissions: ['geolocation'],
  });
  const page = await context.newPage();
  let offline = false;
  const problems: string[] = [];
  // Requests made while the network is (going) away fail by design, even when the failure is told
  // after it is back (the app's own retry when the `online` event fires races the network's return).
  const startedOffline = new Set<string>();
  page.on('request', (r) => {
    if (offline) startedOffline.add(r.url());
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Signed-out checks are 401s by design; while offline, requests fail by design.
    if (/status of 401/.test(m.text())) return;
    const network = /ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR/.test(m.text());
    if (network && (offline || startedOffline.has(m.location().url))) return;
    problems.push(`console: ${m.text()} at ${m.location().url}`);
  });
  await signInToCollect(page, url, who);
  return {
    context,
    page,
    problems,
    /**
     * Errors count as offline ones from just before the network goes until it is back for the
     * service worker too: the page hears `online` (and the app refetches through the worker) a few
     * milliseconds before the worker's own fetches work again, and that refetch's failure can reach
     * this process after `context.setOffline(false)` has returned.
     */
    async setOffline(value: boolean) {
      if (value) offline = true;
      await context.setOffline(value);
      if (!value) {
        await untilServiceWorkerReaches(page);
        offline = false;
      }
    },
  };
}
