/**
 * Where the files of media answers are kept, behind one interface: a directory (DATA_DIR/attachments,
 * the embedded default) or an S3-compatible bucket (production), chosen by configuration
 * (ATTACHMENTS_S3_BUCKET). Keys are `<submission id>/<file name>`, both checked before they get here.
 * Nothing in either store is reachable by URL: files are served only through the API's access rules.
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { s3Client, type S3Target } from './s3.js';

export interface StoredFile {
  body: Readable;
  size: number;
}

export interface AttachmentStore {
  readonly kind: 'filesystem' | 's3';
  /** Keeps the complete file at `path` under `key`, replacing an earlier copy (so a retry is harmless). */
  put(key: string, path: string, contentType: string): Promise<void>;
  /** The stored bytes, or undefined when there are none under `key`. */
  get(key: string): Promise<StoredFile | undefined>;
}

export class FilesystemAttachmentStore implements AttachmentStore {
  readonly kind = 'filesystem';
  constructor(private readonly dir: string) {}

  async put(key: string, path: string): Promise<void> {
    const target = join(this.dir, key);
    await mkdir(dirname(target), { recursive: true });
    // Copied beside, then renamed: a reader never sees half a file.
    const tmp = `${target}.${process.pid}.tmp`;
    try {
      await copyFile(path, tmp);
      await rename(tmp, target);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async get(key: string): Promise<StoredFile | undefined> {
    const path = join(this.dir, key);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { body: createReadStream(path), size: info.size };
  }
}

export class S3AttachmentStore implements AttachmentStore {
  readonly kind = 's3';
  constructor(private readonly target: S3Target) {}

  async put(key: string, path: string, contentType: string): Promise<void> {
    const { Upload } = await import('@aws-sdk/lib-storage');
    const client = await s3Client(this.target);
    try {
      await new Upload({
        client,
        params: {
          Bucket: this.target.bucket,
          Key: `${this.target.prefix}${key}`,
          Body: createReadStream(path),
          ContentType: contentType,
        },
        queueSize: 2,
        partSize: 8 * 1024 * 1024,
      }).done();
    } finally {
      client.destroy();
    }
  }

  async get(key: string): Promise<StoredFile | undefined> {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const client = await s3Client(this.target);
    try {
      const out = await client.send(
        new GetObjectCommand({ Bucket: this.target.bucket, Key: `${this.target.prefix}${key}` }),
      );
      const body = out.Body as Readable | undefined;
      if (!body) return undefined;
      // The client goes once the body has been read (or abandoned).
      body.once('close', () => client.destroy());
      return { body, size: out.ContentLength ?? 0 };
    } catch (err) {
      client.destroy();
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return undefined;
      throw err;
    }
  }
}

export interface AttachmentsConfig {
  /** The filesystem store's directory, and (always) where uploads in progress are assembled. */
  dir: string;
  s3: S3Target | undefined;
}

export function createAttachmentStore(config: AttachmentsConfig): AttachmentStore {
  return config.s3 ? new S3AttachmentStore(config.s3) : new FilesystemAttachmentStore(config.dir);
}
