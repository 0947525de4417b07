import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { CODE_SPACE, encodeCode, isValidCode, lgaName } from '@oslrs/core';
import { auditLog, jobs, mailOutbox, respondents, users } from '../../db/schema/index.js';
import { rowsOf } from '../../infra/db.js';
import { waitFor, type Session } from '../../../test/harness.js';
import { useTestApp } from '../../../test/use-test-app.js';
import { masterAnswers, publishForm, settled, submissionBody, submit, type Published } from '../../../test/testkit.js';
import { readPdf } from '../../../test/pdf.js';
import { MAX_CARDS_PER_PDF } from './service.js';

/**
 * Issue 16, items 4–6: short registration references, registration slips, staff ID cards and the
 * public checks their QR codes open, on the real database.
 */
const app = useTestApp();
const PUBLIC = 'http://registry.test';
let form: Published;

beforeAll(async () => {
  form = await publishForm(app.t, app.admin);
});

/** A resident who registers through the public form; a Yoruba name with its marks. */
async function registeredResident(over: Record<string, string> = {}) {
  const resident = await app.as('public_user');
  const answers = masterAnswers({ surname: 'Adéyẹmí', firstname: 'Ọlábísí', lga_id: 'ibadan_north', ...over });
  const body = submissionBody(form.versionId, { answers });
  expect((await submit(app.t, resident, body)).statusCode).toBe(202);
  const [row] = await settled(app.t, [body.id]);
  expect(row!.status).toBe('ingested');
  const [r] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, row!.respondentId!));
  return { resident, submissionId: body.id, respondent: r! };
}

const pdfOf = (res: { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer; body: string }) => {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  return readPdf(res.rawPayload);
};

/** Anonymous calls from their own address (each test its own rate-limit budget). */
let addr = 0;
const anon = (url: string, ip = `10.16.0.${++addr}`) => app.t.app.inject({ method: 'GET', url, remoteAddress: ip });

describe('registration references', () => {
  it('the database computes the same codes as @oslrs/core (both kinds)', async () => {
    const ns = [0, 1, 2, 30, 31, 961, 123_456, 9_999_999, CODE_SPACE - 1];
    const result = await app.t.database.db.execute(
      sql`select n, oslrs_code('OY', 0, 0, n) as reg, oslrs_code('OYS', 13, 777777, n) as card
            from unnest(${`{${ns.join(',')}}`}::bigint[]) as n`,
    );
    const rows = rowsOf<{ n: string; reg: string; card: string }>(result);
    expect(rows).toHaveLength(ns.length);
    for (const r of rows) {
      expect(r.reg).toBe(encodeCode('registration', Number(r.n)));
      expect(r.card).toBe(encodeCode('card', Number(r.n)));
    }
    await expect(app.t.database.db.execute(sql`select oslrs_code('OY', 0, 0, ${CODE_SPACE})`)).rejects.toThrow();
  });

  it('every new respondent gets a valid reference in its insert; one reference is never given twice', async () => {
    const { resident, submissionId, respondent } = await registeredResident();
    expect(isValidCode('registration', respondent.reference)).toBe(true);
    // The resident's record and the submission's status carry it; the UUID stays internal.
    const me = await app.call(resident, { method: 'GET', url: '/api/v1/me/registration' });
    expect(me.json().registration.reference).toBe(respondent.reference);
    const status = await app.call(resident, { method: 'GET', url: `/api/v1/submissions/${submissionId}` });
    expect(status.json().reference).toBe(respondent.reference);
    // Unique by constraint.
    const other = await registeredResident();
    expect(other.respondent.reference).not.toBe(respondent.reference);
    await expect(
      app.t.database.db
        .update(respondents)
        .set({ reference: respondent.reference })
        .where(eq(respondents.id, other.respondent.id)),
    ).rejects.toMatchObject({ cause: { code: '23505', constraint: 'respondents_reference_uq' } });
  });

  it('staff find a respondent by reference, with or without dashes, in any case; scope still applies', async () => {
    const { respondent } = await registeredResident();
    const ref = respondent.reference;
    for (const q of [ref, ref.toLowerCase(), ref.replace(/-/g, ''), ref.replace(/-/g, ' ').toLowerCase()]) {
      const res = await app.call(app.admin, { method: 'GET', url: `/api/v1/respondents?q=${encodeURIComponent(q)}` });
      expect(res.statusCode).toBe(200);
      expect(
        res.json().items.map((i: { id: string; reference: string }) => [i.id, i.reference]),
        q,
      ).toEqual([[respondent.id, ref]]);
    }
    const elsewhere = await app.as('supervisor', { lgaCode: 'oyo_east' });
    const hidden = await app.call(elsewhere, { method: 'GET', url: `/api/v1/respondents?q=${ref}` });
    expect(hidden.json().items).toEqual([]);
    const here = await app.as('supervisor', { lgaCode: 'ibadan_north' });
    const shown = await app.call(here, { method: 'GET', url: `/api/v1/respondents?q=${ref}` });
    expect(shown.json().items.map((i: { id: string }) => i.id)).toEqual([respondent.id]);
  });
});

describe('registration slip', () => {
  it("the resident's slip: name with Yoruba marks, reference, LGA, date, status, and a QR to the public check", async () => {
    const { resident, respondent } = await registeredResident();
    const pdf = pdfOf(await app.call(resident, { method: 'GET', url: '/api/v1/me/registration/slip.pdf?lang=en' }));
    expect(pdf.pages).toBe(1);
    expect(pdf.notdef).toBe(0);
    expect(pdf.text).toContain('Ọlábísí Adéyẹmí');
    expect(pdf.text).toContain(respondent.reference);
    expect(pdf.text).toContain(lgaName('ibadan_north'));
    expect(pdf.text).toContain('Registered');
    expect(pdf.text).toMatch(/\d{1,2} \w+ 20\d\d/);
    // No NIN, no phone.
    expect(pdf.text).not.toMatch(/\d{11}/);
    const url = `${PUBLIC}/verify/r/${respondent.reference}`;
    expect(pdf.qrs).toEqual([[url]]);
    // In Yoruba when asked (or when the browser prefers it).
    const yo = pdfOf(await app.call(resident, { method: 'GET', url: '/api/v1/me/registration/slip.pdf?lang=yo' }));
    expect(yo.text).toContain('Ìwé-ẹ̀rí ìforúkọsílẹ̀');
    // A plain o after an ọ̀ still reads back as o (each glyph one letter in the text layer).
    expect(yo.text).toContain(lgaName('ibadan_north'));
    expect(yo.notdef).toBe(0);
    const byHeader = pdfOf(
      await app.call(resident, {
        method: 'GET',
        url: '/api/v1/me/registration/slip.pdf',
        headers: { 'accept-language': 'yo-NG,yo;q=0.9,en;q=0.5' },
      }),
    );
    expect(byHeader.text).toContain('Ìwé-ẹ̀rí ìforúkọsílẹ̀');
  });

  it('a resident without a registration gets 409; others are refused', async () => {
    const fresh = await app.as('public_user');
    const res = await app.call(fresh, { method: 'GET', url: '/api/v1/me/registration/slip.pdf' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('NOT_REGISTERED');
    expect((await app.call(null, { method: 'GET', url: '/api/v1/me/registration/slip.pdf' })).statusCode).toBe(401);
    const enumerator = await app.as('enumerator');
    expect((await app.call(enumerator, { method: 'GET', url: '/api/v1/me/registration/slip.pdf' })).statusCode).toBe(
      403,
    );
    const bad = await app.call(fresh, { method: 'GET', url: '/api/v1/me/registration/slip.pdf?lang=fr' });
    expect(bad.statusCode).toBe(400);
  });

  it("staff print a respondent's slip within their scope (supervisors: own LGA only); audited", async () => {
    const { respondent } = await registeredResident();
    const url = `/api/v1/respondents/${respondent.id}/slip.pdf`;
    const pdf = pdfOf(await app.call(app.admin, { method: 'GET', url }));
    expect(pdf.text).toContain(respondent.reference);
    expect(pdf.qrs).toEqual([[`${PUBLIC}/verify/r/${respondent.reference}`]]);
    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'respondent.slip_printed'), eq(auditLog.targetId, respondent.id)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actorId).toBe(app.admin.user.id);

    const here = await app.as('supervisor', { lgaCode: 'ibadan_north' });
    expect((await app.call(here, { method: 'GET', url })).statusCode).toBe(200);
    const elsewhere = await app.as('supervisor', { lgaCode: 'oyo_east' });
    expect((await app.call(elsewhere, { method: 'GET', url })).statusCode).toBe(404);
    for (const role of ['enumerator', 'data_entry_clerk', 'public_user'] as const) {
      const s = await app.as(role);
      expect((await app.call(s, { method: 'GET', url })).statusCode, role).toBe(403);
    }
    const missing = await app.call(app.admin, { method: 'GET', url: `/api/v1/respondents/${uuidv7()}/slip.pdf` });
    expect(missing.statusCode).toBe(404);
  });
});

describe('registration confirmation email', () => {
  it("the worker's own tick writes it once a web registration is ingested (reference-delivery.test.ts has the rest)", async () => {
    const { resident, respondent } = await registeredResident();
    const [mail] = await waitFor(async () => {
      const rows = await app.t.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, resident.user.email));
      return rows.length ? rows : null;
    });
    expect(mail!.subject).toBe(`Your registration reference: ${respondent.reference}`);
    expect(mail!.body).toContain(`${PUBLIC}/verify/r/${respondent.reference}`);
  });
});

describe('public registration check', () => {
  it('says only that the reference is valid and its status, whatever the case or dashes', async () => {
    const { respondent } = await registeredResident();
    const ref = respondent.reference;
    for (const code of [ref, ref.toLowerCase().replace(/-/g, '')]) {
      const res = await anon(`/api/v1/verify/registration/${code}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ valid: true, reference: ref, status: 'active', verified: false });
    }
  });

  it('a typo is a 400 (the check character), a stranger string a 400, an unused reference a 404', async () => {
    const { respondent } = await registeredResident();
    const ref = respondent.reference;
    const last = ref.at(-1)!;
    const typo = ref.slice(0, -1) + (last === '2' ? '3' : '2');
    const res = await anon(`/api/v1/verify/registration/${typo}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'REFERENCE_INVALID', details: { problem: 'check' } });
    const garbage = await anon(`/api/v1/verify/registration/hello`);
    expect(garbage.json().error).toMatchObject({ code: 'REFERENCE_INVALID', details: { problem: 'shape' } });
    const unused = await anon(`/api/v1/verify/registration/${encodeCode('registration', CODE_SPACE - 7)}`);
    expect(unused.statusCode).toBe(404);
    expect(unused.json().error.code).toBe('NOT_FOUND');
  });

  it('is rate-limited per address: the 31st check in a minute is a 429', async () => {
    const { respondent } = await registeredResident();
    const ip = '10.16.99.1';
    for (let i = 0; i < 30; i++)
      expect((await anon(`/api/v1/verify/registration/${respondent.reference}`, ip)).statusCode).toBe(200);
    const res = await anon(`/api/v1/verify/registration/${respondent.reference}`, ip);
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe('RATE_LIMITED');
    // Another address is not held back.
    expect((await anon(`/api/v1/verify/registration/${respondent.reference}`, '10.16.99.2')).statusCode).toBe(200);
  });
});

describe('staff ID cards', () => {
  async function invite(role = 'enumerator', lga: string | null = 'ibadan_north', fullName = 'Adéwálé Ọládèjì') {
    const res = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: {
        fullName,
        email: `card.${randomUUID().slice(0, 8)}@staff.test`,
        phone: `080${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
        role,
        lga,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().staff as { id: string; cardNumber: string; cardExpiresAt: string; status: string };
  }

  it('every staff member gets a unique card number and a two-year expiry when created', async () => {
    const staff = await invite();
    expect(isValidCode('card', staff.cardNumber)).toBe(true);
    const years = (Date.parse(staff.cardExpiresAt) - Date.now()) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(1.99);
    expect(years).toBeLessThan(2.01);
    const got = await app.call(app.admin, { method: 'GET', url: `/api/v1/staff/${staff.id}` });
    expect(got.json().staff.cardNumber).toBe(staff.cardNumber);
    // The bootstrap admin has one too (migration backfill / trigger), and residents none.
    const [admin] = await app.t.database.db.select().from(users).where(eq(users.id, app.admin.user.id));
    expect(isValidCode('card', admin!.cardNumber!)).toBe(true);
    const resident = await app.as('public_user');
    const [r] = await app.t.database.db.select().from(users).where(eq(users.id, resident.user.id));
    expect(r!.cardNumber).toBeNull();
    // Unique by constraint.
    const other = await invite();
    await expect(
      app.t.database.db.update(users).set({ cardNumber: staff.cardNumber }).where(eq(users.id, other.id)),
    ).rejects.toMatchObject({ cause: { code: '23505', constraint: 'users_card_number_uq' } });
  });

  it('two bulk CSV imports running at once give every person a different card number', async () => {
    const domain = `cards${Date.now().toString(36)}.test`;
    const file = (k: number) =>
      'full_name,email,phone,role,lga\n' +
      Array.from(
        { length: 120 },
        (_, i) =>
          `Person ${k}-${i} Okafor,p${k}.${i}@${domain},080${String(k * 1000 + i).padStart(8, '0')},enumerator,`,
      )
        .map((l, i) => l + ['ibadan_north', 'oyo_east', 'ogbomosho_north'][i % 3])
        .join('\n') +
      '\n';
    const started = await Promise.all(
      [1, 2, 3].map((k) =>
        app.call(app.admin, {
          method: 'POST',
          url: '/api/v1/staff/import',
          payload: file(k),
          headers: { 'content-type': 'text/csv' },
        }),
      ),
    );
    const ids = started.map((r) => {
      expect(r.statusCode, r.body).toBe(202);
      return r.json().job.id as string;
    });
    await waitFor(async () => {
      const rows = await app.t.database.db.select({ state: jobs.state }).from(jobs).where(inArray(jobs.id, ids));
      return rows.every((j) => j.state === 'completed' || j.state === 'failed');
    }, 60_000);
    const imported = await app.t.database.db
      .select({ cardNumber: users.cardNumber })
      .from(users)
      .where(like(users.email, `%@${domain}`));
    expect(imported).toHaveLength(360);
    const numbers = imported.map((u) => u.cardNumber);
    expect(numbers.every((n) => n !== null && isValidCode('card', n))).toBe(true);
    expect(new Set(numbers).size).toBe(360);
  });

  it("a card PDF: name with its marks, role, LGA, number, expiry, a photo box, and a QR to the card's check; audited", async () => {
    const staff = await invite();
    // Tone marks over capitals, and dots under letters that carry a tone too.
    const capital = await invite('enumerator', 'ibadan_north', 'Ọ̀ṣúnníyì Ẹ̀kúndayọ̀');
    const capitalPdf = pdfOf(await app.call(app.admin, { method: 'GET', url: `/api/v1/staff/${capital.id}/card.pdf` }));
    expect(capitalPdf.text).toContain('Ọ̀ṣúnníyì Ẹ̀kúndayọ̀');
    expect(capitalPdf.notdef).toBe(0);
    const pdf = pdfOf(await app.call(app.admin, { method: 'GET', url: `/api/v1/staff/${staff.id}/card.pdf?lang=en` }));
    expect(pdf.notdef).toBe(0);
    for (const text of ['Adéwálé Ọládèjì', 'Enumerator', lgaName('ibadan_north')!, staff.cardNumber, 'Photo'])
      expect(pdf.text).toContain(text);
    expect(pdf.qrs).toEqual([[`${PUBLIC}/verify/${staff.cardNumber}`]]);
    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'staff.card_printed'), eq(auditLog.targetId, staff.id)));
    expect(audits).toHaveLength(1);
    const yo = pdfOf(await app.call(app.admin, { method: 'GET', url: `/api/v1/staff/${staff.id}/card.pdf?lang=yo` }));
    expect(yo.text).toContain('Káàdì ìdánimọ̀ òṣìṣẹ́');

    for (const role of ['supervisor', 'verification_assessor', 'enumerator', 'public_user'] as const) {
      const s: Session = await app.as(role);
      const res = await app.call(s, { method: 'GET', url: `/api/v1/staff/${staff.id}/card.pdf` });
      expect(res.statusCode, role).toBe(403);
    }
    expect((await app.call(app.admin, { method: 'GET', url: `/api/v1/staff/${uuidv7()}/card.pdf` })).statusCode).toBe(
      404,
    );
  });

  it("bulk printing follows the staff list's filters, ten cards to a sheet, and refuses more than the cap", async () => {
    const lga = 'saki_east';
    const made = [];
    for (let i = 0; i < 12; i++) made.push(await invite('supervisor', lga));
    const pdf = pdfOf(
      await app.call(app.admin, { method: 'GET', url: `/api/v1/staff/cards.pdf?role=supervisor&lga=${lga}` }),
    );
    expect(pdf.pages).toBe(2);
    expect(pdf.qrs.map((p) => p.length)).toEqual([10, 2]);
    expect(new Set(pdf.qrs.flat())).toEqual(new Set(made.map((s) => `${PUBLIC}/verify/${s.cardNumber}`)));
    const audit = await app.t.database.db.select().from(auditLog).where(eq(auditLog.action, 'staff.cards_printed'));
    expect(audit.at(-1)!.after).toMatchObject({ count: 12 });

    // Past the cap: a clear 400, not a huge PDF.
    await app.t.database.db.insert(users).values(
      Array.from({ length: MAX_CARDS_PER_PDF + 1 }, (_, i) => ({
        id: uuidv7(),
        email: `bulk.${i}.${Date.now()}@cap.test`,
        fullName: `Bulk ${i}`,
        role: 'data_entry_clerk',
        status: 'invited',
      })),
    );
    const over = await app.call(app.admin, { method: 'GET', url: '/api/v1/staff/cards.pdf?role=data_entry_clerk' });
    expect(over.statusCode).toBe(400);
    expect(over.json().error).toMatchObject({ code: 'TOO_MANY_CARDS', details: { max: MAX_CARDS_PER_PDF } });
    const bad = await app.call(app.admin, { method: 'GET', url: '/api/v1/staff/cards.pdf?lga=atlantis' });
    expect(bad.statusCode).toBe(400);
    const sup = await app.as('supervisor');
    expect((await app.call(sup, { method: 'GET', url: '/api/v1/staff/cards.pdf' })).statusCode).toBe(403);
  });

  it('the public card check: name, role, LGA while the account stands; valid false at once when deactivated', async () => {
    const staff = await invite('enumerator', 'ibadan_north');
    const res = await anon(`/api/v1/verify/${staff.cardNumber.toLowerCase()}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      valid: true,
      cardNumber: staff.cardNumber,
      name: 'Adéwálé Ọládèjì',
      role: 'enumerator',
      lga: 'ibadan_north',
      expiresAt: staff.cardExpiresAt,
    });
    const off = await app.call(app.admin, {
      method: 'PATCH',
      url: `/api/v1/staff/${staff.id}`,
      payload: { status: 'deactivated' },
    });
    expect(off.statusCode, off.body).toBe(200);
    const after = await anon(`/api/v1/verify/${staff.cardNumber}`);
    expect(after.json()).toMatchObject({ valid: false, cardNumber: staff.cardNumber });

    // An expired card is not valid either.
    const other = await invite();
    await app.t.database.db.update(users).set({ cardExpiresAt: '2020-01-01' }).where(eq(users.id, other.id));
    expect((await anon(`/api/v1/verify/${other.cardNumber}`)).json().valid).toBe(false);
  });

  it('card check: typo 400, unknown 404, a registration reference is not a card, rate-limited (429)', async () => {
    const staff = await invite();
    const typo = staff.cardNumber.slice(0, -1) + (staff.cardNumber.endsWith('2') ? '3' : '2');
    const bad = await anon(`/api/v1/verify/${typo}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'CARD_NUMBER_INVALID', details: { problem: 'check' } });
    expect((await anon(`/api/v1/verify/${encodeCode('registration', 5)}`)).statusCode).toBe(400);
    expect((await anon(`/api/v1/verify/${encodeCode('card', CODE_SPACE - 3)}`)).statusCode).toBe(404);
    const ip = '10.16.98.1';
    for (let i = 0; i < 30; i++) expect((await anon(`/api/v1/verify/${staff.cardNumber}`, ip)).statusCode).toBe(200);
    expect((await anon(`/api/v1/verify/${staff.cardNumber}`, ip)).statusCode).toBe(429);
  });
});
