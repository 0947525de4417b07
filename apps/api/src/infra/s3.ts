import type { S3Client } from '@aws-sdk/client-s3';

/** Where in S3-compatible storage (AWS, DigitalOcean Spaces, MinIO) something is kept. */
export interface S3Target {
  bucket: string;
  endpoint: string | undefined;
  region: string;
  prefix: string;
  forcePathStyle: boolean;
}

/**
 * A client for the target. Credentials: the SDK's standard chain (AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY, AWS_PROFILE, …). Loaded on demand: the embedded default never needs it.
 */
export async function s3Client(target: S3Target): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  return new S3Client({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    forcePathStyle: target.forcePathStyle,
  });
}
