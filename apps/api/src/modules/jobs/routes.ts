import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { jobResponseSchema, uuidParamSchema } from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { JobsService } from './service.js';

export const jobRoutes: FastifyPluginAsyncZod<{ jobs: JobsService }> = async (app, { jobs }) => {
  app.get(
    '/jobs/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['jobs'],
        summary: 'Progress of a background job (state, processed, total, per-row errors)',
        params: uuidParamSchema,
        response: { 200: jobResponseSchema },
      },
    },
    async (request) => ({ job: await jobs.get(actorOf(request), request.params.id) }),
  );

  app.get(
    '/jobs/:id/errors.csv',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['jobs'], summary: "A job's per-row error report as CSV", params: uuidParamSchema },
    },
    async (request, reply) => {
      const job = await jobs.get(actorOf(request), request.params.id);
      const cell = (v: string | number | undefined) => {
        const s = String(v ?? '');
        // Quote, and defuse spreadsheet formulas in cells that came from the uploaded file.
        const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
        return `"${safe.replaceAll('"', '""')}"`;
      };
      const lines = [
        'row,field,code,message',
        ...job.errors.map((e) => [e.row, e.field, e.code, e.message].map(cell).join(',')),
      ];
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="import-errors-${job.id}.csv"`)
        .send(lines.join('\r\n') + '\r\n');
    },
  );
};
