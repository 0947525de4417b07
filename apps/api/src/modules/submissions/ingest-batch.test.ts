/**
 * The ingest job in batches: one transaction claims many pending submissions, each is processed under
 * its own savepoint, and the batch's report rollups are written once. No worker runs in this process:
 * each test submits, then drains the outbox itself (`ingestion.drain()`), so the batch is known.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import {
  FRAUD_BAND_RANK,
  auditLog,
  marketplaceProfiles,
  respondentDuplicates,
  respondents,
  submissionOutbox,
} from '../../db/schema/index.js';
import { rowsOf } from '../../infra/db.js';
import { rebuildRollups } from '../reports/index.js';
import { RespondentRepository } from '../respondents/repository.js';
import { SubmissionRepository } from './repository.js';
import type { Session } from '../../../test/harness.js';
import {
  counts,
  freshNin,
  masterAnswerSets,
  masterAnswers,
  publishForm,
  submissionBody,
  submissionRow,
  submitBatch,
  type Published,
} from '../../../test/testkit.js';
import { useTestApp } from '../../../test/use-test-app.js';

const app = useTestApp({ worker: false, env: { INGEST_BATCH: '50' } });
let master: Published;
let enumerator: Session;
beforeAll(async () => {
  master = await publishForm(app.t, app.admin);
  enumerator = await app.as('enumerator', { lgaCode: 'ibadan_north' });
});

/** Submit these answers in one request (202 each), then return their ids in order. */
async function receive(answers: Record<string, unknown>[]): Promise<string[]> {
  const bodies = answers.map((a) =>
    submissionBody(master.versionId, { answers: a as ReturnType<typeof masterAnswers> }),
  );
  const res = await submitBatch(app.t, enumerator, bodies);
  expect(res.statusCode, res.body).toBe(200);
  const refused = (res.json() as { results: { status: string }[] }).results.filter((r) => r.status === 'error');
  expect(refused).toEqual([]);
  return bodies.map((b) => b.id);
}

const pending = async () =>
  (await app.t.database.db.select().from(submissionOutbox).where(isNull(submissionOutbox.doneAt))).length;

async function rollupSnapshot() {
  return rowsOf<Record<string, unknown>>(
    await app.t.database.db.execute(
      sql`select lga, channel, status, grain, period::text, dim, key, count from report_rollups where count <> 0
           order by lga, channel, status, grain, period, dim, key`,
    ),
  );
}

describe('ingestion in batches', () => {
  it('one invalid submission among valid ones is rejected alone; the others are ingested in the same batch', async () => {
    const [a, b] = await receive([masterAnswers(), masterAnswers()]);
    // Answers intake would refuse today, stored (as by an older intake) with their outbox row.
    const repo = new SubmissionRepository(app.t.runtime.pii);
    const invalid = randomUUID();
    const at = new Date(Date.now() - 3600_000);
    await app.t.database.db.transaction((tx) =>
      repo.insertWithOutbox(tx, [
        {
          id: invalid,
          questionnaireVersionId: master.versionId,
          channel: 'enumerator',
          ...repo.sealAnswers(masterAnswers({ lga_id: 'atlantis' }), ['nin', 'phone_number']),
          startedAt: new Date(at.getTime() - 600_000),
          completedAt: at,
          bodyHash: 'test',
        },
      ]),
    );
    const [c, d] = await receive([{ ...masterAnswerSets()[1]!, nin: freshNin() }, masterAnswers()]);
    const ids = [a!, invalid, b!, c!, d!];
    expect(await pending()).toBe(5);
    const totals = await app.t.services.ingestion.drain();
    expect(totals).toEqual({ ingested: 4, rejected: 1, skipped: 0 });
    const rows = await Promise.all(ids.map((id) => submissionRow(app.t, id)));
    expect(rows.map((r) => r!.status)).toEqual(['ingested', 'rejected', 'ingested', 'ingested', 'ingested']);
    // (All five were claimed in one batch: the invalid one sat in its middle.)
    expect(rows[1]!.error).toMatchObject({ code: 'ANSWERS_INVALID' });
    expect(rows[1]!.respondentId).toBeNull();
    // Every one scored, rejected or not.
    expect(rows.every((r) => r!.fraudSettingsVersion !== null)).toBe(true);
    expect(new Set(rows.filter((r) => r!.status === 'ingested').map((r) => r!.respondentId)).size).toBe(4);
    expect(await pending()).toBe(0);
  });

  it('records created together (one statement for the batch) each get what one alone gets: audit, likely duplicate, flag rank, profile', async () => {
    // A record without a NIN on file, with its own phone and name (the other half of a likely duplicate).
    const phone = `0803${String(Date.now() % 10_000_000).padStart(7, '0')}`;
    const alone = submissionBody(master.versionId, {
      answers: masterAnswers({ nin: undefined, phone_number: phone, surname: 'Onalaja', firstname: 'Kemi' }),
      ninDeferred: true,
    });
    expect((await submitBatch(app.t, enumerator, [alone])).statusCode).toBe(200);
    await app.t.services.ingestion.drain();
    const deferred = (await submissionRow(app.t, alone.id))!;
    expect(deferred.status).toBe('ingested');

    const bodies = [
      // Same phone as the record without a NIN: a likely duplicate.
      submissionBody(master.versionId, { answers: masterAnswers({ phone_number: phone }) }),
      // 20 s for the whole questionnaire: a speed-run, so a band above clean.
      submissionBody(master.versionId, { answers: masterAnswers(), durationS: 20 }),
      // No consent to the marketplace: no profile.
      submissionBody(master.versionId, { answers: masterAnswers({ consent_marketplace: 'no' }) }),
    ];
    expect((await submitBatch(app.t, enumerator, bodies)).statusCode).toBe(200);
    const fallbacks = app.t.services.ingestion.setWiseFallbacks;
    expect(await app.t.services.ingestion.drain()).toEqual({ ingested: 3, rejected: 0, skipped: 0 });
    expect(app.t.services.ingestion.setWiseFallbacks).toBe(fallbacks);
    const subs = await Promise.all(bodies.map((b) => submissionRow(app.t, b.id)));
    expect(subs.map((r) => r!.status)).toEqual(['ingested', 'ingested', 'ingested']);
    const ids = subs.map((r) => r!.respondentId!);
    const rows = await app.t.database.db.select().from(respondents).where(inArray(respondents.id, ids));
    const byId = new Map(rows.map((r) => [r.id, r]));

    for (const [i, sub] of subs.entries()) {
      const r = byId.get(ids[i]!)!;
      expect(r).toMatchObject({ status: 'active', firstSubmissionId: sub!.id, createdBy: enumerator.user.id });
      expect(r.flagRank).toBe(FRAUD_BAND_RANK[sub!.fraudBand!] ?? 0);
      const audits = await app.t.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'respondent.created'), eq(auditLog.targetId, r.id)));
      expect(audits).toHaveLength(1);
      expect(audits[0]).toMatchObject({
        actorId: enumerator.user.id,
        actorRole: 'enumerator',
        requestId: `submission:${sub!.id}`,
        after: { source: 'enumerator', status: 'active', submissionId: sub!.id },
      });
    }
    expect(subs[1]!.fraudBand).not.toBe('clean');
    expect(byId.get(ids[1]!)!.flagRank).toBeGreaterThan(0);

    const pairs = await app.t.database.db
      .select()
      .from(respondentDuplicates)
      .where(
        or(
          eq(respondentDuplicates.respondentA, deferred.respondentId!),
          eq(respondentDuplicates.respondentB, deferred.respondentId!),
        ),
      );
    expect(pairs).toHaveLength(1);
    expect([pairs[0]!.respondentA, pairs[0]!.respondentB].sort()).toEqual([ids[0]!, deferred.respondentId!].sort());
    expect(pairs[0]!.reasons).toEqual(['phone']);

    const profiles = await app.t.database.db
      .select({ respondentId: marketplaceProfiles.respondentId, profession: marketplaceProfiles.profession })
      .from(marketplaceProfiles)
      .where(inArray(marketplaceProfiles.respondentId, ids));
    expect(profiles.map((p) => p.respondentId).sort()).toEqual([ids[0]!, ids[1]!].sort());
    expect(profiles.every((p) => p.profession === 'Tailor')).toBe(true);
  });

  it('a record created set-wise holds, column by column, what the one-at-a-time path writes from the same answers; so does its profile', async () => {
    // Each answer set three times (own NIN each): the first ingested alone, the other two by a batch.
    const sets = masterAnswerSets().map((s, i) => ({ ...s, firstname: `Same${i}` }));
    const ids = await receive(sets.flatMap((s) => [0, 1, 2].map(() => ({ ...s, nin: freshNin() }))));
    for (let i = 0; i < sets.length; i++)
      expect(await app.t.services.ingestion.ingest(ids[i * 3]!)).toEqual({ status: 'ingested' });
    const fallbacks = app.t.services.ingestion.setWiseFallbacks;
    expect(await app.t.services.ingestion.drain()).toEqual({ ingested: sets.length * 2, rejected: 0, skipped: 0 });
    // The set-wise statements did it (a failure there would go the careful way: the same rows, slower).
    expect(app.t.services.ingestion.setWiseFallbacks).toBe(fallbacks);

    const subs = await Promise.all(ids.map((id) => submissionRow(app.t, id)));
    const records = await app.t.database.db
      .select()
      .from(respondents)
      .where(
        inArray(
          respondents.id,
          subs.map((s) => s!.respondentId!),
        ),
      );
    const profiles = await app.t.database.db
      .select()
      .from(marketplaceProfiles)
      .where(
        inArray(
          marketplaceProfiles.respondentId,
          subs.map((s) => s!.respondentId!),
        ),
      );
    // What differs by nature: identity, time, the NIN (each its own) and the fraud flag (a near-duplicate).
    const comparable = (id: string) => {
      const {
        id: _id,
        reference: _reference,
        ninHash,
        ninSealed,
        phoneSealed,
        firstSubmissionId: _first,
        createdAt: _c,
        updatedAt: _u,
        flagRank: _flag,
        sampleBucket: _bucket,
        ...rest
      } = records.find((r) => r.id === id)!;
      expect(ninHash).toMatch(/\S/);
      expect(ninSealed).toMatch(/\S/);
      const profile = profiles.find((p) => p.respondentId === id);
      const { id: _pid, respondentId: _rid, updatedAt: _pu, ...listed } = profile ?? { id: '', respondentId: '' };
      return { rest, phoneOnFile: phoneSealed !== null, listed: profile ? listed : null };
    };
    for (let i = 0; i < sets.length; i++) {
      const [alone, ...together] = subs.slice(i * 3, i * 3 + 3).map((s) => comparable(s!.respondentId!));
      expect(alone!.rest.skills?.length).toBeGreaterThan(0);
      for (const t of together) expect(t).toEqual(alone);
    }
    expect(profiles.length).toBeGreaterThan(0);
  });

  it('two submissions of one NIN in one batch: one respondent, the other NIN_DUPLICATE', async () => {
    const nin = freshNin();
    const ids = await receive([
      masterAnswers({ nin, firstname: 'First' }),
      masterAnswers(),
      masterAnswers({ nin, firstname: 'Second' }),
    ]);
    expect(await app.t.services.ingestion.drain()).toEqual({ ingested: 2, rejected: 1, skipped: 0 });
    const holders = await app.t.database.db
      .select()
      .from(respondents)
      .where(eq(respondents.ninHash, app.t.runtime.pii.blindIndex(nin, 'nin')));
    expect(holders).toHaveLength(1);
    // (Which of the two comes first in the batch is the claim's order: either may be the one registered.)
    const [a, , b] = await Promise.all(ids.map((id) => submissionRow(app.t, id)));
    const [winner, loser] = a!.status === 'ingested' ? [a!, b!] : [b!, a!];
    expect(winner).toMatchObject({ status: 'ingested', respondentId: holders[0]!.id });
    expect(holders[0]!.firstSubmissionId).toBe(winner.id);
    expect(loser).toMatchObject({ status: 'rejected', respondentId: null });
    expect(loser.error).toMatchObject({ code: 'NIN_DUPLICATE', details: { source: 'enumerator' } });
  });

  it('a submission that fails is rolled back alone (its savepoint); its neighbours commit; it stays pending for a retry', async () => {
    // A real failure inside PostgreSQL, for one record only: a trigger (the owner's) refusing one name.
    const owner = async (statement: string) => {
      const c = new pg.Client({ connectionString: app.t.ownerUrl });
      await c.connect();
      try {
        await c.query(statement);
      } finally {
        await c.end();
      }
    };
    await owner(`
      create function refuse_boom() returns trigger language plpgsql as $$
      begin if new.firstname = 'Boom' then raise exception 'boom'; end if; return new; end $$;
      create trigger refuse_boom before insert on respondents for each row execute function refuse_boom()`);
    try {
      const ids = await receive([masterAnswers(), masterAnswers({ firstname: 'Boom' }), masterAnswers()]);
      const before = await counts(app.t);
      const fallbacks = app.t.services.ingestion.setWiseFallbacks;
      await expect(app.t.services.ingestion.drain()).rejects.toThrow(/1 submission\(s\) could not be ingested/);
      expect(app.t.services.ingestion.setWiseFallbacks).toBe(fallbacks + 1);
      const rows = await Promise.all(ids.map((id) => submissionRow(app.t, id)));
      expect(rows.map((r) => r!.status)).toEqual(['ingested', 'received', 'ingested']);
      expect((await counts(app.t)).respondents).toBe(before.respondents + 2);
      expect(await pending()).toBe(1);
    } finally {
      await owner('drop trigger refuse_boom on respondents; drop function refuse_boom()');
    }
    // The retry (the queue's, or the relay's) finds it and ingests it.
    expect(await app.t.services.ingestion.drain()).toEqual({ ingested: 1, rejected: 0, skipped: 0 });
    expect(await pending()).toBe(0);
  });

  it('a claim skips a submission another ingestion holds without keeping a lock on its outbox row (the deadlock CI found)', async () => {
    // A redelivery of one id (`ingest`) holds its submission row; a batch claimed at that moment must
    // skip it whole. Locking the outbox row first and skipping at the submission row kept the outbox row
    // locked to the batch: the redelivery, settling it, then waited on the batch while the batch waited
    // on the redelivery's duplicate-key lock.
    const [held] = await receive([masterAnswers()]);
    const repo = new SubmissionRepository(app.t.runtime.pii);
    const holder = new pg.Client({ connectionString: app.t.databaseUrl });
    const probe = new pg.Client({ connectionString: app.t.databaseUrl });
    await holder.connect();
    await probe.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from submissions where id = $1 for update', [held]);
      await app.t.database.db.transaction(async (tx) => {
        const claimed = await repo.claimPending(tx, 50);
        expect(claimed.map((s) => s.id)).not.toContain(held);
        // While the batch is still open, the outbox row is free for the one that holds the submission.
        await probe.query("set lock_timeout = '2s'");
        const r = await probe.query(
          'select submission_id from submission_outbox where submission_id = $1 for update nowait',
          [held],
        );
        expect(r.rowCount).toBe(1);
      });
    } finally {
      await holder.query('rollback');
      await holder.end();
      await probe.end();
    }
    await app.t.services.ingestion.drain();
    expect(await pending()).toBe(0);
  });

  it('a batch of every kind keeps the rollups what a recount from respondents gives; a second drain changes nothing', async () => {
    const sets = masterAnswerSets();
    const dup = freshNin();
    const answers: Record<string, unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      const base: Record<string, unknown> = { ...sets[i % sets.length]!, nin: freshNin(), firstname: `Person${i}` };
      if (i % 7 === 0) base.lga_id = ['oyo_east', 'iseyin', 'ibadan_north'][i % 3]!;
      if (i % 11 === 0) base.nin = dup;
      answers.push(base);
    }
    const ids = [...(await receive(answers.slice(0, 50))), ...(await receive(answers.slice(50)))];
    const fallbacks = app.t.services.ingestion.setWiseFallbacks;
    const totals = await app.t.services.ingestion.drain();
    expect(app.t.services.ingestion.setWiseFallbacks).toBe(fallbacks);
    expect(totals.ingested + totals.rejected).toBe(60);
    expect(totals.rejected).toBe(5); // 6 of one NIN (i = 0, 11, …, 55): 5 duplicates

    const incremental = await rollupSnapshot();
    const repo = new RespondentRepository();
    await rebuildRollups(app.t.database.db, (executor, onPage) => repo.forEachReportSubject(executor, onPage));
    expect(await rollupSnapshot()).toEqual(incremental);

    // Redelivery: nothing is pending, nothing changes; a single-id delivery skips.
    const before = await counts(app.t);
    const rows = await app.t.database.db.select().from(respondents).where(inArray(respondents.firstSubmissionId, ids));
    expect(await app.t.services.ingestion.drain()).toEqual({ ingested: 0, rejected: 0, skipped: 0 });
    expect(await app.t.services.ingestion.ingest(ids[0]!)).toEqual({ status: 'skipped' });
    expect(await counts(app.t)).toEqual(before);
    expect(await rollupSnapshot()).toEqual(incremental);
    expect(
      await app.t.database.db.select().from(respondents).where(inArray(respondents.firstSubmissionId, ids)),
    ).toEqual(rows);
  });
});

describe("other collectors' fixes for a batch", () => {
  it('each request gets what it gets alone: another collector, its day, its band of latitude; at most 50', async () => {
    const repo = new SubmissionRepository(app.t.runtime.pii);
    const [a, b, c] = [enumerator.user.id, (await app.as('enumerator')).user.id, (await app.as('enumerator')).user.id];
    const day = Date.UTC(2026, 3, 14, 6);
    const rows: { by: string; lat: number; at: number }[] = [];
    // Three collectors around 7.4° (some fixes exactly on a band's edges), over two days; 60 fixes of
    // one collector in one spot (a band with more than 50 for the others).
    for (let i = 0; i < 90; i++)
      rows.push({ by: [a, b, c][i % 3]!, lat: 7.4 + (i % 15) * 0.0001, at: day + i * 900_000 });
    for (let i = 0; i < 60; i++) rows.push({ by: c, lat: 7.45, at: day + i * 60_000 });
    await app.t.database.db.transaction((tx) =>
      repo.insertWithOutbox(
        tx,
        rows.map((r) => ({
          id: randomUUID(),
          questionnaireVersionId: master.versionId,
          channel: 'enumerator',
          submittedBy: r.by,
          ...repo.sealAnswers(masterAnswers(), ['nin', 'phone_number']),
          startedAt: new Date(r.at - 600_000),
          completedAt: new Date(r.at),
          gpsLat: r.lat,
          gpsLng: 3.9,
          bodyHash: 'test',
        })),
      ),
    );
    const dayOf = (t: number) => ({ from: new Date(t), to: new Date(t + 86_400_000) });
    const requests = [
      { submittedBy: a, day: dayOf(day), lat: { min: 7.4002, max: 7.4005 } },
      { submittedBy: b, day: dayOf(day), lat: { min: 7.4, max: 7.4014 } },
      { submittedBy: a, day: dayOf(day + 86_400_000), lat: { min: 7.4, max: 7.4014 } },
      { submittedBy: a, day: dayOf(day), lat: { min: 7.4499, max: 7.4501 } },
      { submittedBy: c, day: dayOf(day), lat: { min: 7.4499, max: 7.4501 } },
      { submittedBy: b, day: dayOf(day), lat: { min: 7.5, max: 7.6 } },
    ].map((r) => ({ ...r, id: randomUUID() }));
    const many = await repo.fixesByOthersMany(app.t.database.db, requests);
    const key = (f: { lat: number | null; lng: number | null }) => `${f.lat},${f.lng}`;
    for (const r of requests) {
      const alone = await repo.fixesByOthers(app.t.database.db, r.submittedBy, r.day, r.lat);
      const got = many.get(r.id)!;
      const expected = rows.filter(
        (x) =>
          x.by !== r.submittedBy &&
          x.at >= r.day.from.getTime() &&
          x.at < r.day.to.getTime() &&
          x.lat >= r.lat.min &&
          x.lat <= r.lat.max,
      );
      expect(got).toHaveLength(Math.min(50, expected.length));
      if (expected.length <= 50) expect(got.map(key).sort()).toEqual(alone.map(key).sort());
    }
    expect(many.get(requests[0]!.id)!.length).toBeGreaterThan(0);
    expect(many.get(requests[3]!.id)).toHaveLength(50);
    expect(many.get(requests[4]!.id)).toHaveLength(0);
    expect(many.get(requests[5]!.id)).toHaveLength(0);
  });
});
