import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { REVEALS_PER_DAY, type MarketplaceProfile } from '@oslrs/core';
import { useTestApp } from '../../../test/use-test-app.js';
import { masterAnswers, publishForm, settled, submissionBody, submit, type Published } from '../../../test/testkit.js';
import { linkToken, nthMail } from '../../../test/residents.js';
import type { Session } from '../../../test/harness.js';
import { contactReveals, marketplaceProfiles, respondents, searchers } from '../../db/schema/index.js';
import { ensureProfiles, publicProfile, syncProfile, type MarketplaceSubject } from './index.js';
import { RespondentRepository, marketplaceSubject } from '../respondents/index.js';

/**
 * The skills marketplace (issue 12): profiles kept by ingestion and every later change, the public
 * search (ranked, filtered, cursor-paged, never personal data), searchers, reveals and their caps,
 * the bot trap, and residents' consent. All on the real database, through the HTTP routes.
 */
const app = useTestApp();
let form: Published;
let ipSeq = 0;
/** Every test's anonymous calls come from their own address, so the per-address limits stay apart. */
const freshIp = () => `10.9.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

const search = (qs: string, ip = freshIp(), session: Session | null = null) =>
  app.call(session, { method: 'GET', url: `/api/v1/marketplace/profiles?${qs}`, remoteAddress: ip });

beforeAll(async () => {
  form = await publishForm(app.t, app.admin);
});

/** A person registered through an enumerator, as the field does; returns their respondent id. */
async function registered(overrides: Parameters<typeof masterAnswers>[0] = {}) {
  const enumerator = await app.as('enumerator');
  const body = submissionBody(form.versionId, { answers: masterAnswers(overrides) });
  expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
  const [row] = await settled(app.t, [body.id]);
  expect(row!.status, JSON.stringify(row!.error)).toBe('ingested');
  return row!.respondentId!;
}

async function profileOf(respondentId: string) {
  const [p] = await app.t.database.db
    .select()
    .from(marketplaceProfiles)
    .where(eq(marketplaceProfiles.respondentId, respondentId));
  return p;
}

/** A searcher registered, their email confirmed from the mail, and signed in. */
async function verifiedSearcher(organisation = 'Ibadan Builders Ltd') {
  const email = `hire.${randomUUID().slice(0, 8)}@employer.test`;
  const password = 'searching for good hands';
  const res = await app.call(null, {
    method: 'POST',
    url: '/api/v1/searchers/register',
    payload: { fullName: 'Adaeze Okafor', email, password, organisation, acceptTerms: true },
    remoteAddress: freshIp(),
  });
  expect(res.statusCode, res.body).toBe(201);
  const mail = await nthMail(app.t, email);
  const token = linkToken(mail.body, '/marketplace/verify');
  const login = async () => {
    const { t } = app;
    const r = await t.services.auth.login(
      email,
      password,
      { kind: 'user', id: null, role: null, lgaCode: null, ip: '127.0.0.1', requestId: 't' },
      null,
    );
    return {
      cookie: `oslrs_session=${r.token}`,
      csrfToken: r.csrfToken,
      user: { id: r.user.id, role: r.user.role, email },
    } as Session;
  };
  return { email, token, login };
}

const reveal = (s: Session, id: string, purpose = 'We need a tailor for a school uniform order') =>
  app.call(s, { method: 'POST', url: `/api/v1/marketplace/profiles/${id}/reveal`, payload: { purpose } });

describe('profiles kept by ingestion', () => {
  it('a consenting respondent with a NIN gets one anonymous profile with a random id; the search shows nothing personal', async () => {
    const surname = `Adeyemi${randomUUID().slice(0, 6)}`;
    const respondentId = await registered({ surname, phone_number: '08031112222' });
    const p = await profileOf(respondentId);
    expect(p).toBeDefined();
    expect(p!.id).not.toBe(respondentId);
    expect(p!.id[14]).toBe('4'); // a random (v4) id, not a time-ordered one
    expect(p).toMatchObject({
      profession: 'Tailor',
      lgaCode: 'ibadan_north',
      experience: '7_10',
      yearsMin: 7,
      verified: false,
    });
    expect(p!.skills).toEqual(['tailoring', 'fashion_design', 'bag_making']);

    const res = await search('q=tailor&lga=ibadan_north&limit=50');
    expect(res.statusCode, res.body).toBe(200);
    const found = (res.json().items as MarketplaceProfile[]).find((i) => i.id === p!.id);
    expect(found).toMatchObject({ profession: 'Tailor', lga: { code: 'ibadan_north' }, verified: false });
    expect(found!.experience).toMatchObject({ band: '7_10' });
    expect(found!.skills.map((s) => s.slug)).toContain('tailoring');
    expect(res.body).not.toContain(surname);
    expect(res.body).not.toContain('08031112222');
    expect(res.body).not.toContain('2348031112222');
    expect(res.body).not.toContain(respondentId);
    expect(Object.keys(found!).sort()).toEqual([
      'bio',
      'experience',
      'id',
      'lga',
      'profession',
      'professionSkill',
      'skills',
      'verified',
    ]);
    // "Tailor" was typed: no skill of the taxonomy names it, so pages show it as typed.
    expect(found!.professionSkill).toBeNull();
    // A profession that is a skill's name carries its slug, so pages name it in the reader's language.
    expect(
      publicProfile({
        id: p!.id,
        profession: 'Tailoring/Sewing',
        skills: ['tailoring'],
        lgaCode: 'iseyin',
        experience: null,
        verified: false,
        bio: null,
      }),
    ).toMatchObject({
      professionSkill: 'tailoring',
      skills: [
        { slug: 'tailoring', label: 'Tailoring/Sewing', sector: 'FBP', sectorName: 'Fashion, Beauty & Personal Care' },
      ],
    });
    // The worker's own line (the questionnaire's bio_short) is the one free text shown.
    expect(found!.bio).toMatch(/^Tailor and fashion designer/);
    const one = await app.call(null, {
      method: 'GET',
      url: `/api/v1/marketplace/profiles/${p!.id}`,
      remoteAddress: freshIp(),
    });
    expect(one.statusCode).toBe(200);
    expect(one.json().profile).toEqual(found);
  });

  it('no profile without the first consent, or without a NIN on file (pending capture)', async () => {
    const declined = await registered({ consent_marketplace: 'no', consent_enriched: 'no' });
    expect(await profileOf(declined)).toBeUndefined();
    const resident = await app.publicUser();
    const body = submissionBody(form.versionId, {
      answers: masterAnswers({ nin: undefined, email: `later.${randomUUID().slice(0, 6)}@x.test` }),
      ninDeferred: true,
    });
    expect((await submit(app.t, resident, body)).statusCode).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect(row!.status).toBe('ingested');
    expect(await profileOf(row!.respondentId!)).toBeUndefined();
  });

  it("an assessor's verification gives the badge; a rejection removes the profile at once", async () => {
    const assessor = await app.as('verification_assessor');
    const a = await registered();
    const b = await registered();
    const decide = (id: string, decision: string) =>
      app.call(assessor, {
        method: 'POST',
        url: `/api/v1/respondents/${id}/verification`,
        payload: {
          decision,
          reason: decision === 'rejected' ? 'The person could not be found at the address' : undefined,
        },
      });
    expect((await decide(a, 'verified')).statusCode).toBe(200);
    expect((await profileOf(a))!.verified).toBe(true);
    const badge = await search(`q=tailor&verified=true&limit=50`);
    expect((badge.json().items as MarketplaceProfile[]).some((i) => i.id === undefined)).toBe(false);
    expect((badge.json().items as MarketplaceProfile[]).every((i) => i.verified)).toBe(true);
    const idB = (await profileOf(b))!.id;
    expect((await decide(b, 'rejected')).statusCode).toBe(200);
    expect(await profileOf(b)).toBeUndefined();
    const gone = await app.call(null, {
      method: 'GET',
      url: `/api/v1/marketplace/profiles/${idB}`,
      remoteAddress: freshIp(),
    });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('PROFILE_NOT_FOUND');
  });
});

describe('search', () => {
  // Profiles straight through the marketplace's own hook (no respondents needed for ranking and paging).
  const lga = 'saki_east';
  const subject = (i: number, extra: Partial<MarketplaceSubject> = {}): MarketplaceSubject => ({
    respondentId: randomUUID(),
    status: 'active',
    ninOnFile: true,
    consentMarketplace: true,
    mainOccupation: 'Metal fabricator',
    skills: ['welding'],
    lgaCode: lga,
    yearsExperience: i % 2 ? '4_6' : '1_3',
    verified: i % 3 === 0,
    bio: null,
    ...extra,
  });
  beforeAll(async () => {
    await app.t.database.db.transaction(async (tx) => {
      for (let i = 0; i < 45; i++) await syncProfile(tx, subject(i));
      await syncProfile(tx, subject(100, { mainOccupation: 'Welding technician', skills: ['plumbing'] }));
      await syncProfile(tx, subject(101, { mainOccupation: 'Vulcanizer', skills: ['tailoring'], lgaCode: 'iseyin' }));
    });
  });

  it('ranks a match in the profession above one in the skills, verified first within a rank', async () => {
    const items = (await search(`q=welding&lga=${lga}&limit=50`)).json().items as MarketplaceProfile[];
    expect(items.length).toBe(46);
    expect(items[0]!.profession).toBe('Welding technician');
    const rest = items.slice(1);
    const firstUnverified = rest.findIndex((i) => !i.verified);
    expect(rest.slice(firstUnverified).every((i) => !i.verified)).toBe(true);
    // Trigram: a misspelling still finds the profession.
    const typo = (await search('q=vulcaniser')).json().items as MarketplaceProfile[];
    expect(typo.map((i) => i.profession)).toContain('Vulcanizer');
  });

  it('finds each word of a slashed skill label ("Tailoring/Sewing"), as the profession', async () => {
    await app.t.database.db.transaction((tx) =>
      syncProfile(tx, subject(102, { mainOccupation: null, skills: ['tailoring'], lgaCode: 'ogo_oluwa' })),
    );
    for (const q of ['sewing', 'tailor', 'tailoring']) {
      const items = (await search(`q=${q}&lga=ogo_oluwa`)).json().items as MarketplaceProfile[];
      expect(
        items.map((i) => i.profession),
        q,
      ).toEqual(['Tailoring/Sewing']);
    }
  });

  it('filters on skill + LGA, sector and experience', async () => {
    const both = (await search(`skill=welding&lga=${lga}&limit=50`)).json().items as MarketplaceProfile[];
    expect(both).toHaveLength(45);
    expect(both.every((i) => i.lga.code === lga && i.skills.some((s) => s.slug === 'welding'))).toBe(true);
    const sector = both[0]!.skills[0]!.sector;
    const bySector = (await search(`sector=${sector}&lga=${lga}&limit=50`)).json().items as MarketplaceProfile[];
    expect(bySector.length).toBeGreaterThanOrEqual(45);
    const experienced = (await search(`skill=welding&lga=${lga}&minYears=4&limit=50`)).json()
      .items as MarketplaceProfile[];
    expect(experienced).toHaveLength(22);
    expect(experienced.every((i) => i.experience!.minYears >= 4)).toBe(true);
  });

  it('cursor pages walk every match once, in order, with and without text', async () => {
    for (const qs of [`skill=welding&lga=${lga}`, `q=welding&lga=${lga}`]) {
      const ip = freshIp();
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await search(`${qs}&limit=7${cursor ? `&cursor=${cursor}` : ''}`, ip);
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as { items: MarketplaceProfile[]; nextCursor: string | null };
        seen.push(...body.items.map((i) => i.id));
        cursor = body.nextCursor;
        pages++;
      } while (cursor);
      const all = (await search(`${qs}&limit=50`)).json().items as MarketplaceProfile[];
      expect(seen).toEqual(all.map((i) => i.id));
      expect(new Set(seen).size).toBe(seen.length);
      expect(pages).toBe(Math.ceil(all.length / 7));
    }
  });

  it('bad input is a clear 400, syntax characters are just text, never a 500', async () => {
    const long = await search(`q=${'a'.repeat(10_000)}`);
    expect(long.statusCode).toBe(400);
    expect(long.json().error.code).toBe('VALIDATION_FAILED');
    for (const q of ['&|!:*()', "tailor & (welder | !'x'):*", '\\', "' or 1=1 --", '<->', '!!!!']) {
      const res = await search(`q=${encodeURIComponent(q)}`);
      expect(res.statusCode, `${q}: ${res.body}`).toBe(200);
    }
    const forged = Buffer.from(JSON.stringify([9, 0, 'not-a-uuid'])).toString('base64url');
    for (const cursor of [
      'zzzz',
      forged,
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from(JSON.stringify([2, 0, randomUUID()])).toString('base64url'),
    ]) {
      const res = await search(`skill=welding&cursor=${cursor}`);
      expect(res.statusCode, cursor).toBe(400);
      expect(['VALIDATION_FAILED', 'CURSOR_INVALID']).toContain(res.json().error.code);
    }
    for (const qs of ['skill=juggling', 'lga=atlantis', 'minYears=-1', 'limit=500', 'verified=maybe', 'name=Bola']) {
      const res = await search(qs);
      expect(res.statusCode, qs).toBe(400);
    }
  });

  it('30 searches a minute per address, then 429 with Retry-After: a scripted crawl is cut off', async () => {
    const ip = freshIp();
    let cursor: string | null = null;
    let ok = 0;
    let cut: Awaited<ReturnType<typeof search>> | undefined;
    for (let i = 0; i < 40 && !cut; i++) {
      const res = await search(`skill=welding&limit=1${cursor ? `&cursor=${cursor}` : ''}`, ip);
      if (res.statusCode === 429) cut = res;
      else {
        expect(res.statusCode).toBe(200);
        ok++;
        cursor = res.json().nextCursor;
      }
    }
    expect(ok).toBe(30);
    expect(cut!.json().error.code).toBe('RATE_LIMITED');
    expect(Number(cut!.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await search('skill=welding')).statusCode).toBe(200);
  });
});

describe('searchers and reveals', () => {
  it('register (terms recorded), verify by the emailed token, reveal a consenting worker; every reveal logged', async () => {
    const respondentId = await registered({ surname: 'Olawale', firstname: 'Kemi', phone_number: '08057778888' });
    const profile = (await profileOf(respondentId))!;
    const s = await verifiedSearcher();
    const session = await s.login();
    // Before the email is confirmed: refused.
    const early = await reveal(session, profile.id);
    expect(early.statusCode).toBe(403);
    expect(early.json().error.code).toBe('SEARCHER_NOT_VERIFIED');
    const [row] = await app.t.database.db.select().from(searchers).where(eq(searchers.userId, session.user.id));
    expect(row!.termsVersion).toBeTruthy();
    expect(row!.termsAcceptedAt).toBeInstanceOf(Date);

    const verify = await app.call(null, {
      method: 'POST',
      url: '/api/v1/searchers/verify',
      payload: { token: s.token },
    });
    expect(verify.statusCode, verify.body).toBe(200);
    const again = await app.call(null, {
      method: 'POST',
      url: '/api/v1/searchers/verify',
      payload: { token: s.token },
    });
    expect(again.json().error.code).toBe('TOKEN_INVALID');

    const res = await reveal(session, profile.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      name: 'Kemi Olawale',
      phone: '+2348057778888',
      email: expect.any(String) as unknown,
      remainingToday: REVEALS_PER_DAY - 1,
    });
    // Revealing the same worker again does not use the day's allowance, but is logged.
    expect((await reveal(session, profile.id)).json().remainingToday).toBe(REVEALS_PER_DAY - 1);
    const log = await app.t.database.db
      .select()
      .from(contactReveals)
      .where(eq(contactReveals.respondentId, respondentId));
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ searcherId: session.user.id, profileId: profile.id, ip: '127.0.0.1' });

    const adminLog = await app.call(app.admin, { method: 'GET', url: '/api/v1/marketplace/reveals?limit=100' });
    expect(adminLog.statusCode).toBe(200);
    expect(adminLog.json().items.filter((i: { respondentId: string }) => i.respondentId === respondentId)).toHaveLength(
      2,
    );
    expect((await app.call(session, { method: 'GET', url: '/api/v1/marketplace/reveals' })).statusCode).toBe(403);
    const me = await app.call(session, { method: 'GET', url: '/api/v1/searchers/me' });
    expect(me.json().searcher).toMatchObject({ emailVerified: true, revealsToday: 1, blocked: false });
    // The log cannot be rewritten, even by the app.
    await expect(
      app.t.database.db.delete(contactReveals).where(eq(contactReveals.respondentId, respondentId)),
    ).rejects.toThrow();
  });

  it('a worker without the second consent: 403 CONTACT_NOT_SHARED, nothing logged', async () => {
    const respondentId = await registered({ consent_enriched: 'no' });
    const profile = (await profileOf(respondentId))!;
    const s = await verifiedSearcher();
    await app.call(null, { method: 'POST', url: '/api/v1/searchers/verify', payload: { token: s.token } });
    const res = await reveal(await s.login(), profile.id);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('CONTACT_NOT_SHARED');
    expect(
      await app.t.database.db.select().from(contactReveals).where(eq(contactReveals.respondentId, respondentId)),
    ).toHaveLength(0);
  });

  it('the 51st reveal of the day is a 429 REVEAL_LIMIT with Retry-After', async () => {
    const respondentId = await registered();
    const profile = (await profileOf(respondentId))!;
    const s = await verifiedSearcher();
    await app.call(null, { method: 'POST', url: '/api/v1/searchers/verify', payload: { token: s.token } });
    const session = await s.login();
    // Fifty reveals of other workers earlier today.
    await app.t.database.db.insert(contactReveals).values(
      Array.from({ length: REVEALS_PER_DAY }, () => ({
        id: randomUUID(),
        searcherId: session.user.id,
        profileId: randomUUID(),
        respondentId: randomUUID(),
        purpose: 'earlier today',
      })),
    );
    const res = await reveal(session, profile.id);
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe('REVEAL_LIMIT');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('bad registrations: a staff email, no terms, a weak password — clear 4xx, nothing written', async () => {
    const staff = await app.as('supervisor');
    const before = await app.t.database.db.select({ n: sql<number>`count(*)::int` }).from(searchers);
    const body = {
      fullName: 'Bad Actor',
      email: staff.user.email,
      password: 'a perfectly long password',
      acceptTerms: true,
    };
    const taken = await app.call(null, {
      method: 'POST',
      url: '/api/v1/searchers/register',
      payload: body,
      remoteAddress: freshIp(),
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('EMAIL_IN_USE');
    const noTerms = await app.call(null, {
      method: 'POST',
      url: '/api/v1/searchers/register',
      payload: { ...body, email: 'new@employer.test', acceptTerms: false },
      remoteAddress: freshIp(),
    });
    expect(noTerms.statusCode).toBe(400);
    const after = await app.t.database.db.select({ n: sql<number>`count(*)::int` }).from(searchers);
    expect(after[0]!.n).toBe(before[0]!.n);
    // Only searchers reveal.
    const resident = await app.publicUser();
    expect((await reveal(resident, randomUUID())).statusCode).toBe(403);
    expect(
      (
        await app.call(null, {
          method: 'POST',
          url: `/api/v1/marketplace/profiles/${randomUUID()}/reveal`,
          payload: { purpose: 'x'.repeat(20) },
        })
      ).statusCode,
    ).toBe(401);
  });
});

describe('the bot trap', () => {
  it('the hidden directory link blocks the address and the signed-in searcher; other addresses are unaffected', async () => {
    const options = (await app.call(null, { method: 'GET', url: '/api/v1/marketplace/options' })).json();
    expect(options.skills).toHaveLength(150);
    const trapUrl = options.directory as string;
    expect(trapUrl).toMatch(/^\/api\/v1\/marketplace\/profiles\/[0-9a-f-]{36}$/);
    const s = await verifiedSearcher();
    await app.call(null, { method: 'POST', url: '/api/v1/searchers/verify', payload: { token: s.token } });
    const session = await s.login();
    const ip = freshIp();
    const hit = await app.call(session, { method: 'GET', url: trapUrl, remoteAddress: ip });
    expect(hit.statusCode).toBe(403);
    expect(hit.json().error.code).toBe('ACCESS_BLOCKED');
    expect((await search('skill=welding', ip)).json().error.code).toBe('ACCESS_BLOCKED');
    expect((await search('skill=welding')).statusCode).toBe(200);
    const [row] = await app.t.database.db.select().from(searchers).where(eq(searchers.userId, session.user.id));
    expect(row!.blockedAt).toBeInstanceOf(Date);
    const respondentId = await registered();
    const blocked = await reveal(session, (await profileOf(respondentId))!.id);
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('SEARCHER_BLOCKED');
  });
});

describe("residents' consent", () => {
  it('withdrawing the first consent removes the profile at once; a reveal a moment later is a 404; the resident sees who revealed', async () => {
    const resident = await app.publicUser();
    const body = submissionBody(form.versionId, { answers: masterAnswers({ surname: 'Ajayi', firstname: 'Tunde' }) });
    expect((await submit(app.t, resident, body)).statusCode).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect(row!.status, JSON.stringify(row!.error)).toBe('ingested');
    const profile = (await profileOf(row!.respondentId!))!;
    const s = await verifiedSearcher('Oyo Works');
    await app.call(null, { method: 'POST', url: '/api/v1/searchers/verify', payload: { token: s.token } });
    const searcher = await s.login();
    expect((await reveal(searcher, profile.id, 'Hiring a tailor for our shop')).statusCode).toBe(200);

    const mine = await app.call(resident, { method: 'GET', url: '/api/v1/me/registration' });
    expect(mine.statusCode, mine.body).toBe(200);
    const reg = mine.json().registration;
    expect(reg).toMatchObject({
      respondentId: row!.respondentId,
      consent: { marketplace: true, enriched: true },
      profile: { id: profile.id },
      record: {
        surname: 'Ajayi',
        firstname: 'Tunde',
        // Typed, and no skill's name: shown as typed.
        mainOccupation: 'Tailor',
        mainOccupationSkill: null,
        // The band's English words, and its key for pages that word it in the reader's language.
        experience: '7–10 years',
        experienceBand: '7_10',
        skills: [
          { slug: 'tailoring', label: 'Tailoring/Sewing' },
          { slug: 'fashion_design', label: 'Fashion Design' },
          { slug: 'bag_making', label: 'Bag Making/Leather Craft' },
        ],
      },
      profileNote: null,
    });
    expect(reg.record.nin).toMatch(/^\*{8}\d{3}$/);
    expect(reg.answers.nin).toMatch(/^\*{8}\d{3}$/);
    expect(reg.reveals).toEqual([
      {
        at: expect.any(String) as unknown,
        searcherName: 'Adaeze Okafor',
        organisation: 'Oyo Works',
        purpose: 'Hiring a tailor for our shop',
      },
    ]);

    const bad = await app.call(resident, {
      method: 'PUT',
      url: '/api/v1/me/consent',
      payload: { marketplace: false, enriched: true },
    });
    expect(bad.statusCode).toBe(400);
    expect(await profileOf(row!.respondentId!)).toBeDefined();

    const withdraw = await app.call(resident, {
      method: 'PUT',
      url: '/api/v1/me/consent',
      payload: { marketplace: false, enriched: false },
    });
    expect(withdraw.statusCode, withdraw.body).toBe(200);
    expect(withdraw.json()).toEqual({ consent: { marketplace: false, enriched: false }, listed: false });
    expect(await profileOf(row!.respondentId!)).toBeUndefined();
    const after = await reveal(searcher, profile.id);
    expect(after.statusCode).toBe(404);
    expect(after.json().error.code).toBe('PROFILE_NOT_FOUND');
    const items = (await search('q=tailor&limit=50')).json().items as MarketplaceProfile[];
    expect(items.some((i) => i.id === profile.id)).toBe(false);
    const [r] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, row!.respondentId!));
    expect(r).toMatchObject({ consentMarketplace: false, consentEnriched: false });

    // Giving it back lists them again, with a bio.
    const back = await app.call(resident, {
      method: 'PUT',
      url: '/api/v1/me/consent',
      payload: { marketplace: true, enriched: false },
    });
    expect(back.json()).toEqual({ consent: { marketplace: true, enriched: false }, listed: true });
    expect(
      (
        await app.call(resident, {
          method: 'PUT',
          url: '/api/v1/me/bio',
          payload: { bio: 'School uniforms a speciality' },
        })
      ).statusCode,
    ).toBe(204);
    expect((await profileOf(row!.respondentId!))!.bio).toBe('School uniforms a speciality');
    // Staff and searchers have no registration of their own here.
    expect((await app.call(searcher, { method: 'GET', url: '/api/v1/me/registration' })).statusCode).toBe(403);
  });

  it('a resident who has not registered gets null, and a clear 409 on consent', async () => {
    const resident = await app.publicUser();
    expect((await app.call(resident, { method: 'GET', url: '/api/v1/me/registration' })).json()).toEqual({
      registration: null,
    });
    const res = await app.call(resident, {
      method: 'PUT',
      url: '/api/v1/me/consent',
      payload: { marketplace: true, enriched: true },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('NOT_REGISTERED');
  });
});

describe('listing at start', () => {
  it('a registry with no profiles yet lists its consenting respondents once (and only them)', async () => {
    const listable = await registered();
    const declined = await registered({ consent_marketplace: 'no', consent_enriched: 'no' });
    const { db } = app.t.database;
    await db.delete(marketplaceProfiles);
    const pager = (
      executor: Parameters<Parameters<typeof ensureProfiles>[1]>[0],
      onPage: (p: MarketplaceSubject[]) => Promise<void>,
    ) => new RespondentRepository().forEachListable(executor, (page) => onPage(page.map(marketplaceSubject)), 3);
    const listed = await ensureProfiles(db, pager);
    expect(listed).toBeGreaterThan(0);
    expect(await profileOf(listable)).toBeDefined();
    expect(await profileOf(declined)).toBeUndefined();
    // Not again once there are profiles.
    expect(await ensureProfiles(db, pager)).toBeNull();
  });
});
