/**
 * A super admin opens the USSD simulator from the admin navigation on a 375 px phone-width window,
 * dials, answers every screen of a registration (English, NIN given later) through the real gateway
 * callback, reads the END screen with the reference, and sees the SMS the registry sent: the reference
 * and the NIN-completion link. The gateway secret never reaches the browser.
 */
import { expect, it } from 'vitest';
import { SECTORS, SKILLS } from '@oslrs/core';
import { adminClient, publishPublicCore } from './resident-flows.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './server.js';
import { useRegistry } from './use-registry.js';

const SECRET = 'e2e-gateway-secret-0123456789';
const ctx = useRegistry({ env: { USSD_CALLBACK_SECRET: SECRET, SMS_INTERVAL_MS: '200' } });

it('completes a registration through the simulator and shows the SMS it earned', async () => {
  const { registry, browser } = ctx;
  await publishPublicCore(await adminClient(registry.url));

  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  const problems: string[] = [];
  const bodies: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('response', async (r) => {
    if (r.url().includes('/api/')) bodies.push(await r.text().catch(() => ''));
  });
  page.on('request', (r) => bodies.push(r.url() + (r.postData() ?? '')));

  await page.goto(`${registry.url}/login`);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/);
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'USSD simulator' }).click();
  await page.waitForURL('**/admin/ussd');
  await page.getByRole('heading', { level: 1, name: 'USSD simulator' }).waitFor();

  const phone = '+2348035550101';
  await page.getByLabel('Phone number (as the network reports it)').fill(phone);
  const screen = page.getByTestId('ussd-screen');
  await page.getByRole('button', { name: 'Dial' }).click();
  await expect.poll(() => screen.innerText()).toContain('1 English');

  const sector = String(SECTORS.findIndex((s) => s.code === 'FBP') + 1);
  const skill = String(SKILLS.filter((s) => s.sector === 'FBP').findIndex((s) => s.slug === 'tailoring') + 1);
  const steps: [string, string][] = [
    ['1', '1 Register'],
    ['1', 'Surname'],
    ['Adeleke', 'First name'],
    ['Funmi', 'Gender'],
    ['2', 'Date of birth'],
    ['12041991', 'Your LGA'],
    ['iseyin', 'Choose a sector'],
    [sector, 'Choose your main trade'],
    [skill, 'Type of work'],
    ['1', 'Years of experience'],
    ['3', 'NIN'],
    ['0', 'skills marketplace'],
    ['1', 'name and phone number'],
    ['1', 'NIN: later'],
    ['1', ''],
  ];
  const reply = page.getByLabel('Your reply');
  for (const [answer, next] of steps) {
    await reply.fill(answer);
    await page.getByRole('button', { name: 'Send' }).click();
    if (next) await expect.poll(() => screen.innerText()).toContain(next);
  }
  await page.getByTestId('ussd-ended').waitFor();
  // The record's short reference (OY-7K3-9QX), the same the web, the slip and staff search use.
  expect(await screen.innerText()).toMatch(/Registered\. Your reference is OY-\w{3}-\w{3}\.|registration was received/);

  // The SMS the dev transport recorded: the reference, and the one-time link to add the NIN.
  const outbox = page.getByTestId('sms-outbox');
  await expect.poll(() => outbox.innerText(), { timeout: 20_000 }).toMatch(/Your reference is OY-\w{3}-\w{3}\./);
  await expect.poll(() => outbox.innerText(), { timeout: 20_000 }).toContain('/register/complete-nin?token=');

  // The whole page fits the phone's width.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  expect(bodies.join('\n')).not.toContain(SECRET);
  expect(problems).toEqual([]);
});
