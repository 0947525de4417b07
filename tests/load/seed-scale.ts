/**
 * Registry-scale data for load tests, set-based (INSERT … SELECT over generate_series, in chunks):
 * 200 staff across the 33 LGAs, 100,000 respondents and 1,000,000 submissions of the published
 * master questionnaire spread over 90 days, then ANALYZE.
 *
 *   DATABASE_URL=postgres://… npm run seed:scale [-- --force] [-- --respondents=100000 --submissions=1000000]
 *
 * Migrates and bootstraps the database first (a fresh database works), so DATABASE_URL is the schema
 * owner's (DATABASE_OWNER_URL where the app runs as a separate role). Refuses a database that
 * already holds respondents unless --force. Every seeded staff account signs in with LOAD_PASSWORD
 * (see accounts.ts). The volume is for realistic query plans, indexes and cache pressure: a
 * respondent's later submissions are follow-up visits that carry the same NIN. Dates are uniform over
 * the 90 days (about 11,000 submissions a day), like respondents' registration dates. The report
 * rollups are rebuilt from the seeded respondents at the end (the SQL inserts bypass ingestion).
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { LGA_CODES, type SessionUser, type StaffRole } from '@oslrs/core';
import { actorFromUser } from '../../apps/api/src/access/index.js';
import { MASTER_FORM } from '../../packages/core/src/forms/fixtures/master.js';
import { masterAnswerSets } from '../../packages/core/src/forms/fixtures/master-answers.js';
import { createPostgres, type Database } from '../../apps/api/src/infra/db.js';
import { MemoryStore } from '../../apps/api/src/infra/kv.js';
import { bootstrap, sealLegacyPii } from '../../apps/api/src/modules/setup/index.js';
import { PiiCipher, loadPiiKeys } from '../../apps/api/src/infra/pii.js';
import { TEST_PII_ENV } from '../../apps/api/test/harness.js';
import { users } from '../../apps/api/src/db/schema/index.js';
import { hashPassword } from '../../apps/api/src/modules/auth/passwords.js';
import { QuestionnaireService } from '../../apps/api/src/modules/questionnaires/service.js';
import { RespondentRepository } from '../../apps/api/src/modules/respondents/index.js';
import { rebuildRollups } from '../../apps/api/src/modules/reports/index.js';
import { LOAD_PASSWORD, STAFF_PLAN, loadEmail } from './accounts.js';

export interface SeedOptions {
  respondents?: number;
  submissions?: number;
  force?: boolean;
  /** Rows per INSERT … SELECT. */
  chunk?: number;
  log?: (line: string) => void;
}

export interface SeedResult {
  questionnaireId: string;
  versionId: string;
  staff: number;
  respondents: number;
  submissions: number;
  seconds: number;
}

const SURNAMES = [
  'Adeyemi', 'Ogunleye', 'Balogun', 'Afolabi', 'Lawal', 'Adebayo', 'Oyelaran', 'Akinola', 'Olaniyan', 'Ajayi',
  'Oladipo', 'Adewale', 'Ogundele', 'Olatunji', 'Salami', 'Adeleke', 'Oyewole', 'Akande', 'Babatunde', 'Ojo',
  'Olawale', 'Fashola', 'Oyebanji', 'Alabi', 'Okafor', 'Musa', 'Eze', 'Bello', 'Ibrahim', 'Okonkwo', 'Adeniran',
  'Oladele', 'Ayoade', 'Olaoye', 'Adigun', 'Oyeleke', 'Amusan', 'Ogunbiyi', 'Akintola', 'Oyinlola',
]; // prettier-ignore
const MALE = [
  'Adebayo', 'Tunde', 'Olumide', 'Segun', 'Kehinde', 'Taiwo', 'Ibrahim', 'Chinedu', 'Femi', 'Kunle', 'Ayodele',
  'Babajide', 'Dapo', 'Gbenga', 'Lekan', 'Rotimi', 'Wale', 'Yusuf', 'Abdullahi', 'Emeka', 'Tope', 'Bolaji',
]; // prettier-ignore
const FEMALE = [
  'Folake', 'Yetunde', 'Chinwe', 'Bukola', 'Funmilayo', 'Adunni', 'Kemi', 'Ngozi', 'Titilayo', 'Omolara', 'Aisha',
  'Bisola', 'Damilola', 'Ebunoluwa', 'Ifeoma', 'Jumoke', 'Morenike', 'Nike', 'Ronke', 'Sade', 'Temitope', 'Zainab',
]; // prettier-ignore

type ChoiceList = { name: string; label: string }[];
const choices = (list: string): ChoiceList => (MASTER_FORM.choiceLists as Record<string, ChoiceList>)[list]!;

/** Ibadan's eleven LGAs and Ogbomosho hold most of the population: weight them three times. */
function weightedLgas(): string[] {
  return LGA_CODES.flatMap((c) => (c.startsWith('ibadan') || c.startsWith('ogbomosho') ? [c, c, c] : [c]));
}

/** Migrate and bootstrap a (possibly fresh) database before seeding it; the first admin's password is logged once. */
export async function migrateForSeeding(database: Database, log: (line: string) => void): Promise<void> {
  await database.migrate(async (db) => {
    const result = await bootstrap(db, {
      email: process.env.OSLRS_ADMIN_EMAIL,
      password: process.env.OSLRS_ADMIN_PASSWORD,
    });
    if (result.generatedPassword)
      log(`first super admin ${result.adminEmail} created with password ${result.generatedPassword} (shown once)`);
  });
}

export async function seedScale(url: string, options: SeedOptions = {}): Promise<SeedResult> {
  const nRespondents = options.respondents ?? 100_000;
  const nSubmissions = Math.max(options.submissions ?? 1_000_000, nRespondents);
  const chunk = options.chunk ?? 50_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const t0 = performance.now();
  const secs = () => ((performance.now() - t0) / 1000).toFixed(1);

  const database = createPostgres(url, 2);
  const client = new pg.Client({ connectionString: url, application_name: 'oslrs-seed-scale' });
  await client.connect();
  try {
    await migrateForSeeding(database, log);
    const existing = Number((await client.query('select count(*) as n from respondents')).rows[0].n);
    if (existing > 0 && !options.force) {
      throw new Error(`this database already holds ${existing} respondents; pass --force to add more`);
    }
    // Session settings only (nothing on the server changes): bulk loading need not wait for the WAL flush.
    await client.query(`set synchronous_commit = off; set maintenance_work_mem = '256MB'; set work_mem = '64MB'`);
    // Deterministic ids that are valid RFC 9562 version-4 UUIDs (the API's schemas check the version).
    await client.query(`create or replace function pg_temp.seed_uuid(key text) returns uuid language sql immutable as
      $$ select (substr(md5(key), 1, 12) || '4' || substr(md5(key), 14, 3) || 'a' || substr(md5(key), 18))::uuid $$`);

    // Staff: 200 accounts, each with the same password (one argon2 hash).
    const hash = await hashPassword(LOAD_PASSWORD);
    const staffRows: (typeof users.$inferInsert)[] = [];
    const now = Date.now();
    for (const [role, count] of Object.entries(STAFF_PLAN) as [StaffRole, number][]) {
      for (let n = 1; n <= count; n++) {
        const male = (n + role.length) % 2 === 0;
        const first = (male ? MALE : FEMALE)[(n * 7) % (male ? MALE.length : FEMALE.length)]!;
        const field = role === 'supervisor' || role === 'enumerator';
        staffRows.push({
          id: uuidv7(),
          email: loadEmail(role, n),
          fullName: `${first} ${SURNAMES[(n * 13 + role.length) % SURNAMES.length]}`,
          // Written as pre-encryption plaintext, then sealed by the app's own migration path (below).
          legacyPhone: `+234803${String(9_000_000 + staffRows.length).padStart(7, '0')}`,
          role,
          status: 'active',
          lgaCode: field ? LGA_CODES[(n - 1) % LGA_CODES.length]! : null,
          passwordHash: hash,
          activatedAt: new Date(now),
          createdAt: new Date(now - (200 - staffRows.length) * 3_600_000),
        });
      }
    }
    const insertedStaff = await database.db.insert(users).values(staffRows).onConflictDoNothing().returning();
    log(`[${secs()} s] staff: ${insertedStaff.length} created (${staffRows.length} planned)`);
    const admin = (await client.query(`select id from users where email = $1`, [loadEmail('super_admin', 1)]))
      .rows[0] as { id: string };

    // The master questionnaire, published, and used by staff and public channels.
    const kv = new MemoryStore();
    const questionnaires = new QuestionnaireService(database.db, kv);
    const ctx = actorFromUser({ id: admin.id, role: 'super_admin', lga: null } as SessionUser, null, 'seed-scale');
    let found = (
      await client.query(
        `select q.id, v.id as version_id from questionnaires q
           join questionnaire_versions v on v.questionnaire_id = q.id and v.version = q.latest_version
          where q.form_id = $1 and q.status = 'published'`,
        [MASTER_FORM.formId],
      )
    ).rows[0] as { id: string; version_id: string } | undefined;
    if (!found) {
      const { questionnaire } = await questionnaires.create(ctx, MASTER_FORM);
      await questionnaires.publish(ctx, questionnaire.id);
      const versionId = (
        await client.query(`select id from questionnaire_versions where questionnaire_id = $1 and version = 1`, [
          questionnaire.id,
        ])
      ).rows[0].id as string;
      found = { id: questionnaire.id, version_id: versionId };
    }
    const usage = await questionnaires.getUsage();
    if (!usage.staffQuestionnaireId || !usage.publicQuestionnaireId) {
      await questionnaires.setUsage(ctx, {
        staffQuestionnaireId: usage.staffQuestionnaireId ?? found.id,
        publicQuestionnaireId: usage.publicQuestionnaireId ?? found.id,
      });
    }
    log(`[${secs()} s] master questionnaire ${found.id}, version ${found.version_id}`);

    // Respondents. A salt keeps ids apart from an earlier seeding (--force); NINs continue after the existing ones.
    const salt = uuidv7();
    const skills = choices('skill_list');
    const params = {
      surnames: SURNAMES,
      male: MALE,
      female: FEMALE,
      lgas: weightedLgas(),
      skillNames: skills.map((s) => s.name),
      skillLabels: skills.map((s) => s.label.replace(/\s*\(.*\)$/, '')),
      empTypes: choices('emp_type').map((c) => c.name),
      experience: choices('experience_list').map((c) => c.name),
    };
    for (let lo = 1; lo <= nRespondents; lo += chunk) {
      const hi = Math.min(nRespondents, lo + chunk - 1);
      await client.query(
        `insert into respondents (id, nin, nin_verified, status, surname, firstname, gender, dob, phone, email,
           lga_code, main_occupation, employment_type, years_experience, skills, consent_marketplace,
           consent_enriched, source, first_submission_id, created_at, updated_at)
         select pg_temp.seed_uuid($1 || ':r:' || g),
                case when st = 'pending_nin_capture' then null else (20000000000 + (g + $4::bigint) * 9973)::text end,
                st = 'verified',
                st,
                sur, first, gender,
                date '1962-01-01' + floor(r4 * 16800)::int,
                (array['0803','0805','0807','0813','0816','0703','0706','0810','0902'])[1 + g % 9]
                  || lpad(((g + $4::bigint) % 10000000)::text, 7, '0'),
                case when r5 < 0.3 then lower(first || '.' || sur || g) || '@example.com' end,
                ($8::text[])[1 + floor(r6 * cardinality($8::text[]))::int],
                ($10::text[])[k1],
                ($11::text[])[1 + floor(r7 * cardinality($11::text[]))::int],
                ($12::text[])[1 + floor(r8 * cardinality($12::text[]))::int],
                array_remove(array[($9::text[])[k1],
                                   case when r9 < 0.6 then ($9::text[])[1 + (k1 + 17) % cardinality($9::text[])] end,
                                   case when r9 < 0.25 then ($9::text[])[1 + (k1 + 41) % cardinality($9::text[])] end],
                             null),
                r10 < 0.6, r10 < 0.3,
                case when st = 'imported_unverified' then 'import'
                     when r11 < 0.75 then 'enumerator' when r11 < 0.93 then 'public' else 'clerk' end,
                case when st = 'imported_unverified' then null else pg_temp.seed_uuid($1 || ':s:' || g) end,
                created, created
           from (select g, r1, r4, r5, r6, r7, r8, r9, r10, r11, r12,
                        case when r1 < 0.52 then 'male' else 'female' end as gender,
                        ($5::text[])[1 + floor(r3 * cardinality($5::text[]))::int] as sur,
                        case when r1 < 0.52 then ($6::text[])[1 + floor(r2 * cardinality($6::text[]))::int]
                             else ($7::text[])[1 + floor(r2 * cardinality($7::text[]))::int] end as first,
                        1 + floor(r12 * cardinality($9::text[]))::int as k1,
                        case when r13 < 0.85 then 'active' when r13 < 0.92 then 'verified'
                             when r13 < 0.96 then 'pending_nin_capture' when r13 < 0.99 then 'imported_unverified'
                             else 'rejected' end as st,
                        now() - r14 * interval '90 days' as created
                   from (select g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6,
                                random() r7, random() r8, random() r9, random() r10, random() r11, random() r12,
                                random() r13, random() r14
                           from generate_series($2::int, $3::int) g) x) s`,
        [
          salt,
          lo,
          hi,
          existing,
          params.surnames,
          params.male,
          params.female,
          params.lgas,
          params.skillNames,
          params.skillLabels,
          params.empTypes,
          params.experience,
        ],
      );
      log(`[${secs()} s] respondents ${hi.toLocaleString('en')} / ${nRespondents.toLocaleString('en')}`);
    }

    // Submissions: respondent ((g-1) mod N)+1, so the first N are each respondent's first submission.
    const template = { ...masterAnswerSets()[0]! };
    for (const k of ['email', 'bio_short', 'portfolio_url', 'business_name', 'business_address', 'skills_other'])
      delete template[k];
    for (let lo = 1; lo <= nSubmissions; lo += chunk) {
      const hi = Math.min(nSubmissions, lo + chunk - 1);
      await client.query(
        `with e as (
           select lga_code, id, (row_number() over (partition by lga_code order by email) - 1)::int as k,
                  count(*) over (partition by lga_code)::int as n
             from users where role = 'enumerator' and status = 'active' and lga_code is not null),
         c as (select array_agg(id order by email) as ids from users where role = 'data_entry_clerk')
         insert into submissions (id, questionnaire_version_id, channel, submitted_by, answers, pii_legacy, nin_deferred,
           started_at, completed_at, gps_lat, gps_lng, gps_accuracy, device_id, body_hash, received_at, status,
           error, respondent_id, ingested_at, fraud_score, fraud_band, fraud_reasons, fraud_settings_version,
           lga_code)
         select pg_temp.seed_uuid($1 || ':s:' || s.g), $5::uuid, ch,
                case ch when 'enumerator' then e.id when 'clerk' then c.ids[1 + s.g % cardinality(c.ids)] end,
                jsonb_strip_nulls($6::jsonb || jsonb_build_object(
                  'start_time', to_json(completed - dur), 'end_time', to_json(completed),
                  'device_id', case when ch = 'enumerator' then 'dev-' || right(e.id::text, 8) end,
                  'gps_location', case when ch = 'enumerator' then jsonb_build_object('lat', lat, 'lng', lng, 'accuracy', acc) end,
                  'surname', r.surname, 'firstname', r.firstname, 'gender', r.gender, 'dob', r.dob::text,
                  'phone_number', r.phone, 'email', r.email, 'nin', r.nin, 'lga_id', r.lga_code,
                  'main_occupation', r.main_occupation, 'employment_type', r.employment_type,
                  'years_experience', r.years_experience, 'skills_possessed', to_jsonb(r.skills),
                  'consent_marketplace', case when r.consent_marketplace then 'yes' else 'no' end,
                  'consent_enriched', case when r.consent_enriched then 'yes' else 'no' end)),
                true, r.nin is null, completed - dur, completed,
                case when ch = 'enumerator' then lat end, case when ch = 'enumerator' then lng end,
                case when ch = 'enumerator' then acc end,
                case when ch = 'enumerator' then 'dev-' || right(e.id::text, 8) end,
                md5(s.g || $1), completed + received_lag, st,
                case when st = 'rejected' then jsonb_build_object('code', 'NIN_DUPLICATE', 'message',
                  'Already registered on ' || to_char(r.created_at, 'YYYY-MM-DD') || ' through the ' || r.source || ' channel') end,
                case when st = 'ingested' then r.id end,
                completed + received_lag + interval '2 seconds',
                score,
                case when score >= 85 then 'critical' when score >= 70 then 'high' when score >= 50 then 'medium'
                     when score >= 25 then 'low' else 'clean' end,
                case when score = 0 then '[]'::jsonb
                     when score < 25 then '["off-hours: submitted between 23:00 and 05:00 WAT"]'::jsonb
                     when score < 50 then '["gps: 3 points within 50 m in 4 h"]'::jsonb
                     when score < 70 then '["gps: 3 points within 50 m in 4 h", "speed-run: under 25 % of the median duration"]'::jsonb
                     else '["gps: 3 points within 50 m in 4 h", "speed-run: under 25 % of the median duration", "straight-lining: 6 questions with the same answer"]'::jsonb end,
                1,
                -- The scope supervisors read by (migration 0010): the respondent's LGA.
                r.lga_code
           from (select g, (g - 1) % $4::int + 1 as rn, random() r1, random() r2, random() r3, random() r4,
                        random() r5, random() r6, random() r7
                   from generate_series($2::int, $3::int) g) s
           join respondents r on r.id = pg_temp.seed_uuid($1 || ':r:' || s.rn)
           join e on e.lga_code = r.lga_code and e.k = s.g % e.n
           cross join c
           cross join lateral (select
                case r.source when 'public' then 'public' when 'clerk' then 'clerk' else 'enumerator' end as ch,
                case when s.g <= $4::int then r.created_at - interval '1 minute'
                     else now() - s.r1 * interval '90 days' end as completed,
                make_interval(mins => 6 + floor(s.r2 * 20)::int) as dur,
                make_interval(secs => 5 + floor(s.r3 * 3600)) as received_lag,
                case when s.g <= $4::int or s.r4 < 0.85 then 'ingested' else 'rejected' end as st,
                case when s.r5 < 0.6 then 0 when s.r5 < 0.8 then 10 when s.r5 < 0.9 then 25 + floor(s.r6 * 25)::int
                     when s.r5 < 0.96 then 50 + floor(s.r6 * 20)::int when s.r5 < 0.99 then 70 + floor(s.r6 * 15)::int
                     else 85 + floor(s.r6 * 15)::int end as score,
                7.0 + s.r6 * 2.0 as lat, 2.7 + s.r7 * 1.9 as lng, 4 + floor(s.r2 * 40) as acc) v`,
        [salt, lo, hi, nRespondents, found.version_id, JSON.stringify(template)],
      );
      log(`[${secs()} s] submissions ${hi.toLocaleString('en')} / ${nSubmissions.toLocaleString('en')}`);
    }
    // NINs and phones went in as plaintext (set-based SQL cannot seal): seal them exactly as a start
    // after migration 0014 seals a pre-encryption database, with the keys the bench servers use.
    const pii = new PiiCipher(
      loadPiiKeys({
        encryptionKey: process.env.NIN_ENCRYPTION_KEY ?? TEST_PII_ENV.NIN_ENCRYPTION_KEY,
        indexKey: process.env.NIN_INDEX_KEY ?? TEST_PII_ENV.NIN_INDEX_KEY,
        oldKeys: [],
        keyFile: '',
      }),
    );
    const sealed = await sealLegacyPii(database.db, pii);
    log(`[${secs()} s] sealed NINs and phones: ${JSON.stringify(sealed)}`);
    // Respondents went in by SQL, past ingestion: recompute the report rollups from them.
    const respondentRepo = new RespondentRepository();
    const rollups = await rebuildRollups(database.db, (executor, onPage) =>
      respondentRepo.forEachReportSubject(executor, onPage),
    );
    log(`[${secs()} s] report rollups rebuilt: ${rollups.rows.toLocaleString('en')} rows`);
    // Sealing rewrote every submission and respondent: without a vacuum the next run's queries wade
    // through a million dead row versions (the first capacity run after a seed measured that, not the API).
    await client.query('vacuum (analyze)');
    const seconds = (performance.now() - t0) / 1000;
    log(`[${secs()} s] vacuum (analyze) done`);
    return {
      questionnaireId: found.id,
      versionId: found.version_id,
      staff: insertedStaff.length,
      respondents: nRespondents,
      submissions: nSubmissions,
      seconds,
    };
  } finally {
    await client.end();
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is required (a PostgreSQL database; fresh is fine: it is migrated first)');
    process.exit(2);
  }
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  try {
    const result = await seedScale(url, {
      force: process.argv.includes('--force'),
      respondents: arg('respondents') ? Number(arg('respondents')) : undefined,
      submissions: arg('submissions') ? Number(arg('submissions')) : undefined,
    });
    console.log(
      `seeded ${result.staff} staff, ${result.respondents.toLocaleString('en')} respondents, ` +
        `${result.submissions.toLocaleString('en')} submissions in ${result.seconds.toFixed(1)} s`,
    );
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
