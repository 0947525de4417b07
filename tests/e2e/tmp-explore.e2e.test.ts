import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, artifacts, launchBrowser, root, startRegistry, type RunningRegistry } from './server.js';

let registry: RunningRegistry;
let browser: Browser;
beforeAll(async () => { [registry, browser] = await Promise.all([startRegistry(), launchBrowser()]); });
afterAll(async () => { await browser?.close(); await registry?.stop(); });

it('explores', async () => {
  const wb = new ExcelJS.Workbook();
  const s = wb.addWorksheet('survey');
  s.addRow(['type', 'name', 'label', 'relevant']);
  s.addRow(['text', 'a', 'A', '']);
  s.addRow(['text', 'b', 'B', '${a} = ']);
  s.addRow(['select_one nolist', 'c', 'C', '']);
  const st = wb.addWorksheet('settings');
  st.addRow(['form_title', 'form_id']); st.addRow(['Broken', 'broken']);
  const bad = join(artifacts, 'broken.xlsx');
  writeFileSync(bad, Buffer.from(await wb.xlsx.writeBuffer()));

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => console.log(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`console: ${m.text()}`); });
  await page.goto(`${registry.url}/login`);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/admin/staff**');
  await page.goto(`${registry.url}/admin/questionnaires`);
  await page.getByLabel('XLSForm file').setInputFiles(bad);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('table', { name: 'Problems in the file' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'tmp-import-broken.png'), fullPage: true });

  for (const f of ['oslsr-public-core-v1.xlsx', 'oslsr_master_v3.xlsx']) {
    await page.getByLabel('XLSForm file').setInputFiles(join(root, 'apps/api/test/fixtures/xlsform', f));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('link', { name: /in the form builder/ }).waitFor();
    await page.screenshot({ path: join(artifacts, `tmp-import-${f}.png`), fullPage: true });
  }
  await page.getByRole('link', { name: /in the form builder/ }).click();
  let t = Date.now();
  await page.getByRole('region', { name: /^Problems/ }).waitFor();
  await page.getByRole('region', { name: 'Preview' }).getByRole('button', { name: 'Check answers' }).waitFor();
  console.log('builder ready ms', Date.now() - t);
  await page.screenshot({ path: join(artifacts, 'tmp-master-builder.png'), fullPage: false });
  const title = page.getByLabel('Title', { exact: true });
  t = Date.now();
  await title.pressSequentially(' extra', { delay: 0 });
  console.log('typing 6 chars ms', Date.now() - t);
  const perf = await page.evaluate(async () => {
    const el = document.getElementById('f-title') as HTMLInputElement;
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) { el.focus(); document.execCommand('insertText', false, 'x'); await new Promise(requestAnimationFrame); }
    return performance.now() - t0;
  });
  console.log('5 keystrokes incl frames ms', perf);
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: /Publish version/ }).click();
  await page.getByRole('status').filter({ hasText: 'published' }).waitFor();
  const pv = await page.getByRole('link', { name: /Preview version/ }).first();
  await pv.click();
  await page.getByRole('button', { name: 'Check answers' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'tmp-master-preview.png'), fullPage: true });
  await page.getByRole('button', { name: 'Check answers' }).click();
  await page.screenshot({ path: join(artifacts, 'tmp-master-preview-errors.png'), fullPage: false });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Start again' }).click();
  await page.screenshot({ path: join(artifacts, 'tmp-master-phone.png') });
  for (let i = 0; i < 3; i++) { await page.getByRole('button', { name: 'Next' }).click(); }
  await page.screenshot({ path: join(artifacts, 'tmp-master-phone-next.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${registry.url}/admin/questionnaires`);
  await page.getByLabel('Staff questionnaire').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Save usage' }).click();
  await page.getByText('Usage saved.').waitFor();
  await page.screenshot({ path: join(artifacts, 'tmp-list.png'), fullPage: true });
});
