import { z } from 'zod';
import { MAX_ATTACHMENT_BYTES, SAFE_FILE_NAME } from '../forms/media.js';

export const attachmentNameSchema = z
  .string()
  .regex(SAFE_FILE_NAME, 'A file name is 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit');

export const attachmentDeclarationSchema = z.object({
  name: attachmentNameSchema,
  /** Bytes, as the device will send them. */
  size: z.number().int().min(1).max(MAX_ATTACHMENT_BYTES),
  /** SHA-256 of the whole file, lower-case hex: checked when the last byte arrives. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'Lower-case hex SHA-256'),
});
export type AttachmentDeclaration = z.infer<typeof attachmentDeclarationSchema>;

export const attachmentParamsSchema = z.object({ id: z.uuid(), name: attachmentNameSchema });

/** Where one attachment's upload stands (after each chunk). */
export const attachmentProgressSchema = z.object({
  name: z.string(),
  size: z.number().int(),
  /** Bytes kept so far: the next chunk starts here. */
  received: z.number().int(),
  complete: z.boolean(),
});
export type AttachmentProgress = z.infer<typeof attachmentProgressSchema>;
