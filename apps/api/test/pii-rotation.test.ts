/**
 * NINs and phones stored in clear before encryption are sealed at start (as the schema owner), and
 * `npm run pii:rotate` re-seals everything under a new key while the old one still opens it. The
 * app's own role cannot rewrite a submission's sealed answers.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { respondents, smsOutbox, submissions, users } from '../src/db/schema/index.js';
import { createPostgres, rowsOf, type Database } from '../src/infra/db.js';
import { PiiCipher, newKey, parseKey } from '../src/infra/pii.js';
import { sealLegacyPii } from '../src/modules/setup/index.js';
import { SubmissionRepository } from '../src/modules/submissions/repository.js';
import { TEST_PII_ENV, createUser } from './harness.js';
import { masterAnswers, publishForm, settled, submissionBody, submit } from './testkit.js';
import { useTestApp } from './use-test-app.js';

const app = useTestApp();
let owner: Database;
const REPO = new URL('../../..', import.meta.url).pathname;

beforeAll(() => {
  owner = createPostgres(app.t.ownerUrl, 2);
});
afterAll(async () => {
  await owner?.close();
});

describe('NIN and phone sealing over time', () => {
  it('seals pre-encryption plaintext once, then rotates keys with the documented command', async () => {
    const pii = app.t.runtime.pii;
    // As a database from before migration 0014 held them: plaintext columns and answers.
    const respondentId = uuidv7();
    await owner.db.insert(respondents).values({
      id: respondentId,
      legacyNin: '31415926535',
      legacyPhone: '+2348030000001',
      status: 'active',
      source: 'clerk',
    });
    const staff = await createUser(app.t, 'supervisor');
    await owner.db
      .update(users)
      .set({ legacyNin: '27182818284', legacyPhone: '+2348030000002' })
      .where(eq(users.id, staff.id));
    const form = await publishForm(app.t, app.admin);
    const body = submissionBody(form.versionId, { answers: masterAnswers({ nin: '16180339887' }) });
    expect((await submit(app.t, await app.as('enumerator'), body)).statusCode).toBe(202);
    await settled(app.t, [body.id]);
    const whole = { ...body.answers };
    await owner.db
      .update(submissions)
      .set({ answers: whole, piiSealed: null, piiLegacy: true })
      .where(eq(submissions.id, body.id));

    // An SMS queued before its number was sealed (the number in clear).
    const smsId = uuidv7();
    await owner.db.insert(smsOutbox).values({ id: smsId, to: '+2348030000003', body: 'Your reference' });

    // The app's role may not do what the owner just did.
    await expect(
      app.t.database.db.update(submissions).set({ piiSealed: 'v1.x.y' }).where(eq(submissions.id, body.id)),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/immutable/) } });

    const counts = await sealLegacyPii(owner.db, pii);
    expect(counts).toEqual({ respondents: 1, users: 1, submissions: 1, sms: 1 });
    const [r] = await owner.db.select().from(respondents).where(eq(respondents.id, respondentId));
    expect(r).toMatchObject({ legacyNin: null, legacyPhone: null, ninHash: pii.blindIndex('31415926535', 'nin') });
    expect(pii.open(r!.ninSealed!, 'nin')).toBe('31415926535');
    expect(pii.open(r!.phoneSealed!, 'phone')).toBe('+2348030000001');
    const [u] = await owner.db.select().from(users).where(eq(users.id, staff.id));
    expect(u).toMatchObject({ legacyNin: null, legacyPhone: null, ninHash: pii.blindIndex('27182818284', 'nin') });
    const [s] = await owner.db.select().from(submissions).where(eq(submissions.id, body.id));
    expect(s!.piiLegacy).toBe(false);
    expect(s!.answers).not.toHaveProperty('nin');
    expect(s!.answers).not.toHaveProperty('phone_number');
    expect(new SubmissionRepository(pii).open(s!).answers).toEqual(whole);
    const [m] = await owner.db.select().from(smsOutbox).where(eq(smsOutbox.id, smsId));
    expect(m).toMatchObject({ to: null, toHash: pii.blindIndex('+2348030000003', 'phone') });
    expect(pii.open(m!.toSealed!, 'phone')).toBe('+2348030000003');
    // A second start finds nothing left to seal.
    expect(await sealLegacyPii(owner.db, pii)).toEqual({ respondents: 0, users: 0, submissions: 0, sms: 0 });

    // Rotation: the new key in NIN_ENCRYPTION_KEY, the old one in NIN_ENCRYPTION_OLD_KEYS.
    const next = newKey();
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      DATABASE_URL: app.t.databaseUrl,
      DATABASE_OWNER_URL: app.t.ownerUrl,
      NIN_ENCRYPTION_KEY: next,
      NIN_ENCRYPTION_OLD_KEYS: TEST_PII_ENV.NIN_ENCRYPTION_KEY,
      NIN_INDEX_KEY: TEST_PII_ENV.NIN_INDEX_KEY,
    };
    const run = () =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'apps/api/src/modules/setup/pii-cli.ts', 'rotate'], {
        cwd: REPO,
        env,
      });
    const first = await run();
    expect(first.stdout).toMatch(
      /re-sealed under key [0-9a-f]{8}: \{"respondents":[1-9]\d*,"users":[1-9]\d*,"submissions":[1-9]\d*,"sms":[1-9]\d*\}/,
    );
    const onlyNew = new PiiCipher({
      current: parseKey(next, 'new'),
      old: [],
      index: parseKey(TEST_PII_ENV.NIN_INDEX_KEY, 'i'),
    });
    const sealed = rowsOf<{ v: string }>(
      await owner.db.execute(sql`
        select nin_sealed as v from respondents where nin_sealed is not null
        union all select phone_sealed from respondents where phone_sealed is not null
        union all select nin_sealed from users where nin_sealed is not null
        union all select phone_sealed from users where phone_sealed is not null
        union all select pii_sealed from submissions where pii_sealed is not null
        union all select to_sealed from sms_outbox where to_sealed is not null`),
    );
    expect(sealed.length).toBeGreaterThan(4);
    expect(sealed.every((x) => onlyNew.isCurrent(x.v))).toBe(true);
    const [again] = await owner.db.select().from(respondents).where(eq(respondents.id, respondentId));
    expect(onlyNew.open(again!.ninSealed!, 'nin')).toBe('31415926535');
    // The blind index did not change: look-ups keep working through a rotation.
    expect(again!.ninHash).toBe(r!.ninHash);
    // Nothing left under the old key: a second run re-seals nothing.
    expect((await run()).stdout).toContain('{"respondents":0,"users":0,"submissions":0,"sms":0}');
    const [m2] = await owner.db.select().from(smsOutbox).where(eq(smsOutbox.id, smsId));
    expect(onlyNew.open(m2!.toSealed!, 'phone')).toBe('+2348030000003');
    expect(m2!.toHash).toBe(m!.toHash);
  });

  it('pii:keygen prints two distinct keys the configuration accepts', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'apps/api/src/modules/setup/pii-cli.ts', 'keygen'],
      { cwd: REPO },
    );
    const enc = /^NIN_ENCRYPTION_KEY=(.+)$/m.exec(stdout)![1]!;
    const idx = /^NIN_INDEX_KEY=(.+)$/m.exec(stdout)![1]!;
    expect(enc).not.toBe(idx);
    expect(parseKey(enc, 'a')).toHaveLength(32);
    expect(parseKey(idx, 'b')).toHaveLength(32);
  });
});
