/**
 * Steps several browser tests share: an admin's HTTP client, the emailed links (read from
 * mail_outbox, as a person reads their inbox), and a resident's way through the registration wizard.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, root, type RunningRegistry } from './server.js';

/** A signed-in super admin over HTTP: cookie and CSRF token carried by hand. */
export async function adminClient(base: string) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { cookie, 'x-csrf-token': csrfToken };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${base}/api/v1${path}`, { method, headers, body: payload });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** The newest link to `path` in the emails to `to` (read from mail_outbox, as a person reads their inbox). */
export async function emailedToken(registry: RunningRegistry, to: string, path: string): Promise<string> {
  const db = new pg.Client({ connectionString: registry.databaseUrl });
  await db.connect();
  let link: string | undefined;
  try {
    await expect
      .poll(async () => {
        const { rows } = await db.query<{ body: string }>(
          'select body from mail_outbox where "to" = $1 order by created_at desc',
          [to],
        );
        link = rows.map((r) => new RegExp(`https?://\\S*${path}\\?token=\\S+`).exec(r.body)?.[0]).find(Boolean);
        return link;
      })
      .toBeTruthy();
  } finally {
    await db.end();
  }
  return new URL(link!).searchParams.get('token')!;
}

export async function createAccount(
  registry: RunningRegistry,
  page: Page,
  who: { name: string; email: string; phone: string },
) {
  await page.goto(`${registry.url}/register`);
  await expect.poll(() => page.locator('[aria-current="step"]').innerText()).toMatch(/Account/);
  await page.getByLabel('Full name').fill(who.name);
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Phone number').fill(who.phone);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await page.getByText('Check your email').waitFor();
  // The emailed link, opened in the same tab: the email is confirmed and the password chosen there.
  const token = await emailedToken(registry, who.email, '/register/confirm');
  await page.goto(`${registry.url}/register/confirm?token=${encodeURIComponent(token)}`);
  await page.getByLabel('Password', { exact: true }).fill('a long enough password');
  await page.getByLabel('Confirm password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create account and continue' }).click();
  await page.getByRole('heading', { name: /Consent/ }).waitFor();
  expect(await page.locator('[aria-current="step"]').innerText()).toMatch(/Consent/);
}

export async function giveConsent(page: Page, marketplace: 'Yes' | 'No', enriched?: 'Yes' | 'No') {
  await page.getByLabel('I agree to the registry keeping and using my information as described').check();
  await page
    .getByRole('group', { name: /Be listed in the anonymous skills marketplace/ })
    .getByLabel(marketplace, { exact: true })
    .check();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  if (marketplace === 'Yes') {
    const second = page.getByRole('group', { name: /Also show my name and phone number to registered employers/ });
    await second.waitFor();
    await second.getByLabel(enriched ?? 'No', { exact: true }).check();
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
  }
  await page.getByRole('heading', { name: /Questionnaire/ }).waitFor();
}

/** Everything but the NIN, with the mouse: the public wizard is a normal web form. */
export async function answerQuestionnaire(page: Page, who: { surname: string; firstname: string }) {
  // The consent questions were answered on the consent step and are not asked again.
  expect(await page.getByRole('group', { name: /consent to participate/ }).count()).toBe(0);
  expect(await page.getByRole('group', { name: /Anonymous Skills Marketplace/ }).count()).toBe(0);
  await page.getByLabel('Surname').fill(who.surname);
  await page.getByLabel('First Name').fill(who.firstname);
  await page
    .getByRole('group', { name: /Gender/ })
    .getByLabel('Female', { exact: true })
    .check();
  await page.getByLabel('Date of Birth').fill('1991-04-12');
  await page.getByLabel('Local Government Area (LGA)').selectOption('iseyin');
  await page.getByLabel(/^Main Occupation/).fill('Tailor');
  await page
    .getByRole('group', { name: /Type of Employment/ })
    .getByLabel('Self-Employed (Artisan/Trader/Business Owner)')
    .check();
  await page
    .getByRole('group', { name: /Years of experience/ })
    .getByLabel('4-6 years')
    .check();
  const skills = page.getByRole('group', { name: /Primary Skills/ });
  await skills.getByLabel(/^Filter choices/).fill('Tailor');
  await skills.getByLabel('Tailoring/Sewing').check();
}

/** The registry's short public form (XLSForm), imported, published and made the staff and public form. */
export async function publishPublicCore(call: Awaited<ReturnType<typeof adminClient>>) {
  const file = readFileSync(join(root, 'apps/api/test/fixtures/xlsform/oslsr-public-core-v1.xlsx'));
  const upload = new FormData();
  upload.append('file', new Blob([file]), 'oslsr-public-core-v1.xlsx');
  const imported = await call<{ questionnaire: { id: string } }>('POST', '/questionnaires/import', upload);
  const id = imported.questionnaire.id;
  await call('POST', `/questionnaires/${id}/publish`);
  await call('PUT', '/settings/questionnaires', { staffQuestionnaireId: id, publicQuestionnaireId: id });
  return id;
}
