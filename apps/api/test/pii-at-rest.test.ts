/**
 * Issue 9 item 3: after a person is registered (an enumerator's survey, a resident's account with a
 * phone, a staff member with a NIN), the NIN's and phone's digits appear nowhere in the database's
 * files, in the write-ahead log written meanwhile, in a pg_dump, or in the logs. A marker written
 * in clear beside them (the surname) must be found in each place: proof the scan sees the data.
 */
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, createUser, withDatabase } from './harness.js';
import { masterAnswers, publishForm, settled, submissionBody, submit } from './testkit.js';
import { registerResident } from './residents.js';
import { OutboxSms } from '../src/infra/sms.js';
import { useTestApp } from './use-test-app.js';

const app = useTestApp({ logLevel: 'debug' });
let admin: pg.Client;

/** Eleven digits no fixture uses, not one digit repeated. */
const randomDigits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const nin = `5${randomDigits(10)}`;
const staffNin = `6${randomDigits(10)}`;
const phoneLocal = `0813${randomDigits(7)}`;
const residentPhone = `0814${randomDigits(7)}`;
/** A feature-phone registrant's number, as the USSD channel queues their SMS (international form). */
const smsPhone = `+234815${randomDigits(7)}`;
const marker = `Zqmarker${randomDigits(6)}`;
/** The stored forms of each secret (a phone is kept as +234…). */
const secrets = [nin, staffNin, phoneLocal.slice(1), residentPhone.slice(1), smsPhone.slice(4)];

beforeAll(async () => {
  admin = new pg.Client({ connectionString: withDatabase(TEST_DATABASE_URL, dbName()) });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
});

function dbName() {
  return new URL(app.t.databaseUrl).pathname.slice(1);
}

async function readAll(paths: string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (const p of paths) {
    const { rows } = await admin.query<{ data: Buffer | null }>(
      `select pg_read_binary_file($1, 0, (pg_stat_file($1, true)).size, true) as data`,
      [p],
    );
    if (rows[0]?.data) chunks.push(rows[0].data);
  }
  return Buffer.concat(chunks);
}

describe('NIN and phone at rest', () => {
  it('no plaintext NIN or phone in the data files, the WAL, a pg_dump or the logs', async () => {
    const { rows: start } = await admin.query<{ wal: string }>(
      'select pg_walfile_name(pg_current_wal_insert_lsn()) as wal',
    );

    // An enumerator registers a person with a NIN and a phone; a resident signs up with a phone;
    // a staff member is created with a NIN.
    const form = await publishForm(app.t, app.admin);
    const enumerator = await app.as('enumerator');
    const body = submissionBody(form.versionId, {
      answers: masterAnswers({ nin, phone_number: phoneLocal, surname: marker }),
    });
    expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect(row!.status).toBe('ingested');
    await registerResident(app.t, {
      fullName: `${marker} Resident`,
      email: `${marker.toLowerCase()}@public.test`,
      phone: residentPhone,
    });
    await createUser(app.t, 'supervisor', { nin: staffNin, fullName: `${marker} Staff` });
    // An SMS to a feature-phone registrant, through the SMS seam the USSD channel uses (its text in clear).
    await new OutboxSms(app.t.runtime.pii).send({ to: smsPhone, text: `${marker}: your reference` }, app.t.database.db);
    // The API still answers with the NIN to a super admin: sealed, not lost.
    const seen = await app.call(app.admin, { method: 'GET', url: `/api/v1/respondents/${row!.respondentId}` });
    expect(seen.json().respondent).toMatchObject({ nin, phone: `+234${phoneLocal.slice(1)}` });

    // The write-ahead log written meanwhile (read before a checkpoint may recycle it).
    const { rows: end } = await admin.query<{ wal: string }>(
      'select pg_walfile_name(pg_current_wal_insert_lsn()) as wal',
    );
    const { rows: segments } = await admin.query<{ name: string }>(
      `select name from pg_ls_waldir() where name >= $1 and name <= $2 order by name`,
      [start[0]!.wal, end[0]!.wal],
    );
    expect(segments.length).toBeGreaterThan(0);
    const wal = await readAll(segments.map((s) => `pg_wal/${s.name}`));
    expect(wal.includes(marker)).toBe(true);
    for (const s of secrets) expect(wal.includes(s), `WAL holds ${s}`).toBe(false);

    // Every relation's files (heap, TOAST, indexes) after a checkpoint wrote them out.
    await admin.query('checkpoint');
    const { rows: files } = await admin.query<{ path: string }>(
      `select pg_relation_filepath(c.oid) as path from pg_class c
        where c.relkind in ('r', 't', 'i', 'm') and pg_relation_filepath(c.oid) is not null
          and c.relnamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)`,
    );
    const data = await readAll(files.map((f) => f.path));
    expect(data.includes(marker)).toBe(true);
    for (const s of secrets) expect(data.includes(s), `data files hold ${s}`).toBe(false);

    // A backup (plain SQL, as readable as a dump gets).
    const { stdout: dump } = await promisify(execFile)('pg_dump', ['--data-only', app.t.ownerUrl], {
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(dump).toContain(marker);
    for (const s of secrets) expect(dump.includes(s), `pg_dump holds ${s}`).toBe(false);

    // The logs, at debug level.
    expect(app.t.logs.lines.length).toBeGreaterThan(0);
    for (const s of secrets) expect(app.t.logs.text.includes(s), `logs hold ${s}`).toBe(false);
  });
});
