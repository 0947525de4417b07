/**
 * Issue 14 item 6 in the browser: an enumerator takes a photo OFFLINE in the PWA (a 2400×1800 JPEG
 * through the file input), the survey waits in the outbox with the photo kept on the device; back
 * online it syncs — answers first, then the photo in chunks — and leaves the outbox only once the
 * registry has the file. A super admin then sees the photo (downscaled to 1600 px) on the review
 * page, served through the authorised endpoint.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  answerCurrent,
  assignPublicCoreForm,
  createEnumerator,
  currentQuestion,
  next,
  openCollect,
  respondentAnswers,
  signInOverHttp,
  type HttpSession,
} from './collect-setup.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, artifacts } from './server.js';
import { useRegistry } from './use-registry.js';

const attachmentsDir = mkdtempSync(join(tmpdir(), 'oslrs-e2e-media-'));

const fx = useRegistry({ env: { ATTACHMENTS_DIR: attachmentsDir } });
afterAll(() => {
  rmSync(attachmentsDir, { recursive: true, force: true });
});

const json = (s: HttpSession) => ({
  cookie: s.cookie,
  'x-csrf-token': s.csrfToken,
  'content-type': 'application/json',
});

async function ok<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** The public core form with a photo question added, published and made the staff questionnaire. */
async function assignFormWithPhoto(url: string, admin: HttpSession) {
  const { questionnaireId } = await assignPublicCoreForm(url, admin);
  const core = await ok<{ form: { formId: string; title: string; sections: { questions: unknown[] }[] } }>(
    await fetch(`${url}/api/v1/forms/${questionnaireId}/schema`),
    'schema',
  );
  const form = {
    ...core.form,
    formId: 'core_with_photo',
    title: 'Core survey with a photo',
    sections: [
      ...core.form.sections,
      {
        name: 'workplace',
        label: 'Workplace',
        questions: [{ name: 'photo', type: 'image', label: 'Photo of the workplace', required: true }],
      },
    ],
  };
  const created = await ok<{ questionnaire: { id: string } }>(
    await fetch(`${url}/api/v1/questionnaires`, {
      method: 'POST',
      headers: json(admin),
      body: JSON.stringify({ form }),
    }),
    'create',
  );
  const id = created.questionnaire.id;
  await ok(
    await fetch(`${url}/api/v1/questionnaires/${id}/publish`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
    }),
    'publish',
  );
  const current = await ok<{ settings: Record<string, unknown> }>(
    await fetch(`${url}/api/v1/settings/questionnaires`, { headers: json(admin) }),
    'settings',
  );
  await ok(
    await fetch(`${url}/api/v1/settings/questionnaires`, {
      method: 'PUT',
      headers: json(admin),
      body: JSON.stringify({ ...current.settings, staffQuestionnaireId: id }),
    }),
    'assign',
  );
}

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(b: Buffer): { width: number; height: number } {
  let at = 2;
  while (at < b.length) {
    const marker = b[at + 1]!;
    const length = b.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  throw new Error('no SOF marker');
}

function banner(page: Page) {
  return page.getByRole('status').filter({ hasText: /waiting to send|You are offline/ });
}

it('a photo taken offline waits in the outbox with its survey, syncs when back online, and an admin sees it', async () => {
  const admin = await signInOverHttp(fx.registry.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  await assignFormWithPhoto(fx.registry.url, admin);
  const enumerator = await createEnumerator(fx.registry.url, admin, 'field.media@e2e.oslrs');

  const { context, page, problems, setOffline } = await openCollect(fx.browser, fx.registry.url, enumerator, {
    width: 375,
    height: 812,
  });

  // A camera's photo, 2400×1800, made by the browser's own JPEG encoder.
  const photo = Buffer.from(
    await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 2400;
      canvas.height = 1800;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#2a6';
      g.fillRect(0, 0, 2400, 1800);
      g.fillStyle = '#fc3';
      g.fillRect(300, 300, 1200, 900);
      return canvas.toDataURL('image/jpeg', 0.95).split(',')[1]!;
    }),
    'base64',
  );

  await setOffline(true);
  await expect.poll(() => banner(page).innerText()).toBe('You are offline — 0 surveys waiting to send');

  await page.getByRole('button', { name: 'Start new survey' }).click();
  await page.waitForURL(/\/collect\/survey\/[0-9a-f-]{36}$/);
  const surveyId = page.url().split('/').pop()!;
  const answers = respondentAnswers(1);
  let photoName = '';
  for (let step = 0; step < 60; step++) {
    if ((await page.locator('#review-heading').count()) > 0) break;
    if ((await currentQuestion(page)) === 'photo') {
      await page.locator('[data-question="photo"] input[type=file]').setInputFiles({
        name: 'IMG_0001.jpg',
        mimeType: 'image/jpeg',
        buffer: photo,
      });
      const caption = page.locator('[data-question="photo"] figcaption');
      await caption.waitFor();
      photoName = (await caption.innerText()).split(' ')[0]!;
      expect(photoName).toMatch(/^photo-[0-9a-f]{12}\.jpg$/);
      await expect
        .poll(() => page.locator('[data-question="photo"] img').evaluate((i: HTMLImageElement) => i.naturalWidth))
        .toBe(1600);
      await page.screenshot({ path: join(artifacts, 'media-photo-offline.png'), fullPage: true });
    } else await answerCurrent(page, answers);
    await next(page);
  }
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await page.waitForURL(/\/collect$/);
  await expect.poll(() => banner(page).innerText()).toBe('You are offline — 1 survey waiting to send');
  // The photo is kept on the device, listed in the waiting survey.
  const kept = await page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((ok) => {
      const r = indexedDB.open('oslrs-field');
      r.onsuccess = () => ok(r.result);
    });
    const get = <T>(store: string, key: string) =>
      new Promise<T>((ok) => {
        const r = db.transaction(store).objectStore(store).get(key);
        r.onsuccess = () => ok(r.result as T);
      });
    const media = await get<{ size: number } | undefined>('media', name);
    const outbox = (
      await new Promise<{ body: { attachments?: { name: string }[] } }[]>((ok) => {
        const r = db.transaction('outbox').objectStore('outbox').getAll();
        r.onsuccess = () => ok(r.result as never);
      })
    )[0];
    db.close();
    return { size: media?.size ?? 0, listed: outbox?.body.attachments?.map((a) => a.name) ?? [] };
  }, photoName);
  expect(kept.size).toBeGreaterThan(0);
  expect(kept.listed).toEqual([photoName]);

  // Back online: answers, then the photo; the survey leaves the outbox once the registry has both.
  await setOffline(false);
  await expect.poll(() => page.locator('[data-outbox]').count(), { timeout: 30_000 }).toBe(0);
  const recent = page.getByRole('list', { name: 'Recent submissions' });
  await expect
    .poll(() => recent.locator('li[data-status="ingested"]').count(), { timeout: 30_000, interval: 500 })
    .toBe(1);
  // The device let the photo go once the registry had it.
  await expect
    .poll(() =>
      page.evaluate(
        (name) =>
          new Promise<boolean>((ok) => {
            const r = indexedDB.open('oslrs-field');
            r.onsuccess = () => {
              const g = r.result.transaction('media').objectStore('media').get(name);
              g.onsuccess = () => {
                ok(g.result !== undefined);
                r.result.close();
              };
            };
          }),
        photoName,
      ),
    )
    .toBe(false);
  await context.close();

  // The registry's copy: the downscaled JPEG, through the authorised endpoint only.
  const url = `${fx.registry.url}/api/v1/submissions/${surveyId}/attachments/${photoName}`;
  expect((await fetch(url)).status).toBe(401);
  const served = await fetch(url, { headers: { cookie: admin.cookie } });
  expect(served.status).toBe(200);
  expect(served.headers.get('content-type')).toBe('image/jpeg');
  expect(served.headers.get('x-content-type-options')).toBe('nosniff');
  expect(jpegSize(Buffer.from(await served.arrayBuffer()))).toEqual({ width: 1600, height: 1200 });

  // A super admin sees it on the review page.
  const staff = await fx.browser.newContext({ viewport: { width: 375, height: 812 } });
  const review = await staff.newPage();
  await review.goto(`${fx.registry.url}/login?next=/review/${surveyId}`);
  await review.getByLabel('Email').fill(ADMIN_EMAIL);
  await review.getByLabel('Password').fill(ADMIN_PASSWORD);
  await review.getByRole('button', { name: 'Sign in' }).click();
  const img = review.getByRole('img', { name: `Photo ${photoName}` });
  await img.waitFor({ timeout: 15_000 });
  await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(1600);
  await review.screenshot({ path: join(artifacts, 'media-review-photo.png'), fullPage: true });
  await staff.close();

  expect(problems).toEqual([]);
});
