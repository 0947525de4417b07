/**
 * Every page's words are in the catalogue parts its route loads (issue 16). The web app loads the
 * PO catalogues in parts (base, app, staff; apps/web/src/i18n): a component that shows a word from a
 * part its route did not load prints the raw message id. This walks the app as each staff role and as
 * a signed-out visitor, opening every place the role's own navigation offers by a fresh page load
 * (the strictest case: only that route's parts are in), in Yorùbá, and fails on any message id the
 * page asked for and did not find (the i18n layer records them in `oslrsMissingText`) or any raw
 * id in the page's text.
 */
import { expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { signInOverHttp, type HttpSession } from './collect-setup.js';
import { createAccount } from './resident-flows.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './server.js';
import { useRegistry } from './use-registry.js';

const ctx = useRegistry();
const PASSWORD = 'walking every page 2025';
/** A message id as the catalogue spells them: an area, then dotted words (`staff.nav.review`). */
const RAW_ID =
  /\b(?:common|public|register|collect|clerk|account|staff|marketplace|documents|ussd|sms|taxonomy)\.[a-z][A-Za-z0-9]*\.[A-Za-z0-9.]+\b/;

async function invite(url: string, admin: HttpSession, email: string, role: string): Promise<void> {
  const res = await fetch(`${url}/api/v1/staff`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({ fullName: 'Walker Pages', email, phone: '08035550000', role, lga: 'ibadan_north' }),
  });
  const body = (await res.json()) as { activationUrl: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  const token = new URL(body.activationUrl).searchParams.get('token');
  const activated = await fetch(`${url}/api/v1/auth/activate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password: PASSWORD }),
  });
  expect(activated.status).toBe(200);
}

async function yorubaContext(session?: HttpSession): Promise<BrowserContext> {
  const context = await ctx.browser.newContext({ viewport: { width: 375, height: 812 } });
  await context.addInitScript(() => localStorage.setItem('oslrs.lang', 'yo'));
  if (session) {
    await context.addCookies(
      session.cookie.split('; ').map((pair) => {
        const at = pair.indexOf('=');
        return { name: pair.slice(0, at), value: pair.slice(at + 1), url: ctx.registry.url };
      }),
    );
  }
  return context;
}

/** Opens `path` by a full load and waits until its data has come in and nothing is loading. */
async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${ctx.registry.url}${path}`);
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.locator('.animate-spin').count(), { timeout: 15_000 }).toBe(0);
}

async function problems(page: Page, path: string): Promise<string[]> {
  const { app, missing } = await page.evaluate(() => ({
    app: document.getElementById('root') !== null,
    missing: (globalThis as { oslrsMissingText?: string[] }).oslrsMissingText,
  }));
  const text = await page.locator('body').innerText();
  const raw = text.match(RAW_ID);
  const found = raw ? [`${path}: raw id "${raw[0]}" on the page`] : [];
  // The prerendered public pages (/about, /yo/faq, …) run no app: their words were put in at build time.
  if (!app) return found;
  if (!missing) return [...found, `${path}: the i18n layer did not start`];
  return [...found, ...missing.map((id) => `${path}: no text for ${id}`)];
}

/** The same-origin places the page's navigation links to (the role's own menu). */
async function navLinks(page: Page): Promise<string[]> {
  const hrefs = await page.locator('nav a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
  return [...new Set(hrefs.map((h) => h.split('#')[0]!))];
}

it(
  'every place each role can open has its words, in Yorùbá, loaded by that route alone',
  { timeout: 600_000 },
  async () => {
    const { url } = ctx.registry;
    const admin = await signInOverHttp(url, ADMIN_EMAIL, ADMIN_PASSWORD);
    const roles = ['supervisor', 'data_entry_clerk', 'verification_assessor', 'government_official', 'enumerator'];
    for (const role of roles) await invite(url, admin, `walk.${role}@e2e.oslrs`, role);

    const found: string[] = [];
    const visited: string[] = [];
    /** Pages that are the same whoever opens them (the prerendered site): opened once. */
    const seenStatic = new Set<string>();
    const walk = async (who: string, session: HttpSession | undefined, starts: string[]) => {
      const context = await yorubaContext(session);
      const page = await context.newPage();
      const places = [...starts];
      const opened = new Set<string>();
      for (let i = 0; i < places.length; i++) {
        const place = places[i]!;
        if (opened.has(place) || seenStatic.has(place)) continue;
        opened.add(place);
        await open(page, place);
        if (!(await page.evaluate(() => document.getElementById('root') !== null))) seenStatic.add(place);
        expect(await page.evaluate(() => document.documentElement.lang), `${who} ${place}`).toBe('yo');
        found.push(...(await problems(page, `${who} ${place}`)));
        visited.push(`${who} ${place}`);
        // Where the role can go from its starting places (its own menu), each opened afresh.
        if (i < starts.length) for (const link of await navLinks(page)) places.push(link);
      }
      await context.close();
    };

    await walk('visitor', undefined, [
      '/register',
      '/login',
      '/my-registration/sign-in',
      '/marketplace',
      '/marketplace/register',
      '/insights',
      '/partner-api',
      '/forgot-password',
      '/verify/OSL-0000-000',
      '/no-such-page',
    ]);
    await walk('super_admin', admin, ['/app', '/admin']);
    for (const role of roles) {
      await walk(role, await signInOverHttp(url, `walk.${role}@e2e.oslrs`, PASSWORD), ['/app']);
    }
    // A resident, signed up through the wizard (in English), then reading their own pages in Yorùbá.
    const signUp = await ctx.browser.newContext();
    await createAccount(ctx.registry, await signUp.newPage(), {
      name: 'Walker Resident',
      email: 'walk.resident@e2e.oslrs',
      phone: '08035550001',
    });
    const residentCookie = (await signUp.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await signUp.close();
    await walk('public_user', { cookie: residentCookie, csrfToken: '' }, ['/app', '/app/correction']);

    // The walk reached the staff areas, not only the sign-in page.
    for (const place of [
      'super_admin /admin/fraud',
      'public_user /app',
      'supervisor /team',
      'data_entry_clerk /clerk',
      'government_official /reports',
    ]) {
      expect(visited).toContain(place);
    }
    expect(found).toEqual([]);
  },
);
