/**
 * The files of media answers (image, audio, video, file). The answers name them; the body lists
 * them (`attachments: [{ name, size, sha256 }]`); the submission is kept `awaiting_files` and counts
 * as received — outbox row, ingestion — only when the last byte of the last file has arrived.
 *
 * Upload: `PUT /submissions/:id/attachments/:name`, the whole file or `Content-Range: bytes a-b/size`
 * chunks in order, by the submitter only. Every step is idempotent and resumable: a chunk already
 * held is skipped, a chunk past the end answers 409 with how much is held, `bytes * /size` with no
 * body asks where it stands. The first bytes decide what the file is (never the name or the sender's
 * Content-Type); sizes above the question's cap are refused from the headers, before reading.
 * Chunks assemble under ATTACHMENTS_DIR/.uploads; the complete, SHA-256-checked file goes to the
 * attachment store (a directory or an S3 bucket, infra/attachments.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  MEDIA_MAX_BYTES,
  MEDIA_TYPES,
  type AnswerValue,
  type Answers,
  type AttachmentDeclaration,
  type AttachmentProgress,
  type FormSchema,
  type MediaType,
  type Question,
} from '@oslrs/core';
import { requireAccess, type Actor } from '../../access/index.js';
import type { AttachmentStore } from '../../infra/attachments.js';
import type { Db } from '../../infra/db.js';
import { Conflict, Invalid, NotFound, Unprocessable, fail, isUniqueViolation } from '../../errors.js';
import { recordAudit } from '../audit/index.js';
import type { AttachmentRow, NewAttachment, SubmissionRepository, SubmissionRow } from './repository.js';
import { SNIFF_BYTES, contentTypeFor } from './sniff.js';

const MEDIA = new Set<string>(MEDIA_TYPES);

/** Every media question of the form, by name, with its type (children of groups and repeats too). */
function mediaQuestions(form: FormSchema): Map<string, MediaType> {
  const out = new Map<string, MediaType>();
  const walk = (qs: Question[]) => {
    for (const q of qs) {
      if (MEDIA.has(q.type)) out.set(q.name, q.type as MediaType);
      if (q.questions) walk(q.questions);
    }
  };
  for (const section of form.sections) walk(section.questions);
  return out;
}

/** The file names the answers give, with their question's type (inside repeat instances too). */
function mediaAnswers(
  media: Map<string, MediaType>,
  answers: Answers,
  out: { name: string; type: MediaType; field: string }[] = [],
) {
  for (const [field, value] of Object.entries(answers) as [string, AnswerValue][]) {
    const type = media.get(field);
    if (type && typeof value === 'string' && value !== '') out.push({ name: value, type, field });
    else if (Array.isArray(value))
      for (const instance of value)
        if (instance && typeof instance === 'object') mediaAnswers(media, instance as Answers, out);
  }
  return out;
}

/**
 * The attachment rows of a new submission: each media answer's file declared once, nothing declared
 * that no answer names, and no file above its question's cap. Throws the first mismatch.
 */
export function attachmentsFor(
  form: FormSchema,
  submissionId: string,
  answers: Answers,
  declared: AttachmentDeclaration[] = [],
): NewAttachment[] {
  const named = mediaAnswers(mediaQuestions(form), answers);
  const byName = new Map(declared.map((d) => [d.name, d]));
  const seen = new Set<string>();
  const rows: NewAttachment[] = [];
  for (const { name, type, field } of named) {
    if (seen.has(name))
      throw Unprocessable('ATTACHMENTS_INVALID', `The file ${name} answers more than one question`, { field, name });
    seen.add(name);
    const d = byName.get(name);
    if (!d)
      throw Unprocessable('ATTACHMENTS_INVALID', `The answer names ${name}, which is not in attachments`, {
        field,
        name,
      });
    if (d.size > MEDIA_MAX_BYTES[type])
      throw fail(
        'ATTACHMENT_TOO_LARGE',
        `${name} is larger than ${MEDIA_MAX_BYTES[type] / 1024 / 1024} MB, the most for a ${type}`,
        {
          name,
          max: MEDIA_MAX_BYTES[type],
        },
      );
    rows.push({ submissionId, name, mediaType: type, size: d.size, sha256: d.sha256 });
  }
  const extra = declared.find((d) => !seen.has(d.name));
  if (extra) throw Unprocessable('ATTACHMENTS_INVALID', `No media answer names ${extra.name}`, { name: extra.name });
  return rows;
}

export const progressOf = (a: AttachmentRow): AttachmentProgress => ({
  name: a.name,
  size: a.size,
  received: a.received,
  complete: a.completedAt !== null,
});

interface Range {
  start: number;
  /** Bytes this request carries (undefined: ask where the upload stands). */
  length: number | undefined;
}

/** `Content-Range: bytes a-b/total` (or `bytes * /total`); none: the whole file in one request. */
function parseRange(header: string | undefined, contentLength: number | undefined, att: AttachmentRow): Range {
  const cap = MEDIA_MAX_BYTES[att.mediaType as MediaType];
  const tooLarge = (n: number) =>
    fail('ATTACHMENT_TOO_LARGE', `${att.name} may be at most ${cap} bytes (a ${att.mediaType}); this is ${n}`, {
      name: att.name,
      max: cap,
    });
  if (contentLength !== undefined && contentLength > cap) throw tooLarge(contentLength);
  if (header === undefined) {
    if (contentLength !== undefined && contentLength !== att.size)
      throw Unprocessable(
        'ATTACHMENT_SIZE_MISMATCH',
        `${att.name} was declared ${att.size} bytes; this is ${contentLength}`,
        {
          name: att.name,
          size: att.size,
        },
      );
    return { start: 0, length: att.size };
  }
  const m = /^bytes (?:(\d{1,12})-(\d{1,12})|\*)\/(\d{1,12})$/.exec(header.trim());
  if (!m)
    throw Invalid('BAD_REQUEST', 'Content-Range is written "bytes <first>-<last>/<size>" (or "bytes */<size>" to ask)');
  const total = Number(m[3]);
  if (total > cap) throw tooLarge(total);
  if (total !== att.size)
    throw Unprocessable('ATTACHMENT_SIZE_MISMATCH', `${att.name} was declared ${att.size} bytes, not ${total}`, {
      name: att.name,
      size: att.size,
    });
  if (m[1] === undefined) return { start: att.received, length: undefined };
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start > end || end >= total) throw Invalid('BAD_REQUEST', `Content-Range ${header} is outside 0-${total - 1}`);
  if (contentLength !== undefined && contentLength !== end - start + 1)
    throw Invalid(
      'BAD_REQUEST',
      `Content-Range ${header} announces ${end - start + 1} bytes; Content-Length is ${contentLength}`,
    );
  return { start, length: end - start + 1 };
}

/**
 * Copies at most `limit` bytes of `body` into `path`, handing the first bytes to `check` before any
 * more are written (a lying file is refused at its head). More than `limit` bytes: refused as too
 * large. On a refusal the rest of the request is let go unread (discarded, never kept), not torn
 * down, so the sender still reads the JSON answer.
 */
function receiveChunk(body: Readable, path: string, limit: number, check: (head: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path, { flags: 'w' });
    let got = 0;
    let head: Buffer | undefined = Buffer.alloc(0);
    let settled = false;
    const stop = (err: unknown) => {
      if (settled) return;
      settled = true;
      body.off('data', onData).off('end', onEnd).off('error', stop).off('close', onClose);
      out.destroy();
      body.resume();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const checkHead = () => {
      const h = head!;
      head = undefined;
      check(h);
    };
    const onData = (chunk: Buffer) => {
      got += chunk.length;
      if (got > limit) return stop(fail('ATTACHMENT_TOO_LARGE', `More bytes arrived than announced (${limit})`));
      if (head) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= SNIFF_BYTES) {
          try {
            checkHead();
          } catch (err) {
            return stop(err);
          }
        }
      }
      if (!out.write(chunk)) {
        body.pause();
        out.once('drain', () => body.resume());
      }
    };
    const onEnd = () => {
      try {
        if (head) checkHead();
      } catch (err) {
        return stop(err);
      }
      settled = true;
      body.off('close', onClose);
      out.end(() => resolve(got));
    };
    const onClose = () =>
      stop(Invalid('BAD_REQUEST', 'The upload was interrupted; send the rest from where it stands'));
    out.on('error', stop);
    body.on('data', onData).on('end', onEnd).on('error', stop).on('close', onClose);
  });
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** The assembled file is exactly `keep` bytes, then `chunk` from byte `skip` on. */
async function appendChunk(assembled: string, keep: number, chunk: string, skip: number) {
  const fh = await open(assembled, 'a+');
  try {
    await fh.truncate(keep);
  } finally {
    await fh.close();
  }
  await pipeline(createReadStream(chunk, { start: skip }), createWriteStream(assembled, { flags: 'a' }));
}

export interface ServedFile {
  body: Readable;
  size: number;
  contentType: string;
  name: string;
}

export class AttachmentService {
  private readonly uploads: string;

  constructor(
    private readonly db: Db,
    private readonly repo: SubmissionRepository,
    private readonly store: AttachmentStore,
    dir: string,
    /** Wakes ingestion for a submission whose last file just arrived (its outbox row is committed). */
    private readonly wake: (ids: string[]) => Promise<void>,
  ) {
    this.uploads = join(dir, '.uploads');
  }

  private async forUpload(actor: Actor, id: string, name: string) {
    const row = await this.repo.findById(this.db, id);
    requireAccess(actor, 'submission.upload', row && { ownerId: row.submittedBy });
    const att = await this.repo.attachment(this.db, id, name);
    if (!att) throw Unprocessable('ATTACHMENT_NOT_DECLARED', `Submission ${id} does not name a file ${name}`, { name });
    return { row: row!, att };
  }

  /** One request's bytes of one file (all of it, or a Content-Range chunk); where the upload then stands. */
  async upload(
    actor: Actor,
    id: string,
    name: string,
    request: { contentRange: string | undefined; contentLength: number | undefined; body: Readable },
  ): Promise<{ progress: AttachmentProgress; submission: SubmissionRow | undefined }> {
    const { row, att } = await this.forUpload(actor, id, name);
    const range = parseRange(request.contentRange, request.contentLength, att);
    const standing = { progress: progressOf(att), submission: row };
    if (att.completedAt || range.length === undefined) return standing;
    if (range.start > att.received)
      throw fail('UPLOAD_OFFSET_MISMATCH', `${att.received} bytes of ${name} are held; send from there`, {
        received: att.received,
      });
    if (range.start + range.length <= att.received) return standing; // all of it already held

    const assembled = join(this.uploads, id, `${name}.part`);
    const chunk = join(this.uploads, id, `${name}.${randomBytes(6).toString('hex')}.chunk`);
    await mkdir(dirname(chunk), { recursive: true });
    let sniffed: string | undefined;
    try {
      const got = await receiveChunk(request.body, chunk, range.length, (head) => {
        if (range.start !== 0) return;
        sniffed = contentTypeFor(att.mediaType as MediaType, head);
        if (!sniffed)
          throw fail('ATTACHMENT_TYPE_MISMATCH', `${name} is not a kind of file a ${att.mediaType} question takes`, {
            name,
            expected: att.mediaType,
          });
      });
      if (got !== range.length)
        throw Invalid('BAD_REQUEST', `Content-Range announced ${range.length} bytes; ${got} arrived`);
      const outcome = await this.db
        .transaction(async (tx) => {
          const cur = (await this.repo.lockAttachment(tx, id, name))!;
          if (cur.completedAt) return { att: cur, released: undefined, damaged: false };
          if (range.start > cur.received)
            throw fail('UPLOAD_OFFSET_MISMATCH', `${cur.received} bytes of ${name} are held; send from there`, {
              received: cur.received,
            });
          const skip = cur.received - range.start;
          if (skip >= got) return { att: cur, released: undefined, damaged: false };
          await appendChunk(assembled, cur.received, chunk, skip);
          const received = range.start + got;
          const contentType = cur.contentType ?? sniffed ?? null;
          if (received < cur.size) {
            const next = await this.repo.setAttachmentProgress(tx, id, name, { received, contentType });
            return { att: next, released: undefined, damaged: false };
          }
          if ((await sha256Of(assembled)) !== cur.sha256) {
            // Damaged on the way: start this file again.
            const next = await this.repo.setAttachmentProgress(tx, id, name, { received: 0, contentType: null });
            return { att: next, released: undefined, damaged: true };
          }
          await this.store.put(`${id}/${name}`, assembled, contentType ?? 'application/octet-stream');
          const done = await this.repo.setAttachmentProgress(tx, id, name, {
            received,
            contentType,
            completedAt: new Date(),
          });
          return { att: done, released: await this.repo.releaseAwaiting(tx, id), damaged: false };
        })
        .catch((err: unknown) => {
          // A resident's second registration became live meanwhile (the partial unique index decides).
          if (isUniqueViolation(err, 'submissions_public_one_person_uq')) throw Conflict('ALREADY_REGISTERED');
          throw err;
        });
      if (outcome.damaged)
        throw fail(
          'ATTACHMENT_CHECKSUM_MISMATCH',
          `${name} arrived with another SHA-256 than declared; send it again from the start`,
          {
            name,
            received: 0,
          },
        );
      if (outcome.att.completedAt) await rm(assembled, { force: true });
      if (outcome.released) {
        // Every file is in the store: nothing of this submission is left to assemble.
        await rm(join(this.uploads, id), { recursive: true, force: true });
        await this.wake([id]);
      }
      return { progress: progressOf(outcome.att), submission: outcome.released ?? row };
    } finally {
      // A sender that broke off: nothing of this chunk counts (the next request resumes where the row says).
      await rm(chunk, { force: true });
    }
  }

  /** Where each attachment of a submission waiting for its files stands. */
  async progress(id: string): Promise<AttachmentProgress[]> {
    return (await this.repo.attachmentsOf(this.db, id)).map(progressOf);
  }

  /**
   * One file, for someone allowed to read the submission's answers (the same rule as the review
   * detail; out of scope answers like missing). A view of personal data: audited.
   */
  async open(actor: Actor, id: string, name: string): Promise<ServedFile> {
    const row = await this.repo.findById(this.db, id);
    requireAccess(actor, 'submission.oversee', row && { lgaCode: row.lgaCode });
    const att = await this.repo.attachment(this.db, id, name);
    if (!att?.completedAt) throw NotFound();
    const file = await this.store.get(`${id}/${name}`);
    if (!file) throw NotFound();
    await recordAudit(this.db, actor, {
      action: 'submission.attachment_viewed',
      targetType: 'submission',
      targetId: id,
      after: { name },
    });
    return { body: file.body, size: att.size, contentType: att.contentType ?? 'application/octet-stream', name };
  }
}
