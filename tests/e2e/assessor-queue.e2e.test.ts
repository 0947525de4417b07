/**
 * An assessor works the verification queue (issue 10 item 7): two surveys are flagged (a speed-run,
 * with the medium band lowered so it counts), one is clean. The assessor signs in, opens the queue,
 * opens a flagged record and verifies it, opens the other and rejects it with a reason; each record's
 * status shows, the queue empties of them, and the API agrees. Also at phone width (375 px): no
 * sideways overflow on the queue and the record.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  assignPublicCoreForm,
  createEnumerator,
  respondentAnswers,
  signInOverHttp,
  type HttpSession,
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
/** Set up by the first test: the questionnaire version and the enumerator's session. */
let versionId: string;
let field: HttpSession;

beforeAll(async () => {
  [registry, browser] = await Promise.all([startRegistry(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await registry?.stop();
});

const json = (s: HttpSession) => ({
  cookie: s.cookie,
  'x-csrf-token': s.csrfToken,
  'content-type': 'application/json',
});

async function ok(res: Response, status: number, what: string) {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Invite a verification assessor and activate the account. */
async function createAssessor(url: string, admin: HttpSession) {
  const email = `assessor.${Date.now()}@e2e.oslrs`;
  const password = 'checking records 2025';
  const invited = await ok(
    await fetch(`${url}/api/v1/staff`, {
      method: 'POST',
      headers: json(admin),
      body: JSON.stringify({ fullName: 'Amina Assessor', email, phone: '08035550000', role: 'verification_assessor' }),
    }),
    201,
    'invite assessor',
  );
  const token = new URL(invited.activationUrl).searchParams.get('token');
  await ok(
    await fetch(`${url}/api/v1/auth/activate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password }),
    }),
    200,
    'activate assessor',
  );
  return { email, password };
}

async function noSidewaysScroll(page: Page, what: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, what).toBeLessThanOrEqual(0);
}

it('an assessor verifies one flagged record and rejects another with a reason', async () => {
  const { url } = registry;
  const admin = await signInOverHttp(url, ADMIN_EMAIL, ADMIN_PASSWORD);
  const { questionnaireId } = await assignPublicCoreForm(url, admin);
  // A speed-run alone (25 points) reaches the medium band here.
  const settings = await ok(await fetch(`${url}/api/v1/settings/fraud`, { headers: json(admin) }), 200, 'settings');
  await ok(
    await fetch(`${url}/api/v1/settings/fraud`, {
      method: 'PUT',
      headers: json(admin),
      body: JSON.stringify({ ...settings.thresholds, bands: { low: 10, medium: 25, high: 90, critical: 95 } }),
    }),
    200,
    'lower the bands',
  );
  const schema = await ok(await fetch(`${url}/api/v1/forms/${questionnaireId}/schema`), 200, 'schema');
  const enumerator = await createEnumerator(url, admin, `enum.${Date.now()}@e2e.oslrs`);
  field = await signInOverHttp(url, enumerator.email, enumerator.password);
  versionId = schema.versionId;

  // Daytime yesterday (no off-hours points); the flagged two take 20 s, the clean one 12 minutes.
  const y = new Date(Date.now() - 86_400_000);
  const at = (h: number) => new Date(Date.UTC(y.getUTCFullYear(), y.getUTCMonth(), y.getUTCDate(), h, 0));
  const salt = Date.now() % 100_000;
  const surveys = [
    { n: 1, durationS: 20, done: at(10) },
    { n: 2, durationS: 20, done: at(11) },
    { n: 3, durationS: 720, done: at(12) },
  ];
  for (const s of surveys) {
    await ok(
      await fetch(`${url}/api/v1/submissions`, {
        method: 'POST',
        headers: json(field),
        body: JSON.stringify({
          id: randomUUID(),
          questionnaireVersionId: schema.versionId,
          answers: respondentAnswers(s.n, salt),
          startedAt: new Date(s.done.getTime() - s.durationS * 1000).toISOString(),
          completedAt: s.done.toISOString(),
        }),
      }),
      202,
      `submit ${s.n}`,
    );
  }
  // Wait for ingestion: the queue (as the admin) holds the two flagged records.
  const names = [1, 2].map((n) => {
    const a = respondentAnswers(n, salt);
    return `${a.firstname} ${a.surname}`;
  });
  await expect
    .poll(
      async () => {
        const q = await ok(await fetch(`${url}/api/v1/verification/queue`, { headers: json(admin) }), 200, 'queue');
        return (q.items as { reason: string; firstname: string; surname: string }[]).filter(
          (i) => i.reason === 'flagged' && names.includes(`${i.firstname} ${i.surname}`),
        ).length;
      },
      { timeout: 30_000, interval: 250 },
    )
    .toBe(2);

  const assessor = await createAssessor(url, admin);
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });

  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(assessor.email);
  await page.getByLabel('Password').fill(assessor.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // An assessor lands on the queue; the main navigation leads back to it.
  await page.waitForURL('**/verification');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Verification' }).waitFor();
  await page.getByRole('heading', { level: 1, name: 'Verification queue' }).waitFor();
  const waiting = page.getByRole('list', { name: 'Waiting records' });
  for (const name of names) await waiting.getByRole('link', { name }).waitFor();
  expect(await waiting.getByText('flagged').count()).toBeGreaterThanOrEqual(2);
  await noSidewaysScroll(page, 'queue at 375 px');
  await page.screenshot({ path: join(artifacts, 'assessor-queue.png'), fullPage: true });

  // The first: open, look at the flag, verify.
  await waiting.getByRole('link', { name: names[0] }).click();
  await page.getByRole('heading', { level: 1, name: names[0] }).waitFor();
  await page.getByText('Fraud: medium').first().waitFor();
  await noSidewaysScroll(page, 'record at 375 px');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect.poll(() => page.getByTestId('respondent-status').first().innerText()).toBe('Verified');
  await page.getByTestId('verification-summary').waitFor();
  expect(await page.getByRole('button', { name: 'Verify' }).count()).toBe(0);

  // Back to the queue: the first is gone; the second is rejected with a reason (required).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Verification' }).click();
  await page.getByRole('heading', { level: 1, name: 'Verification queue' }).waitFor();
  await waiting.getByRole('link', { name: names[1] }).waitFor();
  await expect.poll(() => waiting.getByRole('link', { name: names[0] }).count()).toBe(0);
  await waiting.getByRole('link', { name: names[1] }).click();
  await page.getByRole('heading', { level: 1, name: names[1] }).waitFor();
  await page.getByRole('button', { name: 'Reject' }).click();
  await page.getByText('Give a reason to reject this record').waitFor();
  expect(await page.getByTestId('respondent-status').first().innerText()).not.toBe('Rejected');
  await page
    .getByLabel('Reason (required to reject)')
    .fill('The phone number does not answer; the address does not exist.');
  await page.getByRole('button', { name: 'Reject' }).click();
  await expect.poll(() => page.getByTestId('respondent-status').first().innerText()).toBe('Rejected');
  await page.getByText('The phone number does not answer; the address does not exist.').waitFor();
  await page.screenshot({ path: join(artifacts, 'assessor-rejected.png'), fullPage: true });

  // The queue no longer holds either; the registry shows both statuses; the API agrees.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Verification' }).click();
  await page.getByRole('heading', { level: 1, name: 'Verification queue' }).waitFor();
  await page
    .getByRole('navigation', { name: 'Pages' })
    .or(page.getByText(/Nothing waiting|registered/).first())
    .first()
    .waitFor();
  for (const name of names) expect(await page.getByRole('link', { name }).count()).toBe(0);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Registry' }).click();
  await page.getByRole('heading', { level: 1, name: 'Registry' }).waitFor();
  const list = page.getByRole('list', { name: 'Respondents' });
  const rowOf = (name: string) => list.getByRole('listitem').filter({ hasText: name });
  await expect.poll(() => rowOf(names[0]!).getByTestId('respondent-status').innerText()).toBe('Verified');
  await expect.poll(() => rowOf(names[1]!).getByTestId('respondent-status').innerText()).toBe('Rejected');
  await noSidewaysScroll(page, 'registry at 375 px');

  const all = await ok(await fetch(`${url}/api/v1/respondents?limit=10`, { headers: json(admin) }), 200, 'list');
  const byName = (name: string) =>
    (all.items as { firstname: string; surname: string; status: string; verified: boolean }[]).find(
      (i) => `${i.firstname} ${i.surname}` === name,
    );
  expect(byName(names[0]!)).toMatchObject({ status: 'verified', verified: true });
  expect(byName(names[1]!)).toMatchObject({ status: 'rejected', verified: false });
  expect(problems).toEqual([]);
});

it('a super admin merges a likely duplicate and finds the merge in the audit log (375 px)', async () => {
  const { url } = registry;
  // One person registered twice without a NIN, with the same phone number.
  const twice = respondentAnswers(7, Date.now() % 100_000);
  delete (twice as Record<string, unknown>).nin;
  for (const [i, firstname] of ['Bisi', 'Bisola'].entries()) {
    const done = new Date(Date.now() - 3_600_000 * (i + 2));
    await ok(
      await fetch(`${url}/api/v1/submissions`, {
        method: 'POST',
        headers: json(field),
        body: JSON.stringify({
          id: randomUUID(),
          questionnaireVersionId: versionId,
          answers: { ...twice, firstname },
          startedAt: new Date(done.getTime() - 600_000).toISOString(),
          completedAt: done.toISOString(),
          ninDeferred: true,
        }),
      }),
      202,
      `deferred ${firstname}`,
    );
  }
  const admin = await signInOverHttp(url, ADMIN_EMAIL, ADMIN_PASSWORD);
  await expect
    .poll(
      async () =>
        (await ok(await fetch(`${url}/api/v1/respondents/duplicates`, { headers: json(admin) }), 200, 'pairs')).items
          .length,
      { timeout: 30_000, interval: 250 },
    )
    .toBe(1);

  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/);
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Registry' }).click();
  await page.getByRole('heading', { level: 1, name: 'Registry' }).waitFor();
  await page.getByRole('main').getByRole('link', { name: 'Likely duplicates' }).click();
  await page.getByRole('heading', { level: 1, name: 'Likely duplicates' }).waitFor();
  const pair = page.getByRole('list', { name: 'Pairs' }).getByRole('listitem').first();
  await pair.getByText('same phone number').waitFor();
  await pair.getByRole('link', { name: `Bisi ${twice.surname}` }).waitFor();
  await pair.getByRole('link', { name: `Bisola ${twice.surname}` }).waitFor();
  await noSidewaysScroll(page, 'duplicates at 375 px');
  await page.screenshot({ path: join(artifacts, 'duplicates-pair.png'), fullPage: true });
  await pair.getByRole('button', { name: 'Merge, keep this one' }).first().click();
  await page.getByText('Merged: 1 submission moved to the kept record.').waitFor();
  await page.getByText('No likely duplicates waiting.').waitFor();

  await page.goto(`${url}/admin/audit`);
  await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
  await page.getByLabel('Action, e.g. respondent.viewed').fill('duplicate.merged');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const entries = page.getByRole('list', { name: 'Entries' });
  await expect.poll(() => entries.getByRole('listitem').count()).toBe(1);
  await entries.getByText('duplicate.merged').waitFor();
  await noSidewaysScroll(page, 'audit log at 375 px');
  await page.screenshot({ path: join(artifacts, 'audit-log.png'), fullPage: true });
  expect(problems).toEqual([]);
});
