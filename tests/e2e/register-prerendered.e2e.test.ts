/**
 * /register served prerendered (the wizard's account step in the HTML, per language), against the
 * built registry:
 * (a) the HTML holds the account step's heading and fields before any script runs (fetched, and
 *     with JavaScript off), in the language the device chose (cookie) or its browser prefers;
 * (b) the app takes over without anything moving: the static copy stays while the app waits for the
 *     session, every element is where it was after the takeover, no layout shift is recorded, what
 *     was typed and the cursor carry over, and the form works; a press of the static button before
 *     the takeover sends the form once the app is there (and never puts the fields into the address),
 *     and so does a press the takeover splits (down on the copy, up on the app's button; let go
 *     elsewhere, it sends nothing: the failure behind two full-suite CI runs' lost 'Check your email');
 *     a signed-in resident reloading /register gets their next step;
 * (c) a device that chose Yorùbá sees only the Yorùbá first screen (no English heading, ever).
 */
import { expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { adminClient, emailedToken, publishPublicCore } from './resident-flows.js';
import { useRegistry } from './use-registry.js';

const env = useRegistry();

/** Holds GET /auth/session until released: the app waits for it before its first render. */
async function holdSession(page: Page) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let asked!: () => void;
  const wasAsked = new Promise<void>((resolve) => (asked = resolve));
  await page.route('**/api/v1/auth/session', async (route) => {
    asked();
    await held;
    await route.continue();
  });
  return { wasAsked, release };
}

/** React has rendered the page (its first commit replaced the static copy). */
const takenOver = (page: Page) =>
  page.evaluate(() => {
    const h1 = document.querySelector('#root h1');
    return !!h1 && Object.keys(h1).some((k) => k.startsWith('__reactFiber'));
  });

/** Where each visible piece of the page is, with its text. */
const layout = (page: Page) =>
  page.evaluate(() =>
    [
      ...document.querySelectorAll(
        '#root h1, #root h2, #root h3, #root p, #root li, #root label, #root input, #root select, #root button, #root a, #root footer',
      ),
    ].map((e) => {
      const r = e.getBoundingClientRect();
      return `${e.tagName} ${(e.textContent ?? '').trim().slice(0, 30)} ${r.x},${r.y} ${r.width}x${r.height}`;
    }),
  );

/** Every layout shift this page recorded (buffered), whether or not input preceded it. */
const layoutShift = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) total += (entry as unknown as { value: number }).value;
        }).observe({ type: 'layout-shift', buffered: true });
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
      }),
  );

async function watch(context: BrowserContext) {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return { page, problems };
}

it('sends the account step in the HTML, in the device’s language, before any script runs', async () => {
  const { registry, browser } = env;
  const res = await fetch(`${registry.url}/register`);
  expect(res.status).toBe(200);
  const html = await res.text();
  expect(html).toContain('<div id="root" data-prerendered="register">');
  expect(html).toMatch(/<h1[^>]*>Register yourself<\/h1>/);
  for (const label of ['Full name', 'Email', 'Phone number']) expect(html).toContain(`>${label}</label>`);
  // The strict CSP, as on every page: no inline script to make this work.
  expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

  const yo = await fetch(`${registry.url}/register`, { headers: { cookie: 'oslrs_lang=yo' } });
  expect(yo.headers.get('content-language')).toBe('yo');
  expect(await yo.text()).toMatch(/<h1[^>]*>Forúkọ ara rẹ sílẹ̀<\/h1>/);

  for (const [options, heading, lang] of [
    [{ locale: 'en-US' }, 'Register yourself', 'en'],
    [{ locale: 'yo-NG' }, 'Forúkọ ara rẹ sílẹ̀', 'yo'], // a browser in Yorùbá, no choice made yet
  ] as const) {
    const context = await browser.newContext({
      ...options,
      javaScriptEnabled: false,
      viewport: { width: 375, height: 800 },
    });
    const page = await context.newPage();
    await page.goto(`${registry.url}/register`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(heading);
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    expect(await page.locator('[aria-current="step"]').count()).toBe(1);
    expect(await page.locator('form input').count()).toBe(3);
    // Before any script the button is disabled (the boot script enables it once it hears a press);
    // forced, nothing is sent and nothing lands in the address.
    await page.locator('form input').first().fill('Ada Typed');
    expect(await page.locator('form button').isDisabled()).toBe(true);
    await page.locator('form button').click({ force: true });
    expect(page.url()).toBe(`${registry.url}/register`);
    await context.close();
  }
});

it('takes over the same screen: nothing moves, what was typed stays, the form works', async () => {
  const { registry, browser } = env;
  const call = await adminClient(registry.url);
  await publishPublicCore(call);
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, locale: 'en-US' });
  const { page, problems } = await watch(context);
  const session = await holdSession(page);
  await page.goto(`${registry.url}/register`);
  await session.wasAsked;
  // The app is running and waiting for the session: the static copy is what is on screen.
  expect(await takenOver(page)).toBe(false);
  const before = await layout(page);
  await page.getByLabel('Full name').fill('Ngozi Prerendered');

  session.release();
  await expect.poll(() => takenOver(page)).toBe(true);
  expect(await layout(page)).toEqual(before);
  expect(await layoutShift(page)).toBeLessThan(0.01);
  // What was typed, and the cursor, carried over into the app's own field.
  expect(await page.getByLabel('Full name').inputValue()).toBe('Ngozi Prerendered');
  expect(await page.evaluate(() => document.activeElement?.getAttribute('autocomplete'))).toBe('name');

  await page.getByLabel('Email', { exact: true }).fill('ngozi@e2e.oslrs');
  await page.getByLabel('Phone number').fill('0803 123 0088');
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await page.getByText('Check your email').waitFor();

  // Signed in (the emailed link), a reload of /register is the resident's next step.
  const token = await emailedToken(registry, 'ngozi@e2e.oslrs', '/register/confirm');
  await page.goto(`${registry.url}/register/confirm?token=${encodeURIComponent(token)}`);
  await page.getByLabel('Password', { exact: true }).fill('a long enough password');
  await page.getByLabel('Confirm password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create account and continue' }).click();
  await page.getByRole('heading', { name: /Consent/ }).waitFor();
  await page.reload();
  await expect.poll(() => page.locator('[aria-current="step"]').innerText()).toMatch(/Consent/);
  expect(problems).toEqual([]);
  await context.close();
});

/**
 * A phone-sized page on /register whose app waits (the session held), the account step typed into its
 * static copy; every POST /auth/register it sends is counted.
 */
async function typedBeforeTakeover(who: { name: string; email: string; phone: string }) {
  const { registry, browser } = env;
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, locale: 'en-US' });
  const { page, problems } = await watch(context);
  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/auth/register') sent.push(r.url());
  });
  const session = await holdSession(page);
  await page.goto(`${registry.url}/register`);
  await session.wasAsked;
  await page.getByLabel('Full name').fill(who.name);
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Phone number').fill(who.phone);
  const button = page.getByRole('button', { name: 'Create account', exact: true });
  return { context, page, problems, sent, session, button };
}

/** The static button pressed down; the app takes over while it is held (the element pressed is then gone). */
async function pressThroughTakeover(page: Page, button: Locator, session: { release: () => void }) {
  await expect.poll(() => button.isEnabled()).toBe(true);
  const box = (await button.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  session.release();
  await expect.poll(() => takenOver(page)).toBe(true);
}

it('sends the form pressed on the static copy once the app is there', async () => {
  const { registry } = env;
  const { context, page, problems, sent, session, button } = await typedBeforeTakeover({
    name: 'Tunde Early',
    email: 'tunde@e2e.oslrs',
    phone: '0803 123 0099',
  });
  await button.click();
  expect(await takenOver(page)).toBe(false);
  expect(page.url()).toBe(`${registry.url}/register`);
  session.release();
  await page.getByText('Check your email').waitFor();
  expect(await page.getByText('tunde@e2e.oslrs').count()).toBeGreaterThan(0);
  expect(page.url()).toBe(`${registry.url}/register`);
  expect(sent).toHaveLength(1);
  expect(problems).toEqual([]);
  await context.close();
});

it('sends the form when the takeover comes between pressing the static button and letting go', async () => {
  const { context, page, problems, sent, session, button } = await typedBeforeTakeover({
    name: 'Kemi Midpress',
    email: 'kemi@e2e.oslrs',
    phone: '0803 123 0098',
  });
  await pressThroughTakeover(page, button, session);
  await page.mouse.up();
  await page.getByText('Check your email').waitFor();
  expect(await page.getByText('kemi@e2e.oslrs').count()).toBeGreaterThan(0);
  expect(sent).toHaveLength(1);
  expect(problems).toEqual([]);
  await context.close();
});

it('does not send the form when a press split by the takeover is let go away from the button', async () => {
  const { context, page, problems, sent, session, button } = await typedBeforeTakeover({
    name: 'Kemi Changedmind',
    email: 'kemi2@e2e.oslrs',
    phone: '0803 123 0097',
  });
  await pressThroughTakeover(page, button, session);
  // Dragged off the button before letting go: as with any button, that is no press.
  const heading = (await page.locator('#root h1').boundingBox())!;
  await page.mouse.move(heading.x + 5, heading.y + 5);
  await page.mouse.up();
  // A real press afterwards sends it once: the one let go elsewhere sent nothing before it.
  await button.click();
  await page.getByText('Check your email').waitFor();
  expect(sent).toHaveLength(1);
  expect(problems).toEqual([]);
  await context.close();
});

it('shows a device that chose Yorùbá only the Yorùbá first screen', async () => {
  const { registry, browser } = env;
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, locale: 'en-US' });
  // Every main heading the page ever shows, from the first parse on.
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { seenHeadings: string[] }).seenHeadings = seen;
    new MutationObserver(() => {
      for (const h of document.querySelectorAll('h1')) {
        const text = h.textContent ?? '';
        if (!seen.includes(text)) seen.push(text);
      }
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  const { page, problems } = await watch(context);
  // The choice, made on a public page's language link.
  await page.goto(`${registry.url}/faq`);
  await page.locator('a[data-lang="yo"]').click();
  await page.waitForURL(`${registry.url}/yo/faq`);

  await page.goto(`${registry.url}/register`);
  await expect.poll(() => takenOver(page)).toBe(true);
  await page.getByRole('heading', { name: 'Forúkọ ara rẹ sílẹ̀', level: 1 }).waitFor();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('yo');
  expect(await page.evaluate(() => (window as unknown as { seenHeadings: string[] }).seenHeadings)).toEqual([
    'Forúkọ ara rẹ sílẹ̀',
  ]);
  expect(await layoutShift(page)).toBeLessThan(0.01);
  expect(problems).toEqual([]);
  await context.close();
});
