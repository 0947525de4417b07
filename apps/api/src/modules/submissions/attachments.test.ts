/**
 * Issue 14 item 6: media answers end to end against the real API (PostgreSQL, Redis, the job
 * worker). A submission naming files waits `awaiting_files` until every file has arrived (whole or
 * in Content-Range chunks, resumable, re-sending harmless); bad files are refused clearly; files are
 * served only to those who may read the answers. The S3 store runs against a local fake S3 server
 * (S3 itself is outside the machine).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { FormSchema } from '@oslrs/core';
import { auditLog, submissionOutbox, submissions } from '../../db/schema/index.js';
import { call, startTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { MASTER_FORM, masterAnswers, publishForm, settled, signIn, submissionBody } from '../../../test/testkit.js';
import { useTestApp } from '../../../test/use-test-app.js';

const MEDIA_FORM: FormSchema = {
  ...MASTER_FORM,
  formId: 'media_survey',
  title: 'Media survey',
  sections: [
    ...MASTER_FORM.sections,
    {
      name: 'media',
      label: 'Photos and files',
      questions: [
        { name: 'photo', type: 'image', label: 'Photo of the workshop' },
        { name: 'voice', type: 'audio', label: 'A short description' },
        { name: 'doc', type: 'file', label: 'A certificate' },
      ],
    },
  ],
};

/** A "JPEG" as far as its first bytes go (the server sniffs; it never decodes). */
const jpeg = (bytes: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(bytes - 4)]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const declare = (name: string, file: Buffer) => ({ name, size: file.length, sha256: sha256(file) });

const dir = mkdtempSync(join(tmpdir(), 'oslrs-attachments-'));
const app = useTestApp({ env: { ATTACHMENTS_DIR: dir } });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let versionId: string;
let enumerator: Session;
beforeAll(async () => {
  await publishForm(app.t, app.admin); // the public questionnaire: the master form
  ({ versionId } = await publishForm(app.t, app.admin, MEDIA_FORM));
  enumerator = await app.as('enumerator', { lgaCode: 'ibadan_north' });
});

function mediaBody(files: Record<string, Buffer>, extra: Record<string, unknown> = {}) {
  const answers = masterAnswers(
    Object.fromEntries(Object.keys(files).map((q) => [q, `${q}-${randomUUID().slice(0, 8)}.bin`])),
  );
  const body = submissionBody(versionId, { answers });
  return {
    ...body,
    attachments: Object.entries(files).map(([q, file]) => declare(answers[q] as string, file)),
    ...extra,
    names: Object.fromEntries(Object.keys(files).map((q) => [q, answers[q] as string])),
  };
}

const send = (who: Session, body: ReturnType<typeof mediaBody>) => {
  const { names: _names, ...payload } = body;
  return call(app.t.app, who, { method: 'POST', url: '/api/v1/submissions', payload });
};

function put(
  t: TestApp,
  who: Session | null,
  id: string,
  name: string,
  payload: Buffer | Readable,
  headers: Record<string, string> = {},
) {
  return call(t.app, who, {
    method: 'PUT',
    url: `/api/v1/submissions/${id}/attachments/${name}`,
    payload,
    headers: { 'content-type': 'application/octet-stream', ...headers },
  });
}
const chunk = (file: Buffer, start: number, end: number) =>
  [file.subarray(start, end + 1), { 'content-range': `bytes ${start}-${end}/${file.length}` }] as const;

async function statusOf(id: string) {
  const [row] = await app.t.database.db.select().from(submissions).where(eq(submissions.id, id));
  const outbox = await app.t.database.db.select().from(submissionOutbox).where(eq(submissionOutbox.submissionId, id));
  return { status: row?.status, outbox: outbox.length };
}

describe('a submission with files counts as received only when all its files are', () => {
  it('waits awaiting_files; chunks resume, repeats are harmless; the last byte of the last file receives it', async () => {
    const photo = jpeg(300_000);
    const doc = Buffer.from('%PDF-1.4 a certificate');
    const body = mediaBody({ photo, doc });
    const first = await send(enumerator, body);
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toMatchObject({ id: body.id, status: 'awaiting_files' });
    expect(await statusOf(body.id)).toEqual({ status: 'awaiting_files', outbox: 0 });

    // The device asks where it stands (nothing yet).
    const asked = await call(app.t.app, enumerator, { method: 'GET', url: `/api/v1/submissions/${body.id}` });
    expect(asked.json().attachments).toEqual(
      expect.arrayContaining([{ name: body.names.photo, size: photo.length, received: 0, complete: false }]),
    );

    // The photo in three chunks; the first one sent twice (a lost reply), one sent too far ahead.
    const a = await put(app.t, enumerator, body.id, body.names.photo!, ...chunk(photo, 0, 99_999));
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json().attachment).toMatchObject({ received: 100_000, complete: false });
    const again = await put(app.t, enumerator, body.id, body.names.photo!, ...chunk(photo, 0, 99_999));
    expect(again.json().attachment).toMatchObject({ received: 100_000, complete: false });
    const ahead = await put(app.t, enumerator, body.id, body.names.photo!, ...chunk(photo, 200_000, 299_999));
    expect(ahead.statusCode).toBe(409);
    expect(ahead.json().error).toMatchObject({ code: 'UPLOAD_OFFSET_MISMATCH', details: { received: 100_000 } });
    // Resuming: ask with "bytes */size", carry on from there (overlapping bytes are skipped).
    const where = await put(app.t, enumerator, body.id, body.names.photo!, Buffer.alloc(0), {
      'content-range': `bytes */${photo.length}`,
    });
    expect(where.json().attachment.received).toBe(100_000);
    const b = await put(app.t, enumerator, body.id, body.names.photo!, ...chunk(photo, 50_000, 199_999));
    expect(b.json().attachment).toMatchObject({ received: 200_000 });
    const c = await put(app.t, enumerator, body.id, body.names.photo!, ...chunk(photo, 200_000, 299_999));
    expect(c.json()).toMatchObject({
      attachment: { received: 300_000, complete: true },
      submission: { status: 'awaiting_files' },
    });
    expect(await statusOf(body.id)).toEqual({ status: 'awaiting_files', outbox: 0 });

    // The last file, whole: now it is received (outbox row, ingestion).
    const d = await put(app.t, enumerator, body.id, body.names.doc!, doc);
    expect(d.statusCode, d.body).toBe(200);
    expect(d.json().submission.status).toMatch(/^(received|ingested)$/);
    const [row] = await settled(app.t, [body.id]);
    expect(row!.status).toBe('ingested');

    // Everything again: the same answers, the same files.
    const replay = await send(enumerator, body);
    expect(replay.statusCode).toBe(200);
    expect(replay.json().status).toBe('ingested');
    const resent = await put(app.t, enumerator, body.id, body.names.doc!, doc);
    expect(resent.json()).toMatchObject({ attachment: { complete: true }, submission: { status: 'ingested' } });
    expect(readFileSync(join(dir, body.id, body.names.photo!)).equals(photo)).toBe(true);
    // Nothing left half-assembled.
    expect(existsSync(join(dir, '.uploads', body.id))).toBe(false);
  });

  it('a file that arrives damaged (another SHA-256) starts again from zero', async () => {
    const photo = jpeg(2_000);
    const body = mediaBody({ photo });
    expect((await send(enumerator, body)).statusCode).toBe(202);
    const damaged = Buffer.from(photo);
    damaged[1000] = damaged[1000]! ^ 0xff;
    const res = await put(app.t, enumerator, body.id, body.names.photo!, damaged);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'ATTACHMENT_CHECKSUM_MISMATCH', details: { received: 0 } });
    expect(await statusOf(body.id)).toEqual({ status: 'awaiting_files', outbox: 0 });
    const good = await put(app.t, enumerator, body.id, body.names.photo!, photo);
    expect(good.json().submission.status).toMatch(/^(received|ingested)$/);
  });
});

describe('refusals', () => {
  it('answers and attachments must match, and a declared size above the cap is refused at intake', async () => {
    const photo = jpeg(1000);
    const missing = mediaBody({ photo });
    const r1 = await send(enumerator, { ...missing, attachments: [] });
    expect(r1.statusCode).toBe(422);
    expect(r1.json().error).toMatchObject({ code: 'ATTACHMENTS_INVALID', details: { field: 'photo' } });

    const extra = mediaBody({ photo });
    const r2 = await send(enumerator, { ...extra, attachments: [...extra.attachments, declare('stray.jpg', photo)] });
    expect(r2.statusCode).toBe(422);
    expect(r2.json().error).toMatchObject({ code: 'ATTACHMENTS_INVALID', details: { name: 'stray.jpg' } });

    const big = mediaBody({ photo });
    const r3 = await send(enumerator, { ...big, attachments: [{ ...big.attachments[0]!, size: 11 * 1024 * 1024 }] });
    expect(r3.statusCode).toBe(413);
    expect(r3.json().error.code).toBe('ATTACHMENT_TOO_LARGE');

    const unsafe = mediaBody({ photo });
    const r4 = await send(enumerator, {
      ...unsafe,
      answers: { ...unsafe.answers, photo: '../../etc/passwd' },
      attachments: [],
    });
    expect(r4.statusCode).toBe(422);
    expect(JSON.stringify(r4.json().error)).toContain('FILE_NAME_INVALID');
    for (const id of [missing.id, extra.id, big.id, unsafe.id]) expect((await statusOf(id)).status).toBeUndefined();
  });

  it('a 100 MB upload is refused from its headers, without reading it', async () => {
    const body = mediaBody({ photo: jpeg(5000) });
    expect((await send(enumerator, body)).statusCode).toBe(202);
    let pulled = 0;
    const total = 100 * 1024 * 1024;
    const stream = new Readable({
      read() {
        if (pulled >= total) return this.push(null);
        pulled += 65_536;
        this.push(Buffer.alloc(65_536));
      },
    });
    const res = await put(app.t, enumerator, body.id, body.names.photo!, stream, { 'content-length': String(total) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'ATTACHMENT_TOO_LARGE', details: { max: 10 * 1024 * 1024 } });
    expect(pulled).toBeLessThan(total / 4);
    const chunked = await put(app.t, enumerator, body.id, body.names.photo!, Buffer.alloc(10), {
      'content-range': `bytes 0-9/${total}`,
    });
    expect(chunked.statusCode).toBe(413);
  });

  it('a file whose bytes lie about its kind is refused, and nothing of it is kept', async () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>'.padEnd(2000, ' '));
    const body = mediaBody({ photo: html, voice: html });
    expect((await send(enumerator, body)).statusCode).toBe(202);
    for (const q of ['photo', 'voice']) {
      const res = await put(app.t, enumerator, body.id, body.names[q]!, html, { 'content-type': 'image/jpeg' });
      expect(res.statusCode).toBe(415);
      expect(res.json().error).toMatchObject({ code: 'ATTACHMENT_TYPE_MISMATCH' });
    }
    const asked = await call(app.t.app, enumerator, { method: 'GET', url: `/api/v1/submissions/${body.id}` });
    expect(asked.json().attachments.map((a: { received: number }) => a.received)).toEqual([0, 0]);
  });

  it('unsafe names, names the submission does not give, sizes that differ, other people: all refused', async () => {
    const photo = jpeg(3000);
    const body = mediaBody({ photo });
    expect((await send(enumerator, body)).statusCode).toBe(202);
    const unsafe = await put(app.t, enumerator, body.id, '..%2F..%2Fetc%2Fpasswd', photo);
    expect(unsafe.statusCode).toBe(400);
    expect(unsafe.json().error.code).toBe('VALIDATION_FAILED');
    const dotfile = await put(app.t, enumerator, body.id, '.htaccess', photo);
    expect(dotfile.statusCode).toBe(400);
    const undeclared = await put(app.t, enumerator, body.id, 'other.jpg', photo);
    expect(undeclared.statusCode).toBe(422);
    expect(undeclared.json().error.code).toBe('ATTACHMENT_NOT_DECLARED');
    const wrongSize = await put(app.t, enumerator, body.id, body.names.photo!, photo.subarray(0, 2000));
    expect(wrongSize.statusCode).toBe(422);
    expect(wrongSize.json().error.code).toBe('ATTACHMENT_SIZE_MISMATCH');
    const badRange = await put(app.t, enumerator, body.id, body.names.photo!, photo, { 'content-range': 'bytes=0-' });
    expect(badRange.statusCode).toBe(400);

    const colleague = await app.as('enumerator', { lgaCode: 'ibadan_north' });
    const stolen = await put(app.t, colleague, body.id, body.names.photo!, photo);
    expect(stolen.statusCode).toBe(404);
    const supervisor = await app.as('supervisor', { lgaCode: 'ibadan_north' });
    expect((await put(app.t, supervisor, body.id, body.names.photo!, photo)).statusCode).toBe(403);
    expect((await put(app.t, null, body.id, body.names.photo!, photo)).statusCode).toBe(401);
    expect((await put(app.t, enumerator, randomUUID(), body.names.photo!, photo)).statusCode).toBe(404);
    expect(await statusOf(body.id)).toEqual({ status: 'awaiting_files', outbox: 0 });
  });
});

describe('serving a file', () => {
  let body: ReturnType<typeof mediaBody>;
  const photo = jpeg(4000);
  const doc = Buffer.from('<html><body>not to be rendered</body></html>');
  beforeAll(async () => {
    body = mediaBody({ photo, doc });
    expect((await send(enumerator, body)).statusCode).toBe(202);
    expect((await put(app.t, enumerator, body.id, body.names.photo!, photo)).statusCode).toBe(200);
  });
  const get = (who: Session | null, name: string) =>
    call(app.t.app, who, { method: 'GET', url: `/api/v1/submissions/${body.id}/attachments/${name}` });

  it('an image to an overseer in scope: shown in place, never sniffed; audited', async () => {
    const res = await get(app.admin, body.names.photo!);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(photo)).toBe(true);
    expect(res.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    });
    expect(res.headers['content-disposition']).toMatch(/^inline; filename="photo-/);
    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'submission.attachment_viewed'), eq(auditLog.targetId, body.id)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.after).toEqual({ name: body.names.photo });

    const local = await app.as('supervisor', { lgaCode: 'ibadan_north' });
    expect((await get(local, body.names.photo!)).statusCode).toBe(200);
  });

  it('a file not yet complete is not there; any file downloads as bytes, never as a page', async () => {
    expect((await get(app.admin, body.names.doc!)).statusCode).toBe(404);
    expect((await put(app.t, enumerator, body.id, body.names.doc!, doc)).statusCode).toBe(200);
    const res = await get(app.admin, body.names.doc!);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="doc-/);
    expect(res.headers['content-security-policy']).toContain('sandbox');
  });

  it('no one else: another LGA answers as missing, the submitter and anonymous callers are refused', async () => {
    const far = await app.as('supervisor', { lgaCode: 'oyo_east' });
    expect((await get(far, body.names.photo!)).statusCode).toBe(404);
    expect((await get(enumerator, body.names.photo!)).statusCode).toBe(403);
    expect((await get(null, body.names.photo!)).statusCode).toBe(401);
    expect((await get(app.admin, 'unknown.jpg')).statusCode).toBe(404);
  });
});

/** The body of an `aws-chunked` upload (`<hex size>[;…]\r\n<bytes>\r\n` … `0\r\n<trailers>`). */
function awsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    const size = parseInt(raw.toString('latin1', at, eol).split(';')[0]!, 16);
    if (!size) return Buffer.concat(parts);
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

describe('in an S3-compatible bucket (a local fake S3 server)', () => {
  let server: Server;
  let t: TestApp;
  const objects = new Map<string, Buffer>();
  const s3Dir = mkdtempSync(join(tmpdir(), 'oslrs-attachments-s3-'));
  beforeAll(async () => {
    // Just enough of S3 for PutObject and GetObject: keep what arrives, hand it back.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const key = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
        if (req.method === 'PUT') {
          const raw = Buffer.concat(chunks);
          objects.set(key, req.headers['x-amz-decoded-content-length'] ? awsChunked(raw) : raw);
          res.writeHead(200, { etag: '"abc"' }).end();
        } else if (req.method === 'GET' && objects.has(key)) {
          const data = objects.get(key)!;
          res.writeHead(200, { 'content-length': data.length, 'content-type': 'application/octet-stream' }).end(data);
        } else {
          res.writeHead(404, { 'content-type': 'application/xml' });
          res.end('<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>none</Message></Error>');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    process.env.AWS_ACCESS_KEY_ID ??= 'test-key';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test-secret';
    t = await startTestApp({
      sharedWith: app.t,
      worker: false,
      env: {
        ATTACHMENTS_DIR: s3Dir,
        ATTACHMENTS_S3_BUCKET: 'oslrs-media',
        ATTACHMENTS_S3_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        ATTACHMENTS_S3_FORCE_PATH_STYLE: 'true',
        ATTACHMENTS_S3_PREFIX: 'field/',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    server?.close();
    rmSync(s3Dir, { recursive: true, force: true });
  });

  it('the complete file goes to the bucket under the prefix and is served from it', async () => {
    const photo = jpeg(50_000);
    const body = mediaBody({ photo });
    const who = await signIn(t, 'enumerator', { lgaCode: 'ibadan_north' });
    const { names: _n, ...payload } = body;
    expect((await call(t.app, who, { method: 'POST', url: '/api/v1/submissions', payload })).statusCode).toBe(202);
    expect((await put(t, who, body.id, body.names.photo!, ...chunk(photo, 0, 29_999))).statusCode).toBe(200);
    expect(objects.size).toBe(0); // nothing in the bucket before the file is whole
    const done = await put(t, who, body.id, body.names.photo!, ...chunk(photo, 30_000, 49_999));
    expect(done.json().submission.status).toBe('received');
    const stored = objects.get(`/oslrs-media/field/${body.id}/${body.names.photo}`);
    expect(stored?.equals(photo)).toBe(true);

    const admin = await signIn(t, 'super_admin');
    const res = await call(t.app, admin, {
      method: 'GET',
      url: `/api/v1/submissions/${body.id}/attachments/${body.names.photo}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(photo)).toBe(true);
  });
});
