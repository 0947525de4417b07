import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

/**
 * Routes that read multipart uploads (staff import, secondary-data imports, XLSForm import), in a
 * scope of their own. @fastify/multipart adds three hooks (an async onRequest that listens for the
 * connection closing, an async preValidation and an async onResponse): registered for the whole app
 * they cost every request — /health included — three promises and a closure. Here they run for
 * these routes only; any other route answers a multipart body with 415, as it does any type it
 * does not read.
 */
export async function withUploads<App extends FastifyInstance>(
  app: App,
  uploadBytes: number,
  routes: (scope: App) => void | Promise<void>,
): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: uploadBytes, files: 1, fields: 5, parts: 6 },
      throwFileSizeLimit: true,
    });
    await routes(scope.withTypeProvider<ZodTypeProvider>() as unknown as App);
  });
}
