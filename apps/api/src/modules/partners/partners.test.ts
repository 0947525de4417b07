import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { PARTNER_KEY_OVERLAP_MS } from '@oslrs/core';
import { useTestApp } from '../../../test/use-test-app.js';
import { startTestApp, type TestApp } from '../../../test/harness.js';
import { freshNin } from '../../../test/testkit.js';
import { auditLog, partnerKeys, respondents } from '../../db/schema/index.js';
import { keyInQuery, lookupOf, sameHash } from './keys.js';

const app = useTestApp();

async function person(lga: string, extra: { nin?: string | null; phone?: string } = {}) {
  const { pii } = app.t.runtime;
  const id = uuidv7();
  const nin = extra.nin === undefined ? freshNin() : extra.nin;
  await app.t.database.db.insert(respondents).values({
    id,
    status: 'active',
    source: 'enumerator',
    surname: 'Ade',
    firstname: 'Bola',
    gender: 'female',
    dob: '1990-04-01',
    lgaCode: lga,
    skills: ['tailoring'],
    ninHash: pii.blindIndexOrNull(nin, 'nin'),
    ninSealed: pii.sealOrNull(nin, 'nin'),
    phoneHash: pii.blindIndexOrNull(extra.phone, 'phone'),
    phoneSealed: pii.sealOrNull(extra.phone, 'phone'),
  });
  return { id, nin };
}

async function createKey(body: Record<string, unknown>) {
  const res = await app.call(app.admin, { method: 'POST', url: '/api/v1/partner-keys', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { key: string; partnerKey: { id: string; keyPrefix: string; state: string } };
}

const read = (key: string | null, url: string, on: TestApp = app.t, headers: Record<string, string> = {}) =>
  on.app.inject({
    method: 'GET',
    url,
    headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...headers },
  });
const codeOf = (res: { json(): unknown }) => (res.json() as { error: { code: string } }).error.code;

const ALL = ['respondents:read', 'insights:read', 'skills:read'];

describe('partner keys (super admin)', () => {
  it('shows the key once, with its prefix, and stores only a keyed hash', async () => {
    const { key, partnerKey } = await createKey({ name: 'Statistics bureau', scopes: ALL, lgas: 'all' });
    expect(key).toMatch(/^oslrs_pk_[A-Za-z0-9_-]{44}$/);
    expect(key.startsWith(partnerKey.keyPrefix)).toBe(true);
    const [row] = await app.t.database.db.select().from(partnerKeys).where(eq(partnerKeys.id, partnerKey.id));
    expect(JSON.stringify(row)).not.toContain(key.slice(21));
    expect(row!.secretHash).toBe(app.t.runtime.pii.blindIndex(key, 'partner_key'));
    const list = await app.call(app.admin, { method: 'GET', url: '/api/v1/partner-keys' });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(key.slice(21));
    expect(list.json().items.find((k: { id: string }) => k.id === partnerKey.id)).toMatchObject({
      state: 'active',
      callCount: 0,
    });
  });

  it('refuses a scope or an LGA that does not exist, and other roles', async () => {
    const bad = [
      { name: 'X agency', scopes: ['respondents:write'], lgas: 'all' },
      { name: 'X agency', scopes: ['respondents:read'], lgas: ['atlantis'] },
      { name: 'X agency', scopes: [], lgas: 'all' },
      { name: 'X agency', scopes: ['skills:read'], lgas: 'all', rateLimitPerMinute: 0 },
    ];
    for (const payload of bad) {
      const res = await app.call(app.admin, { method: 'POST', url: '/api/v1/partner-keys', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(codeOf(res)).toBe('VALIDATION_FAILED');
    }
    const official = await app.as('government_official');
    const res = await app.call(official, {
      method: 'POST',
      url: '/api/v1/partner-keys',
      payload: { name: 'X agency', scopes: ['skills:read'], lgas: 'all' },
    });
    expect(res.statusCode).toBe(403);
    expect(await app.t.database.db.select().from(partnerKeys).where(eq(partnerKeys.name, 'X agency'))).toEqual([]);
  });
});

describe('partner endpoints', () => {
  let key: string;
  let keyId: string;
  beforeAll(async () => {
    const created = await createKey({
      name: 'Skills agency',
      scopes: ['respondents:read', 'skills:read'],
      lgas: ['ibadan_north', 'oyo_east'],
    });
    key = created.key;
    keyId = created.partnerKey.id;
  });

  it('answers with the bearer key and only the key’s LGAs and allowed fields', async () => {
    const inside = await person('ibadan_north', { phone: '+2348031234567' });
    const outside = await person('ogbomosho_north');
    const res = await read(key, '/api/v1/partner/respondents?limit=500');
    expect(res.statusCode, res.body).toBe(200);
    const ids = res.json().items.map((r: { id: string }) => r.id);
    expect(ids).toContain(inside.id);
    expect(ids).not.toContain(outside.id);
    const item = res.json().items.find((r: { id: string }) => r.id === inside.id);
    expect(item).not.toHaveProperty('nin');
    expect(item).not.toHaveProperty('phone');
    expect(res.body).not.toContain(inside.nin!);
  });

  it('shows the NIN and phone only with their scopes', async () => {
    const p = await person('oyo_east', { phone: '+2348035550000' });
    const { key: k } = await createKey({
      name: 'Identity body',
      scopes: ['respondents:read', 'respondents:nin', 'respondents:phone'],
      lgas: ['oyo_east'],
    });
    const res = await read(k, '/api/v1/partner/respondents?lga=oyo_east&limit=500');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.find((r: { id: string }) => r.id === p.id)).toMatchObject({
      nin: p.nin,
      phone: '+2348035550000',
    });
  });

  it('pages by cursor and filters by updated-since', async () => {
    for (let i = 0; i < 3; i++) await person('oyo_east');
    const seen = new Set<string>();
    let url = '/api/v1/partner/respondents?lga=oyo_east&limit=2';
    for (let i = 0; i < 20 && url; i++) {
      const page = await read(key, url);
      expect(page.statusCode, page.body).toBe(200);
      for (const r of page.json().items) seen.add(r.id);
      const next = page.json().nextCursor;
      url = next ? `/api/v1/partner/respondents?lga=oyo_east&limit=2&cursor=${next}` : '';
    }
    const all = await app.t.database.db.select().from(respondents).where(eq(respondents.lgaCode, 'oyo_east'));
    expect(seen.size).toBe(all.length);
    const future = await read(key, '/api/v1/partner/respondents?updatedSince=2999-01-01T00:00:00Z');
    expect(future.json().items).toEqual([]);
    expect((await read(key, '/api/v1/partner/respondents?cursor=bm9wZQ')).statusCode).toBe(400);
  });

  it('refuses an LGA or a resource outside the key’s scope (403)', async () => {
    const lga = await read(key, '/api/v1/partner/respondents?lga=ogbomosho_north');
    expect(lga.statusCode).toBe(403);
    expect(codeOf(lga)).toBe('PARTNER_LGA_OUT_OF_SCOPE');
    const insights = await read(key, '/api/v1/partner/insights');
    expect(insights.statusCode).toBe(403);
    expect(codeOf(insights)).toBe('PARTNER_SCOPE_MISSING');
    expect((await read(key, '/api/v1/partner/skills')).statusCode).toBe(200);
  });

  it('takes the key only from the Authorization header', async () => {
    const inQuery = await read(null, `/api/v1/partner/skills?api_key=${key}`);
    expect(inQuery.statusCode).toBe(400);
    expect(codeOf(inQuery)).toBe('PARTNER_KEY_IN_QUERY');
    expect((await read(key, `/api/v1/partner/skills?x=${key}`)).statusCode).toBe(400);
    // A staff session is not a partner key (and no cookie is ever read here).
    const viaCookie = await app.call(app.admin, { method: 'GET', url: '/api/v1/partner/skills' });
    expect(viaCookie.statusCode).toBe(401);
    expect(codeOf(viaCookie)).toBe('PARTNER_KEY_INVALID');
  });

  it('answers a malformed, unknown or wrong-secret key alike (401)', async () => {
    const wrongSecret = key.slice(0, 21) + (key[21] === 'A' ? 'B' : 'A') + key.slice(22);
    const variants = [
      null,
      'sk_live_' + key.slice(9),
      key.slice(0, -1),
      key + 'x',
      'oslrs_pk_' + 'A'.repeat(44),
      wrongSecret,
      `${key} extra`,
    ];
    const bodies = new Set<string>();
    for (const v of variants) {
      const res = await read(v, '/api/v1/partner/skills');
      expect(res.statusCode, String(v)).toBe(401);
      bodies.add(JSON.stringify(res.json()));
    }
    expect(bodies.size).toBe(1);
    // Basic auth or another scheme is no key either.
    expect((await read(null, '/api/v1/partner/skills', app.t, { authorization: `Basic ${key}` })).statusCode).toBe(401);
  });

  it('audits every call: key, endpoint, filters, rows', async () => {
    const res = await read(key, '/api/v1/partner/respondents?lga=oyo_east&limit=3');
    const rows = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'partner.call'), eq(auditLog.targetId, keyId)));
    const last = rows.find((r) => r.requestId === res.headers['x-request-id']);
    expect(last).toMatchObject({ actorId: keyId, actorRole: 'partner' });
    expect(last!.after).toMatchObject({
      endpoint: 'GET /api/v1/partner/respondents',
      status: 200,
      filters: { lga: 'oyo_east', limit: 3 },
      rows: res.json().items.length,
    });
    // Refusals by a known key are audited too.
    const refused = await read(key, '/api/v1/partner/insights');
    const [r] = await app.t.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.requestId, refused.headers['x-request-id'] as string));
    expect(r!.after).toMatchObject({ status: 403, rows: 0 });
    const list = await app.call(app.admin, { method: 'GET', url: '/api/v1/partner-keys' });
    const mine = list.json().items.find((k: { id: string }) => k.id === keyId);
    expect(mine.callCount).toBe(rows.length + 1);
    expect(mine.lastUsedAt).not.toBeNull();
  });

  it('limits each key to its rate: 429 with Retry-After', async () => {
    const { key: slow } = await createKey({
      name: 'Slow agency',
      scopes: ['skills:read'],
      lgas: 'all',
      rateLimitPerMinute: 3,
    });
    for (let i = 0; i < 3; i++) expect((await read(slow, '/api/v1/partner/skills')).statusCode).toBe(200);
    const over = await read(slow, '/api/v1/partner/skills');
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(codeOf(over)).toBe('RATE_LIMITED');
    // Another key is counted apart.
    expect((await read(key, '/api/v1/partner/skills')).statusCode).toBe(200);
  });

  it('is its own tag with the bearer scheme in the OpenAPI document', async () => {
    const doc = app.t.app.swagger() as {
      components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
      paths: Record<string, { get?: { tags: string[]; security: unknown[] } }>;
    };
    expect(doc.components.securitySchemes.partnerKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const p of ['/api/v1/partner/respondents', '/api/v1/partner/insights', '/api/v1/partner/skills']) {
      expect(doc.paths[p]!.get!.tags).toEqual(['partner']);
      expect(doc.paths[p]!.get!.security).toEqual([{ partnerKey: [] }]);
    }
  });
});

describe('rotation and revocation', () => {
  let second: TestApp;
  beforeAll(async () => {
    // A second API process on the same database and Redis, with minute-long in-process copies of keys.
    second = await startTestApp({ sharedWith: app.t, worker: false, env: { SESSION_LOCAL_CACHE_MS: '60000' } });
  });
  afterAll(async () => {
    app.t.services.partners.now = Date.now;
    await second?.close();
  });

  it('keeps the old key working for 7 days with Deprecation and Sunset, then refuses it', async () => {
    const { key: old, partnerKey } = await createKey({ name: 'Rotating agency', scopes: ['skills:read'], lgas: 'all' });
    const rotatedFrom = Date.now();
    const rotated = await app.call(app.admin, { method: 'POST', url: `/api/v1/partner-keys/${partnerKey.id}/rotate` });
    expect(rotated.statusCode, rotated.body).toBe(201);
    const fresh = rotated.json().key as string;
    expect(fresh).not.toBe(old);
    const before = await read(old, '/api/v1/partner/skills');
    expect(before.statusCode).toBe(200);
    expect(before.headers.deprecation).toMatch(/^@\d+$/);
    // Seven days after the rotation (an HTTP date: whole seconds), however long the calls took.
    const sunset = Date.parse(before.headers.sunset as string);
    expect(sunset).toBeGreaterThanOrEqual(rotatedFrom + PARTNER_KEY_OVERLAP_MS - 1000);
    expect(sunset).toBeLessThanOrEqual(Date.now() + PARTNER_KEY_OVERLAP_MS);
    const now = await read(fresh, '/api/v1/partner/skills');
    expect(now.statusCode).toBe(200);
    expect(now.headers.deprecation).toBeUndefined();

    const services = app.t.services.partners;
    const start = Date.now();
    services.now = () => start + PARTNER_KEY_OVERLAP_MS - 60_000;
    expect((await read(old, '/api/v1/partner/skills')).statusCode).toBe(200);
    services.now = () => start + PARTNER_KEY_OVERLAP_MS + 1_000;
    const after = await read(old, '/api/v1/partner/skills');
    expect(after.statusCode).toBe(401);
    expect(codeOf(after)).toBe('PARTNER_KEY_EXPIRED');
    expect((await read(fresh, '/api/v1/partner/skills')).statusCode).toBe(200);
    services.now = Date.now;

    const again = await app.call(app.admin, { method: 'POST', url: `/api/v1/partner-keys/${partnerKey.id}/rotate` });
    expect(again.statusCode).toBe(409);
    expect(codeOf(again)).toBe('PARTNER_KEY_STATE');
  });

  it('a revoked key is refused by another API process from the next request on', async () => {
    const { key: k, partnerKey } = await createKey({ name: 'Revoked agency', scopes: ['skills:read'], lgas: 'all' });
    // Both processes now hold the key in memory.
    expect((await read(k, '/api/v1/partner/skills', app.t)).statusCode).toBe(200);
    expect((await read(k, '/api/v1/partner/skills', second)).statusCode).toBe(200);
    const del = await app.call(app.admin, { method: 'DELETE', url: `/api/v1/partner-keys/${partnerKey.id}` });
    expect(del.statusCode, del.body).toBe(200);
    expect(del.json().partnerKey.state).toBe('revoked');
    const onSecond = await read(k, '/api/v1/partner/skills', second);
    expect(onSecond.statusCode).toBe(401);
    expect(codeOf(onSecond)).toBe('PARTNER_KEY_REVOKED');
    expect(codeOf(await read(k, '/api/v1/partner/skills', app.t))).toBe('PARTNER_KEY_REVOKED');
    const twice = await app.call(app.admin, { method: 'DELETE', url: `/api/v1/partner-keys/${partnerKey.id}` });
    expect(twice.statusCode).toBe(409);
  });
});

describe('key handling', () => {
  it('recognises keys by shape and compares hashes whole', () => {
    expect(lookupOf('oslrs_pk_' + 'a'.repeat(44))).toBe('a'.repeat(12));
    expect(lookupOf('oslrs_pk_' + 'a'.repeat(43))).toBeUndefined();
    expect(lookupOf('oslrs_pkx' + 'a'.repeat(44))).toBeUndefined();
    expect(sameHash('abc', 'abc')).toBe(true);
    expect(sameHash('abc', 'abd')).toBe(false);
    expect(sameHash('abc', 'abcd')).toBe(false);
    expect(keyInQuery('/x?token=1')).toBe(true);
    expect(keyInQuery('/x?lga=oyo_east')).toBe(false);
  });
});
