/**
 * The public face, against the built registry: every public page reads with JavaScript turned off,
 * in English and in Yoruba (with hreflang alternates and the language link); robots.txt and the
 * sitemap are text and XML, not the app's HTML; the built JavaScript is served precompressed; the
 * resident's own door signs a resident in onto their registration; an invited staff member who
 * activates is signed in; the first admin with a generated password must choose their own; the
 * JavaScript a first visit loads stays within its budget (issue 16: home ≤ 60 KB, the wizard ≤ 150 KB
 * gzipped; `npm run size:pages` lists the files).
 */
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { adminClient, emailedToken } from './resident-flows.js';
import { ADMIN_EMAIL, startRegistry } from './server.js';
import { useRegistry } from './use-registry.js';

const setup = useRegistry();

const PAGES: Array<[path: string, english: RegExp, yorubaPath: string, yoruba: RegExp]> = [
  ['/', /Oyo State Labour & Skills Registry/, '/yo', /Àkọsílẹ̀ Òṣìṣẹ́ àti Ọgbọ́n-Iṣẹ́ Ìpínlẹ̀ Ọ̀yọ́/],
  ['/about', /About the registry/, '/yo/about', /Nípa àkọsílẹ̀ náà/],
  ['/participate', /How to take part/, '/yo/participate', /Bí o ṣe lè kópa/],
  ['/faq', /Frequently asked questions/, '/yo/faq', /Àwọn ìbéèrè tí a máa ń béèrè/],
  ['/privacy', /Privacy notice/, '/yo/privacy', /Ìkéde àṣírí/],
  ['/terms', /Terms of use/, '/yo/terms', /Òfin lílò/],
  ['/contact', /Contact the registry/, '/yo/contact', /Kàn sí àkọsílẹ̀ náà/],
];

it('serves every public page readable with JavaScript disabled, in English and Yoruba', async () => {
  const { registry, browser } = setup;
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 800 } });
  try {
    const page = await context.newPage();
    for (const [path, english, yoPath, yoruba] of PAGES) {
      const res = await page.goto(`${registry.url}${path}`);
      expect(res?.status(), path).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).innerText(), path).toMatch(english);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.locator('link[rel="alternate"][hreflang="yo"]').getAttribute('href')).toBe(yoPath);
      // The language link leads to the same page in Yoruba.
      await page.locator('a[data-lang="yo"]').click();
      await page.waitForURL(`${registry.url}${yoPath}`);
      expect(await page.getByRole('heading', { level: 1 }).innerText(), yoPath).toMatch(yoruba);
      expect(await page.locator('html').getAttribute('lang')).toBe('yo');
      expect(await page.locator('link[rel="alternate"][hreflang="en"]').getAttribute('href')).toBe(path);
    }
    // The privacy notice names the rights the Nigeria Data Protection Act 2023 gives.
    await page.goto(`${registry.url}/privacy`);
    const privacy = await page.locator('main').innerText();
    for (const right of ['(access)', '(correction)', '(erasure)', '(objection)', 'Nigeria Data Protection Commission'])
      expect(privacy).toContain(right);
    // Home: no script of the app; the employer card leads to the marketplace search.
    await page.goto(`${registry.url}/`);
    expect(await page.locator('script[src^="/assets/"]').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Search the skills marketplace' }).getAttribute('href')).toBe(
      '/marketplace',
    );
    // Both doors in the header.
    expect(await page.getByRole('link', { name: 'Sign in to my registration' }).first().getAttribute('href')).toBe(
      '/my-registration/sign-in',
    );
    expect(await page.getByRole('link', { name: 'Staff sign in' }).getAttribute('href')).toBe('/login');
  } finally {
    await context.close();
  }
});

it('remembers the language chosen on a public page for the app, and the app’s choice leads to the matching page', async () => {
  const { registry, browser } = setup;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${registry.url}/faq`);
    await page.locator('a[data-lang="yo"]').click();
    await page.waitForURL(`${registry.url}/yo/faq`);
    expect(await page.evaluate(() => localStorage.getItem('oslrs.lang'))).toBe('yo');
    // The app opens in Yoruba, and its footer leads to the Yoruba pages.
    await page.goto(`${registry.url}/login`);
    await page.getByRole('heading', { name: 'Ìwọlé òṣìṣẹ́' }).waitFor();
    expect(await page.getByRole('link', { name: 'Ìkéde àṣírí' }).getAttribute('href')).toBe('/yo/privacy');
    // An English address opened with Yoruba chosen goes to the Yoruba page.
    await page.goto(`${registry.url}/about`);
    await page.waitForURL(`${registry.url}/yo/about`);
  } finally {
    await context.close();
  }
});

it('loads no more JavaScript than its budget: home ≤ 60 KB, the registration wizard ≤ 150 KB gzipped', async () => {
  const { registry, browser } = setup;
  for (const [path, budget] of [
    ['/', 60],
    ['/register', 150],
  ] as const) {
    const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
    try {
      const page = await context.newPage();
      const reads: Array<Promise<number>> = [];
      page.on('response', (response) => {
        if (response.request().resourceType() === 'script')
          reads.push(response.body().then((body) => gzipSync(body, { level: 9 }).length));
      });
      await page.goto(`${registry.url}${path}`, { waitUntil: 'networkidle' });
      // Measured as scripts/page-weight.ts does: each body compressed at level 9, whatever was sent.
      const kb = (await Promise.all(reads)).reduce((a, b) => a + b, 0) / 1024;
      expect(kb, `${path}: ${kb.toFixed(1)} KB`).toBeLessThanOrEqual(budget);
      if (path === '/register') expect(kb).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  }
});

it('serves robots.txt as text and sitemap.xml as XML, not the app’s HTML', async () => {
  const { registry } = setup;
  const robots = await fetch(`${registry.url}/robots.txt`);
  expect(robots.status).toBe(200);
  expect(robots.headers.get('content-type')).toMatch(/^text\/plain/);
  const robotsText = await robots.text();
  expect(robotsText).not.toMatch(/<html/i);
  expect(robotsText).toMatch(/^Disallow: \/api\/$/m);
  expect(robotsText).toMatch(/^Sitemap: http:\/\/127\.0\.0\.1:\d+\/sitemap\.xml$/m);

  const sitemap = await fetch(`${registry.url}/sitemap.xml`);
  expect(sitemap.status).toBe(200);
  expect(sitemap.headers.get('content-type')).toMatch(/^application\/xml/);
  const xml = await sitemap.text();
  expect(xml).toMatch(/^<\?xml/);
  for (const path of ['/about', '/yo/privacy', '/contact', '/register'])
    expect(xml).toContain(`${registry.url}${path}<`);
  expect(xml).toContain(`hreflang="yo" href="${registry.url}/yo/faq"`);
});

it('serves the built JavaScript precompressed, chosen by Accept-Encoding', async () => {
  const { registry } = setup;
  // The app's entry, as an app page links it (the prerendered /register links only a small start script).
  const html = await (await fetch(`${registry.url}/login`)).text();
  const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script).toBeTruthy();
  const { request } = await import('undici');
  const asked = async (encoding: string) => {
    const res = await request(`${registry.url}${script}`, { headers: { 'accept-encoding': encoding } });
    const body = Buffer.from(await res.body.arrayBuffer());
    return { encoding: res.headers['content-encoding'], vary: String(res.headers['vary']), size: body.length };
  };
  const br = await asked('gzip, deflate, br');
  const gzip = await asked('gzip');
  const plain = await asked('identity');
  expect(br.encoding).toBe('br');
  expect(gzip.encoding).toBe('gzip');
  expect(plain.encoding).toBeUndefined();
  expect(br.vary).toMatch(/accept-encoding/i);
  expect(br.size).toBeLessThan(plain.size);
  expect(gzip.size).toBeLessThan(plain.size);
});

it('signs a resident in at their own door and lands them on their registration', async () => {
  const { registry, browser } = setup;
  const email = 'resident.door@e2e.oslrs';
  const password = 'my own door to my record';
  const asked = await fetch(`${registry.url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fullName: 'Rasheed Resident', email, phone: '08035550177' }),
  });
  expect(asked.status).toBe(202);
  const token = await emailedToken(registry, email, '/register/confirm');
  const confirmed = await fetch(`${registry.url}/api/v1/auth/register/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password }),
  });
  expect(confirmed.status).toBe(200);

  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(`${registry.url}/`);
    await page.getByRole('link', { name: 'Sign in to my registration' }).first().click();
    await page.getByRole('heading', { name: 'Sign in to my registration', level: 1 }).waitFor();
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'My registration', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app');
  } finally {
    await context.close();
  }
});

it('signs an invited staff member in when they activate their account', async () => {
  const { registry, browser } = setup;
  const call = await adminClient(registry.url);
  const invited = await call<{ activationUrl: string }>('POST', '/staff', {
    fullName: 'Ayo Activated',
    email: 'ayo.activated@e2e.oslrs',
    phone: '08035550166',
    role: 'data_entry_clerk',
    lga: null,
  });
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    const url = new URL(invited.activationUrl);
    await page.goto(`${registry.url}${url.pathname}${url.search}`);
    await page.getByLabel('New password', { exact: true }).fill('clerk desk by the window');
    await page.getByLabel('Confirm password').fill('clerk desk by the window');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.waitForURL(`${registry.url}/clerk`);
    const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
    expect(me).toBe(200);
  } finally {
    await context.close();
  }
});

it('makes the first admin with a generated password choose their own before anything else', async () => {
  const { browser } = setup;
  // A registry installed without OSLRS_ADMIN_PASSWORD: it generates one and prints it once.
  const fresh = await startRegistry({ env: { OSLRS_ADMIN_PASSWORD: undefined } });
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const generated = /Generated password[^:]*: (\S+)/.exec(fresh.output)?.[1];
    expect(generated).toBeTruthy();
    // The API refuses everything but the password change while the generated one stands.
    const login = await fetch(`${fresh.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN_EMAIL, password: generated }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const staff = await fetch(`${fresh.url}/api/v1/staff`, { headers: { cookie } });
    expect(staff.status).toBe(403);
    expect(((await staff.json()) as { error: { code: string } }).error.code).toBe('PASSWORD_CHANGE_REQUIRED');

    const page = await context.newPage();
    await page.goto(`${fresh.url}/login`);
    await page.getByLabel('Email', { exact: true }).fill(ADMIN_EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(generated!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose your own password' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/account/password');
    // Another page of the app leads back here.
    await page.goto(`${fresh.url}/admin/staff`);
    await page.getByRole('heading', { name: 'Choose your own password' }).waitFor();
    await page.getByLabel('Current password').fill(generated!);
    await page.getByLabel('New password', { exact: true }).fill('the admin chose this one');
    await page.getByLabel('Confirm password').fill('the admin chose this one');
    await page.getByRole('button', { name: /Change password/ }).click();
    await page.waitForURL(`${fresh.url}/admin`);
    const after = await page.evaluate(async () => (await fetch('/api/v1/staff')).status);
    expect(after).toBe(200);
  } finally {
    await context.close();
    await fresh.stop();
  }
});
