import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  importBatchListSchema,
  importBatchResponseSchema,
  importMappingSchema,
  importRowsPageSchema,
  importRowsQuerySchema,
  importSourceSchema,
  importSourcesSchema,
  jobSchema,
  importBatchSchema,
  textProblem,
  uuidParamSchema,
  type ImportMapping,
} from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import { Invalid } from '../../errors.js';
import { readingUpload } from '../../plugins/errors.js';
import { withUploads } from '../../plugins/uploads.js';
import type { ImportService } from './service.js';

/** A form field's value as the schema accepts it, or a 400 naming the field. */
function field<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw Invalid('VALIDATION_FAILED', `The field "${name}" is not valid`, {
      issues: parsed.error.issues.map((i) => ({ path: [name, ...i.path].join('.'), message: i.message })),
    });
  return parsed.data;
}

export const importRoutes: FastifyPluginAsyncZod<{ imports: ImportService; uploadLimit: number }> = async (
  app,
  { imports, uploadLimit },
) => {
  const admin = ['super_admin'] as const;

  await withUploads(app, uploadLimit, (uploads) => {
    uploads.post(
      '/imports',
      {
        config: { access: admin },
        bodyLimit: uploadLimit,
        schema: {
          tags: ['imports'],
          summary:
            'Upload a CSV or XLSX from another agency (multipart: file, source, mapping as JSON) → its dry run; nothing is created yet',
          consumes: ['multipart/form-data'],
          response: { 201: importBatchResponseSchema },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart())
          throw Invalid('FILE_REQUIRED', 'Send multipart/form-data with the file in a field named "file"');
        const fields: Record<string, string> = {};
        let file: { buffer: Buffer; name: string | null } | undefined;
        await readingUpload(async () => {
          for await (const part of request.parts()) {
            if (part.type === 'file') {
              if (part.fieldname !== 'file' || file)
                throw Invalid('FILE_REQUIRED', 'Attach one file, in the field "file"');
              file = { buffer: await part.toBuffer(), name: part.filename || null };
            } else fields[part.fieldname] = String(part.value);
          }
        });
        if (!file) throw Invalid('FILE_REQUIRED', 'Attach the CSV or XLSX in a form field named "file"');
        const nameProblem = file.name ? textProblem(file.name) : undefined;
        if (nameProblem)
          throw Invalid('VALIDATION_FAILED', `The file name is not valid: ${nameProblem}`, {
            issues: [{ path: 'file.filename', message: nameProblem }],
          });
        const source = field(importSourceSchema, fields.source ?? '', 'source');
        let mapping: ImportMapping | undefined;
        if (fields.mapping) {
          let json: unknown;
          try {
            json = JSON.parse(fields.mapping);
          } catch {
            throw Invalid('VALIDATION_FAILED', 'The field "mapping" must be JSON: {"column": "field", …}');
          }
          mapping = field(importMappingSchema, json, 'mapping');
        }
        const batch = await imports.dryRun(actorOf(request), {
          buffer: file.buffer,
          fileName: file.name,
          source,
          mapping,
        });
        return reply.code(201).send({ batch });
      },
    );
  });

  app.get(
    '/imports',
    {
      config: { access: admin },
      schema: { tags: ['imports'], summary: 'Import batches, newest first', response: { 200: importBatchListSchema } },
    },
    async (request) => ({ items: await imports.list(actorOf(request)) }),
  );

  app.get(
    '/imports/sources',
    {
      config: { access: admin },
      schema: {
        tags: ['imports'],
        summary: 'Sources imported before, with the column mapping saved for each',
        response: { 200: importSourcesSchema },
      },
    },
    async (request) => ({ items: await imports.sources(actorOf(request)) }),
  );

  app.get(
    '/imports/:id',
    {
      config: { access: admin },
      schema: { tags: ['imports'], params: uuidParamSchema, response: { 200: importBatchResponseSchema } },
    },
    async (request) => ({ batch: await imports.get(actorOf(request), request.params.id) }),
  );

  app.get(
    '/imports/:id/rows',
    {
      config: { access: admin },
      schema: {
        tags: ['imports'],
        summary: 'The rows as judged: to create or skipped, with reasons',
        params: uuidParamSchema,
        querystring: importRowsQuerySchema,
        response: { 200: importRowsPageSchema },
      },
    },
    async (request) => imports.rows(actorOf(request), request.params.id, request.query),
  );

  app.get(
    '/imports/:id/report.csv',
    {
      config: { access: admin },
      schema: {
        tags: ['imports'],
        summary: 'The dry-run report as CSV (line, outcome, reasons; no personal data)',
        params: uuidParamSchema,
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      // Checked before the first byte: a missing batch is a 404, not a broken download.
      await imports.get(actor, request.params.id);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="import-${request.params.id}.csv"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(imports.reportCsv(actor, request.params.id)));
    },
  );

  app.post(
    '/imports/:id/confirm',
    {
      config: { access: admin },
      schema: {
        tags: ['imports'],
        summary: 'Apply a dry run as a background job (progress in GET /jobs/:id); 409 if not a dry run',
        params: uuidParamSchema,
        response: { 202: z.object({ batch: importBatchSchema, job: jobSchema }) },
      },
    },
    async (request, reply) => reply.code(202).send(await imports.confirm(actorOf(request), request.params.id)),
  );

  app.post(
    '/imports/:id/rollback',
    {
      config: { access: admin },
      schema: {
        tags: ['imports'],
        summary:
          'Remove what the batch created; records changed since are kept and listed; 409 unless confirmed (once)',
        params: uuidParamSchema,
        response: { 200: importBatchResponseSchema },
      },
    },
    async (request) => ({ batch: await imports.rollback(actorOf(request), request.params.id) }),
  );
};
