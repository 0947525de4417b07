/**
 * Marketplace profiles at the state's scale (issue 12: search p95 ≤ 50 ms with 1,000,000 profiles),
 * set-based (INSERT … SELECT over generate_series, in chunks), straight into `marketplace_profiles`
 * (respondent ids are random: the table has no foreign key to respondents), then ANALYZE.
 *
 *   DATABASE_URL=postgres://… npm run seed:marketplace [-- --profiles=1000000] [-- --force]
 *
 * Migrates and bootstraps the database first (a fresh database works), so DATABASE_URL is the schema
 * owner's. Refuses a table that already holds profiles unless --force. Into an empty table the
 * secondary indexes are dropped for the load and rebuilt from their own definitions afterwards (the
 * same indexes, built once instead of row by row).
 *
 * The distribution: the primary skill (whose label is the profession) is Zipf-like over the 150
 * skills (the trades a registry in Oyo sees most — tailoring, hairdressing, trading, farming … —
 * first), 1–5 skills a profile (80 % of the extra ones from the primary skill's sector), sectors
 * derived from the skills, Ibadan's eleven LGAs and Ogbomosho three times as likely as the others,
 * the questionnaire's experience bands, ~20 % verified, ~30 % with a short bio. `search_text` is
 * built in SQL the way the marketplace module builds it (profileSearchText) and checked on a sample.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { EXPERIENCE_BANDS, LGA_CODES, SECTORS, SKILLS } from '@oslrs/core';
import { createPostgres } from '../../apps/api/src/infra/db.js';
import { migrateForSeeding } from './seed-scale.js';
import { profileSearchText } from '../../apps/api/src/modules/marketplace/service.js';

export interface MarketplaceSeedOptions {
  profiles?: number;
  force?: boolean;
  /** Rows per INSERT … SELECT. */
  chunk?: number;
  log?: (line: string) => void;
}

export interface MarketplaceSeedResult {
  profiles: number;
  seconds: number;
  /** Seconds spent rebuilding the secondary indexes (0 when they were kept). */
  indexSeconds: number;
}

/** The most common trades first (rank 1 is the most common); the rest follow in taxonomy order. */
const COMMON_FIRST = [
  'tailoring', 'hairdressing', 'trading', 'farming', 'barbing', 'carpentry', 'auto_mechanic', 'welding',
  'electrical', 'okada_riding', 'catering', 'masonry', 'fashion_design', 'driving', 'teaching', 'baking',
  'plumbing', 'computer_repair', 'makeup', 'painting', 'livestock', 'keke_operation', 'vulcanizing',
  'commercial_driving', 'photography', 'electronics_sales', 'shoe_making', 'tiling', 'security', 'cleaning',
]; // prettier-ignore

/** Zipf exponent: the top trade holds ~13 % of profiles, the 150th ~0.1 %. */
const ZIPF_S = 0.9;

const BIOS = [
  'Reliable and punctual; I take jobs across the state.',
  'Over a decade of hands-on work. References available.',
  'Trained under a master craftsman; neat finishing guaranteed.',
  'Available weekends and for urgent jobs.',
  'I run a small shop and take on apprentices.',
  'Certified by the trade association. Fair prices.',
  'Quick, clean work; I bring my own tools.',
  'Looking for contract work with companies and estates.',
  'Experienced with both residential and commercial clients.',
  'Self-employed; open to long-term engagements.',
];

/** The taxonomy and choices as SQL arrays (1-based, as PostgreSQL indexes them). */
function params() {
  const bySlug = new Map(SKILLS.map((s, i) => [s.slug, i + 1]));
  const ranked = [...COMMON_FIRST, ...SKILLS.map((s) => s.slug).filter((s) => !COMMON_FIRST.includes(s))];
  if (ranked.length !== SKILLS.length || ranked.some((s) => !bySlug.has(s)))
    throw new Error('COMMON_FIRST names a skill that is not in the taxonomy');
  const weights = ranked.map((_, r) => 1 / (r + 1) ** ZIPF_S);
  const total = weights.reduce((a, b) => a + b, 0);
  // width_bucket(r, thresholds) for r in [0, 1) returns 1 … 150: the lower bound of each rank's share.
  const thresholds: number[] = [];
  let acc = 0;
  for (const w of weights) {
    thresholds.push(acc);
    acc += w / total;
  }
  // Skills grouped by sector, and per skill where its sector's group starts and how long it is.
  const bySector = SECTORS.flatMap((sec) => SKILLS.flatMap((s, i) => (s.sector === sec.code ? [i + 1] : [])));
  const start = SKILLS.map((s) => bySector.findIndex((k) => SKILLS[k - 1]!.sector === s.sector) + 1);
  const count = SKILLS.map((s) => SKILLS.filter((o) => o.sector === s.sector).length);
  const lgas = LGA_CODES.flatMap((c) => (c.startsWith('ibadan') || c.startsWith('ogbomosho') ? [c, c, c] : [c]));
  return {
    slugs: SKILLS.map((s) => s.slug),
    labels: SKILLS.map((s) => s.label),
    skillSector: SKILLS.map((s) => s.sector),
    thresholds,
    rankToSkill: ranked.map((s) => bySlug.get(s)!),
    bySector,
    start,
    count,
    sectorCodes: SECTORS.map((s) => s.code),
    sectorNames: SECTORS.map((s) => s.name),
    lgas,
    bands: EXPERIENCE_BANDS.map((b) => b.key),
    bandYears: EXPERIENCE_BANDS.map((b) => b.minYears),
  };
}

export async function seedMarketplace(
  url: string,
  options: MarketplaceSeedOptions = {},
): Promise<MarketplaceSeedResult> {
  const n = options.profiles ?? 1_000_000;
  const chunk = options.chunk ?? 100_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const t0 = performance.now();
  const secs = () => ((performance.now() - t0) / 1000).toFixed(1);

  const database = createPostgres(url, 2);
  const client = new pg.Client({ connectionString: url, application_name: 'oslrs-seed-marketplace' });
  await client.connect();
  try {
    await migrateForSeeding(database, log);
    const existing = Number((await client.query('select count(*) as n from marketplace_profiles')).rows[0].n);
    if (existing > 0 && !options.force)
      throw new Error(`this database already holds ${existing} marketplace profiles; pass --force to add more`);
    // Session settings only: bulk loading need not wait for the WAL flush; index builds get memory.
    await client.query(`set synchronous_commit = off; set maintenance_work_mem = '512MB'; set work_mem = '64MB'`);

    // Into an empty table: drop the secondary indexes, rebuild them from their definitions at the end.
    const dropped =
      existing > 0
        ? []
        : ((
            await client.query(
              `select i.indexname as name, i.indexdef as def from pg_indexes i
                where i.schemaname = current_schema() and i.tablename = 'marketplace_profiles'
                  and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
            )
          ).rows as { name: string; def: string }[]);
    for (const ix of dropped) await client.query(`drop index ${ix.name}`);

    const p = params();
    for (let lo = 1; lo <= n; lo += chunk) {
      const hi = Math.min(n, lo + chunk - 1);
      await client.query(
        `insert into marketplace_profiles (id, respondent_id, profession, skills, sectors, lga_code, experience,
           years_min, verified, bio, search_text, updated_at)
         select gen_random_uuid(), gen_random_uuid(), ($2::text[])[k1],
                array(select ($1::text[])[k] from unnest(ks) with ordinality u(k, o) order by o),
                secs,
                ($9::text[])[1 + floor(r_lga * cardinality($9::text[]))::int],
                ($10::text[])[band], coalesce(($11::int[])[band], 0),
                r_ver < 0.2,
                case when r_bio < 0.3 then ($12::text[])[1 + floor(r_bio2 * cardinality($12::text[]))::int] end,
                -- profileSearchText: profession, the skills' labels, the sectors' names, joined by ' · ',
                -- slashes made spaces.
                translate(concat_ws(' · ', ($2::text[])[k1],
                  (select string_agg(($2::text[])[k], ' · ' order by o) from unnest(ks) with ordinality u(k, o)),
                  (select string_agg(($14::text[])[array_position($13::text[], s)], ' · ' order by o)
                     from unnest(secs) with ordinality u(s, o))), '/', ' '),
                now() - r_upd * interval '180 days'
           from (select s.*,
                        array(select sec from (select ($3::text[])[k] as sec, min(o) as o
                                                 from unnest(ks) with ordinality u(k, o) group by 1) d
                               order by o) as secs
                   from (select p.*,
                                -- the primary skill, then n-1 more (80 % from its sector), duplicates dropped
                                array(select k from (select k, min(o) as o
                                                       from unnest(array[k1] || array(
                                                              select case when random() < 0.8
                                                                       then ($6::int[])[($7::int[])[k1] + floor(random() * ($8::int[])[k1])::int]
                                                                       else ($5::int[])[width_bucket(random(), $4::float8[])] end
                                                                from generate_series(2, nskills) j)) with ordinality u(k, o)
                                                      group by k) d order by o) as ks
                           from (select g, r_lga, r_ver, r_bio, r_bio2, r_upd,
                                        ($5::int[])[width_bucket(r_skill, $4::float8[])] as k1,
                                        case when r_n < 0.35 then 1 when r_n < 0.65 then 2 when r_n < 0.85 then 3
                                             when r_n < 0.95 then 4 else 5 end as nskills,
                                        case when r_exp < 0.05 then null when r_exp < 0.17 then 1
                                             when r_exp < 0.42 then 2 when r_exp < 0.67 then 3
                                             when r_exp < 0.85 then 4 else 5 end as band
                                   from (select g, random() r_skill, random() r_n, random() r_lga, random() r_exp,
                                                random() r_ver, random() r_bio, random() r_bio2, random() r_upd
                                           from generate_series($15::int, $16::int) g) r) p) s) x`,
        [
          p.slugs,
          p.labels,
          p.skillSector,
          p.thresholds,
          p.rankToSkill,
          p.bySector,
          p.start,
          p.count,
          p.lgas,
          p.bands,
          p.bandYears,
          BIOS,
          p.sectorCodes,
          p.sectorNames,
          lo,
          hi,
        ],
      );
      log(`[${secs()} s] profiles ${hi.toLocaleString('en')} / ${n.toLocaleString('en')}`);
    }
    const loaded = performance.now();
    for (const ix of dropped) {
      await client.query(ix.def);
      log(`[${secs()} s] index ${ix.name} rebuilt`);
    }
    const indexSeconds = (performance.now() - loaded) / 1000;

    // The SQL above must build search_text exactly as the module does: check a sample.
    const sample = (
      await client.query(
        `select profession, skills, sectors, search_text from marketplace_profiles tablesample system (1) limit 500`,
      )
    ).rows as { profession: string; skills: string[]; sectors: string[]; search_text: string }[];
    const wrong = sample.find((r) => profileSearchText(r.profession, r.skills) !== r.search_text);
    if (wrong)
      throw new Error(
        `seeded search_text differs from profileSearchText: ${JSON.stringify(wrong.search_text)} vs ${JSON.stringify(profileSearchText(wrong.profession, wrong.skills))}`,
      );

    await client.query('vacuum analyze marketplace_profiles');
    log(`[${secs()} s] vacuum analyze done`);
    return { profiles: n, seconds: (performance.now() - t0) / 1000, indexSeconds };
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
    const result = await seedMarketplace(url, {
      force: process.argv.includes('--force'),
      profiles: arg('profiles') ? Number(arg('profiles')) : undefined,
    });
    console.log(
      `seeded ${result.profiles.toLocaleString('en')} marketplace profiles in ${result.seconds.toFixed(1)} s ` +
        `(index rebuild ${result.indexSeconds.toFixed(1)} s)`,
    );
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
