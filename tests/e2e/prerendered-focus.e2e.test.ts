/**
 * Where the cursor goes when the app takes over a prerendered page (apps/web/src/prerendered.ts), in
 * Chromium, step by step: the takeover's own moments (the app renders, then commits) are called by the
 * test, so the interleaving that lost keys in CI (a field entered between the render and the commit:
 * the Yorùbá e2e's email typed into the name) is reproduced every time, not by chance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './server.js';

let browser: Browser;
let bundle: string;

beforeAll(async () => {
  // The module itself, bundled for the page; its functions on window.prerendered.
  const out = await build({
    entryPoints: [join(import.meta.dirname, '../../apps/web/src/prerendered.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'prerendered',
    write: false,
    target: 'es2022',
  });
  bundle = out.outputFiles[0]!.text;
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

/** A page whose #root holds a static copy of a two-field form, the module loaded and watching it. */
async function staticCopy(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  await page.setContent(`<!doctype html><html><body><div id="root" data-prerendered><main><form>
      <label>Full name <input autocomplete="name"></label>
      <label>Email <input autocomplete="email"></label>
      <button type="button">Create account</button></form></main></div></body></html>`);
  await page.addScriptTag({ content: bundle });
  expect(await page.evaluate(() => window.prerendered.watchPrerendered(document.getElementById('root')!))).toBe(true);
  return page;
}

/** The app's render: it reads what was typed (and, as before, which input had the cursor). */
const appRenders = (page: Page) => page.evaluate(() => window.prerendered.takeTyped(['name', 'email']));

/**
 * The app's commit, as main.tsx's register page does it: its own form replaces the static copy, then
 * (a layout effect) what was typed is read again from the removed copy, and the cursor is put back.
 */
const appCommits = (page: Page) =>
  page.evaluate(() => {
    const root = document.getElementById('root')!;
    const form = document.createElement('form');
    const inputs: Record<string, HTMLInputElement> = {};
    for (const token of ['name', 'email']) {
      const input = document.createElement('input');
      input.setAttribute('autocomplete', token);
      input.dataset.app = '';
      form.append(input);
      inputs[token] = input;
    }
    root.replaceChildren(form);
    const typed = window.prerendered.takeTyped(['name', 'email']);
    for (const [token, input] of Object.entries(inputs)) input.value = typed[token] ?? '';
    window.prerendered.restoreFocus(inputs);
  });

const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    return { token: el?.getAttribute('autocomplete'), app: el?.dataset.app !== undefined, caret: el?.selectionStart };
  });

describe('the cursor across the takeover of a prerendered page', () => {
  it('stays in the field it was in, at the same place', async () => {
    const page = await staticCopy();
    await page.locator('input[autocomplete="name"]').click();
    await page.keyboard.type('Ngozi Ade');
    await page.keyboard.press('ArrowLeft');
    expect(await appRenders(page)).toEqual({ name: 'Ngozi Ade' });
    await appCommits(page);
    expect(await focused(page)).toEqual({ token: 'name', app: true, caret: 8 });
    await page.keyboard.type('x');
    expect(await page.locator('input[autocomplete="name"]').inputValue()).toBe('Ngozi Adxe');
    await page.close();
  });

  it('follows the field entered between the render and the commit: the next keys go there', async () => {
    const page = await staticCopy();
    await page.locator('input[autocomplete="name"]').click();
    await page.keyboard.type('Ngozi Ade');
    // The render notes the name field; the person then moves on before the commit.
    await appRenders(page);
    await page.keyboard.press('Tab');
    await page.keyboard.type('ngozi@');
    await appCommits(page);
    expect(await focused(page)).toEqual({ token: 'email', app: true, caret: 6 });
    await page.keyboard.type('e2e.oslrs');
    expect(await page.locator('input[autocomplete="email"]').inputValue()).toBe('ngozi@e2e.oslrs');
    expect(await page.locator('input[autocomplete="name"]').inputValue()).toBe('Ngozi Ade');
    await page.close();
  });

  it('puts the cursor nowhere when it had left the form for the button', async () => {
    const page = await staticCopy();
    await page.locator('input[autocomplete="name"]').click();
    await page.keyboard.type('Ngozi');
    await appRenders(page);
    await page.locator('button').focus();
    await appCommits(page);
    expect((await focused(page)).token).toBeNull();
    await page.close();
  });
});

declare global {
  interface Window {
    prerendered: typeof import('../../apps/web/src/prerendered.js');
  }
}
