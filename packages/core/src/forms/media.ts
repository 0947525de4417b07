import type { MEDIA_TYPES } from './schema.js';

/**
 * Media answers (image, audio, video, file): the answer is the attachment's file name (as in ODK);
 * the submission lists its attachments, and counts as received only once every one has arrived
 * (PUT /submissions/:id/attachments/:name, in Content-Range chunks when large).
 */
export type MediaType = (typeof MEDIA_TYPES)[number];

/** A file name safe on every filesystem and in a URL path: no separators, no leading dot. */
export const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const MB = 1024 * 1024;
/** The largest attachment per question type (images after the device's downscale). */
export const MEDIA_MAX_BYTES: Record<MediaType, number> = {
  image: 10 * MB,
  audio: 20 * MB,
  video: 50 * MB,
  file: 20 * MB,
};
export const MAX_ATTACHMENT_BYTES = Math.max(...Object.values(MEDIA_MAX_BYTES));
/** Most attachments one submission may carry. */
export const MAX_ATTACHMENTS = 50;
