/**
 * Photos, recordings and files of media answers, on the device: kept in IndexedDB (store `media`,
 * by file name) from the moment they are taken, offline, until the registry has them. The answer
 * is the file name. Images are downscaled here (long side 1,600 px, JPEG) before they are kept.
 *
 * Sending (sync.ts): the survey's JSON first (it lists its attachments; the registry holds it
 * `awaiting_files`), then each file in chunks with Content-Range, resuming where the registry says
 * it stands; the survey leaves the outbox only when the registry has every file.
 */
import {
  MEDIA_MAX_BYTES,
  MEDIA_TYPES,
  type AttachmentDeclaration,
  type MediaType,
  type SubmissionStatusView,
} from '@oslrs/core';
import { api, ApiError } from '../api/client';
import type { Answers, AnswerValue, FormSchema, Question } from '../forms/engine';
import { t } from '../i18n';
import { formatNumber } from '../lib/format';
import { done, get, transact } from './db';

export interface MediaRecord {
  name: string;
  blob: Blob;
  size: number;
  sha256: string;
  mediaType: MediaType;
  createdAt: string;
}

/** Chunks small enough for a slow line to finish each one well within the registry's request timeout. */
export const CHUNK_BYTES = 256 * 1024;
/** The long side of a photo after downscaling. */
export const IMAGE_MAX_PX = 1600;

const EXTENSION: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/ogg': 'ogg',
  'audio/wav': 'wav',
  'audio/webm': 'webm',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
  'video/3gpp': '3gp',
};

function extensionOf(blob: Blob, original?: string): string {
  const fromType = EXTENSION[blob.type.split(';')[0]!];
  if (fromType) return fromType;
  const fromName = original?.match(/\.([A-Za-z0-9]{1,8})$/)?.[1];
  return fromName?.toLowerCase() ?? 'bin';
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `<question>-<random>.<ext>`: unique, and safe as a file name and in a URL (SAFE_FILE_NAME). */
export function mediaFileName(question: string, blob: Blob, original?: string): string {
  const stem =
    question
      .replace(/[^A-Za-z0-9_-]/g, '')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 60) || 'file';
  return `${stem}-${randomHex(6)}.${extensionOf(blob, original)}`;
}

async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A photo at most IMAGE_MAX_PX on its long side, as JPEG; smaller ones are re-encoded only when too large. */
export async function downscaleImage(file: Blob, maxPx = IMAGE_MAX_PX): Promise<Blob> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, maxPx / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.type === 'image/jpeg' && file.size <= MEDIA_MAX_BYTES.image) {
    bitmap.close();
    return file;
  }
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The photo could not be read'))), 'image/jpeg', 0.82),
  );
}

export class MediaTooLarge extends Error {}

/** Keeps a captured file on the device (durably) and returns its record; the answer is `record.name`. */
export async function keepMedia(
  question: string,
  mediaType: MediaType,
  file: Blob,
  original?: string,
): Promise<MediaRecord> {
  const blob = mediaType === 'image' ? await downscaleImage(file) : file;
  const max = MEDIA_MAX_BYTES[mediaType];
  if (blob.size > max)
    throw new MediaTooLarge(
      t('collect.media.tooLarge', {
        size: formatNumber(Math.round((blob.size / 1024 / 1024) * 10) / 10),
        max: formatNumber(max / 1024 / 1024),
      }),
    );
  if (blob.size === 0) throw new MediaTooLarge(t('collect.media.empty'));
  const record: MediaRecord = {
    name: mediaFileName(question, blob, original),
    blob,
    size: blob.size,
    sha256: await sha256Hex(blob),
    mediaType,
    createdAt: new Date().toISOString(),
  };
  await transact(['media'], 'readwrite', async (s) => void (await done(s.media.put(record))), 'strict');
  return record;
}

export function getMedia(name: string): Promise<MediaRecord | undefined> {
  return get<MediaRecord>('media', name);
}

const MEDIA = new Set<string>(MEDIA_TYPES);

/** The file names the answers give to the form's media questions (inside repeat instances too). */
export function mediaNames(form: FormSchema, answers: Answers): string[] {
  const media = new Set<string>();
  const walkForm = (qs: Question[]) => {
    for (const q of qs) {
      if (MEDIA.has(q.type)) media.add(q.name);
      if (q.questions) walkForm(q.questions);
    }
  };
  for (const section of form.sections) walkForm(section.questions);
  const names: string[] = [];
  const walk = (a: Answers) => {
    for (const [field, value] of Object.entries(a) as [string, AnswerValue][]) {
      if (media.has(field) && typeof value === 'string' && value) names.push(value);
      else if (Array.isArray(value)) for (const i of value) if (i && typeof i === 'object') walk(i as Answers);
    }
  };
  walk(answers);
  return names;
}

/** What the submission body lists for its files (read inside the caller's transaction). */
export async function declarations(media: IDBObjectStore, names: string[]): Promise<AttachmentDeclaration[]> {
  const out: AttachmentDeclaration[] = [];
  for (const name of names) {
    const r = await done(media.get(name) as IDBRequest<MediaRecord | undefined>);
    if (!r) throw new Error(t('collect.media.fileGone', { name }));
    out.push({ name: r.name, size: r.size, sha256: r.sha256 });
  }
  return out;
}

interface UploadReply {
  attachment: { name: string; size: number; received: number; complete: boolean };
  submission: SubmissionStatusView;
}

const put = (id: string, name: string, body: Blob, range: string) =>
  api<UploadReply>(`/submissions/${id}/attachments/${encodeURIComponent(name)}`, {
    method: 'PUT',
    body,
    headers: { 'Content-Range': range },
  });

/**
 * Sends one file from where the registry stands (asked first), chunk by chunk. A chunk the registry
 * says starts past what it holds (409) resumes from its `received`; a damaged file starts over once.
 * Resolves with the submission's status after the last chunk.
 */
export async function uploadFile(submissionId: string, record: MediaRecord): Promise<SubmissionStatusView> {
  let reply = await put(submissionId, record.name, new Blob([]), `bytes */${record.size}`);
  let restarts = 0;
  while (!reply.attachment.complete) {
    const start = reply.attachment.received;
    const end = Math.min(start + CHUNK_BYTES, record.size) - 1;
    try {
      reply = await put(
        submissionId,
        record.name,
        record.blob.slice(start, end + 1),
        `bytes ${start}-${end}/${record.size}`,
      );
    } catch (error) {
      const received = (error as ApiError).details as { received?: number } | undefined;
      const again =
        error instanceof ApiError &&
        (error.code === 'UPLOAD_OFFSET_MISMATCH' ||
          (error.code === 'ATTACHMENT_CHECKSUM_MISMATCH' && restarts++ < 1)) &&
        typeof received?.received === 'number';
      if (!again) throw error;
      reply = { ...reply, attachment: { ...reply.attachment, received: received.received! } };
    }
  }
  return reply.submission;
}

/** Files no longer needed: the registry has them (their survey left the outbox). */
export function dropMedia(media: IDBObjectStore, names: string[]): Promise<unknown> {
  return Promise.all(names.map((n) => done(media.delete(n))));
}

/** Every string in the answers (file names among them), inside repeat instances too. */
function strings(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/**
 * Files no draft and no waiting survey names any more (a photo taken again, a draft deleted), kept a
 * day in case a draft is still being saved, then let go.
 */
export async function pruneMedia(now = Date.now()): Promise<void> {
  await transact(['media', 'drafts', 'outbox'], 'readwrite', async (s) => {
    const [media, drafts, outbox] = await Promise.all([
      done(s.media.getAll() as IDBRequest<MediaRecord[]>),
      done(s.drafts.getAll() as IDBRequest<{ answers: unknown; final?: { values: unknown } }[]>),
      done(s.outbox.getAll() as IDBRequest<{ body: { attachments?: { name: string }[] } }[]>),
    ]);
    const named = new Set<string>();
    for (const d of drafts) strings([d.answers, d.final?.values], named);
    for (const o of outbox) for (const a of o.body.attachments ?? []) named.add(a.name);
    const stale = media.filter((m) => !named.has(m.name) && now - Date.parse(m.createdAt) > 86_400_000);
    await dropMedia(
      s.media,
      stale.map((m) => m.name),
    );
  });
}
