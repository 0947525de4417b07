/**
 * Issue 16, items 4–6 in the browser: the QR code printed on a registration slip and on a staff ID
 * card opens its public verification page (read from the PDF itself: its QR squares decoded), which
 * shows the reference as valid with its status, and the card as valid — then NOT VALID as soon as the
 * staff member is deactivated. The staff pages show the card number and link to the PDFs. 375 px wide.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { isValidCode } from '@oslrs/core';
import { readPdf } from '../../apps/api/test/pdf.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './server.js';
import { useRegistry } from './use-registry.js';

const fx = useRegistry();

/** The super admin's API session (cookie and CSRF token), as the web app holds it. */
async function adminSession() {
  const res = await fetch(`${fx.registry.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('oslrs_session='))!
    .split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const call = (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${fx.registry.url}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: {
        cookie,
        ...(init.body ? { 'content-type': 'application/json', 'x-csrf-token': csrfToken } : {}),
      },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
  return { cookie, call };
}

/** The one QR code a one-page PDF carries, as the path it opens on this registry. */
async function qrPath(res: Response): Promise<{ url: string; path: string; text: string }> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const pdf = readPdf(Buffer.from(await res.arrayBuffer()));
  expect(pdf.qrs).toHaveLength(1);
  expect(pdf.qrs[0]).toHaveLength(1);
  const url = pdf.qrs[0]![0]!;
  return { url, path: new URL(url).pathname, text: pdf.text };
}

async function phonePage(): Promise<{ page: Page; problems: string[] }> {
  const page = await fx.browser.newPage({ viewport: { width: 375, height: 800 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return { page, problems };
}

const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

it("a slip's QR code opens the public check: the reference is valid, with its status and no name", async () => {
  // A paper registration typed in earlier: the record as the registry keeps it (its reference drawn by the database).
  const client = new pg.Client({ connectionString: fx.registry.databaseUrl });
  await client.connect();
  const id = uuidv7();
  const { rows } = await client.query<{ reference: string }>(
    `insert into respondents (id, status, source, surname, firstname, lga_code)
     values ($1, 'active', 'clerk', 'Adéyẹmí', 'Ọlábísí', 'ibadan_north') returning reference`,
    [id],
  );
  await client.end();
  const reference = rows[0]!.reference;
  expect(isValidCode('registration', reference)).toBe(true);

  const admin = await adminSession();
  const slip = await qrPath(await admin.call(`/respondents/${id}/slip.pdf`));
  expect(slip.text).toContain('Ọlábísí Adéyẹmí');
  expect(slip.path).toBe(`/verify/r/${reference}`);

  const { page, problems } = await phonePage();
  await page.goto(`${fx.registry.url}${slip.path}`);
  await page.getByTestId('verify-status').waitFor();
  expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Check a registration');
  expect(await page.getByText('This registration reference is valid.').count()).toBe(1);
  expect(await page.getByTestId('verify-reference').innerText()).toBe(reference);
  expect(await page.getByTestId('verify-status').innerText()).toBe('Status: Registered');
  const body = await page.locator('body').innerText();
  expect(body).not.toContain('Adéyẹmí');
  expect(await fitsWidth(page)).toBe(true);

  // A mistyped reference is caught on the device, before any look-up.
  const typo = reference.slice(0, -1) + (reference.endsWith('2') ? '3' : '2');
  await page.goto(`${fx.registry.url}/verify/r/${typo}`);
  await page.getByText('This is not a valid registration reference', { exact: false }).waitFor();
  expect(problems).toEqual([]);
  await page.close();
});

it("a staff ID card's QR code opens its check: valid, then NOT VALID once the staff member is deactivated", async () => {
  const admin = await adminSession();
  const invited = await admin.call('/staff', {
    method: 'POST',
    body: {
      fullName: 'Adéwálé Ọládèjì',
      email: `e2e.card.${randomUUID().slice(0, 8)}@staff.test`,
      phone: '08031234567',
      role: 'enumerator',
      lga: 'ibadan_north',
    },
  });
  expect(invited.status).toBe(201);
  const { staff } = (await invited.json()) as { staff: { id: string; cardNumber: string } };

  const card = await qrPath(await admin.call(`/staff/${staff.id}/card.pdf`));
  expect(card.text).toContain('Adéwálé Ọládèjì');
  expect(card.text).toContain(staff.cardNumber);
  expect(card.path).toBe(`/verify/${staff.cardNumber}`);

  const { page, problems } = await phonePage();
  await page.goto(`${fx.registry.url}${card.path}`);
  const shown = page.getByTestId('verify-card');
  await shown.waitFor();
  expect(await shown.getAttribute('data-valid')).toBe('true');
  expect(await page.getByText('Valid card: this person works for the registry.').count()).toBe(1);
  expect(await page.getByTestId('verify-name').innerText()).toBe('Adéwálé Ọládèjì');
  expect(await page.locator('body').innerText()).toContain('Ibadan North');
  expect(await fitsWidth(page)).toBe(true);

  const off = await admin.call(`/staff/${staff.id}`, { method: 'PATCH', body: { status: 'deactivated' } });
  expect(off.status).toBe(200);
  await page.reload();
  await shown.waitFor();
  expect(await shown.getAttribute('data-valid')).toBe('false');
  expect(await page.getByText('NOT VALID', { exact: false }).count()).toBe(1);
  expect(problems).toEqual([]);
  await page.close();
});

it('the staff pages show the card number and link to the card and to bulk printing', async () => {
  const admin = await adminSession();
  const invited = await admin.call('/staff', {
    method: 'POST',
    body: {
      fullName: 'Fúnmiláyọ̀ Ògúnlànà',
      email: `e2e.page.${randomUUID().slice(0, 8)}@staff.test`,
      phone: '08031234568',
      role: 'supervisor',
      lga: 'oyo_east',
    },
  });
  const { staff } = (await invited.json()) as { staff: { id: string; cardNumber: string } };
  const page = await fx.browser.newPage({ viewport: { width: 375, height: 800 } });
  await page.goto(`${fx.registry.url}/login`);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/);

  await page.goto(`${fx.registry.url}/admin/staff/${staff.id}`);
  await page.getByTestId('staff-card-number').waitFor();
  expect(await page.getByTestId('staff-card-number').innerText()).toBe(staff.cardNumber);
  const href = await page.getByTestId('staff-card').getAttribute('href');
  expect(href).toBe(`/api/v1/staff/${staff.id}/card.pdf?lang=en`);
  // The link works with the page's own session.
  const pdf = await page.request.get(`${fx.registry.url}${href}`);
  expect(pdf.headers()['content-type']).toBe('application/pdf');

  await page.goto(`${fx.registry.url}/admin/staff?role=supervisor`);
  const bulk = page.getByTestId('staff-cards');
  await bulk.waitFor();
  expect(await bulk.getAttribute('href')).toBe('/api/v1/staff/cards.pdf?role=supervisor&lang=en');
  expect(await fitsWidth(page)).toBe(true);
  await page.close();
});
