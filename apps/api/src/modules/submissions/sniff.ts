/**
 * What a file is, from its first bytes (never from the name or the sender's Content-Type): enough of
 * the common image, audio and video containers to tell a photo from anything dressed up as one.
 */
import type { MediaType } from '@oslrs/core';

/** Bytes read before deciding. */
export const SNIFF_BYTES = 16;

const ascii = (b: Buffer, at: number, s: string) =>
  b.length >= at + s.length && b.toString('latin1', at, at + s.length) === s;
const bytes = (b: Buffer, at: number, ...xs: number[]) => xs.every((x, i) => b[at + i] === x);

/** The MIME type the bytes show, or undefined when none of the known containers. */
export function sniff(head: Buffer): string | undefined {
  if (bytes(head, 0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (bytes(head, 0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'image/gif';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'image/webp';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE')) return 'audio/wav';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'AVI ')) return 'video/x-msvideo';
  if (ascii(head, 4, 'ftyp')) {
    const brand = head.toString('latin1', 8, 12);
    if (brand.startsWith('3g')) return 'video/3gpp';
    if (brand === 'qt  ') return 'video/quicktime';
    if (brand === 'M4A ' || brand === 'M4B ') return 'audio/mp4';
    return 'video/mp4';
  }
  if (bytes(head, 0, 0x1a, 0x45, 0xdf, 0xa3)) return 'video/webm'; // Matroska / WebM (MediaRecorder's audio too)
  if (ascii(head, 0, 'OggS')) return 'audio/ogg';
  if (ascii(head, 0, 'fLaC')) return 'audio/flac';
  if (ascii(head, 0, '#!AMR')) return 'audio/amr';
  if (ascii(head, 0, 'ID3') || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return 'audio/mpeg';
  return undefined;
}

const IMAGE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
/** Containers that hold sound (MP4 and WebM/Matroska hold either: a recorder writes audio into them). */
const AUDIO = new Set([
  'audio/wav',
  'audio/mp4',
  'video/mp4',
  'video/3gpp',
  'video/webm',
  'audio/ogg',
  'audio/flac',
  'audio/amr',
  'audio/mpeg',
]);
const VIDEO = new Set(['video/mp4', 'video/3gpp', 'video/quicktime', 'video/webm', 'video/x-msvideo', 'audio/ogg']);

/**
 * The content type the file is kept and served with, or undefined when its bytes are not what the
 * question takes. A `file` question takes anything, kept as application/octet-stream unless it is a
 * known image (so it can never be served as HTML or script).
 */
export function contentTypeFor(mediaType: MediaType, head: Buffer): string | undefined {
  const seen = sniff(head);
  switch (mediaType) {
    case 'image':
      return seen && IMAGE.has(seen) ? seen : undefined;
    case 'audio':
      return seen && AUDIO.has(seen)
        ? seen.startsWith('video/')
          ? seen.replace('video/', 'audio/')
          : seen
        : undefined;
    case 'video':
      return seen && VIDEO.has(seen) ? seen : undefined;
    case 'file':
      return seen && IMAGE.has(seen) ? seen : 'application/octet-stream';
  }
}

/** Only images are shown in place; everything else downloads. */
export const isInlineImage = (contentType: string) => IMAGE.has(contentType);
