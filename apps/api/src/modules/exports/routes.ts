import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { exportCreatedSchema, exportRequestSchema, exportResponseSchema, uuidParamSchema } from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { ExportService } from './service.js';

/** Statewide readers, and supervisors (narrowed to their LGA by the access helper). */
const EXPORTERS = ['super_admin', 'verification_assessor', 'government_official', 'supervisor'] as const;

export const exportRoutes: FastifyPluginAsyncZod<{ exports: ExportService }> = async (app, { exports }) => {
  app.post(
    '/exports',
    {
      config: { access: EXPORTERS },
      schema: {
        tags: ['exports'],
        summary:
          'Export respondents (CSV or XLSX) with the report filters; progress in GET /jobs/:jobId, the file in GET /exports/:id/download',
        body: exportRequestSchema,
        response: { 202: exportCreatedSchema },
      },
    },
    async (request, reply) => reply.code(202).send(await exports.request(actorOf(request), request.body)),
  );

  app.get(
    '/exports/:id',
    {
      config: { access: EXPORTERS },
      schema: {
        tags: ['exports'],
        summary: 'An export you requested: its state, filters, row count and expiry',
        params: uuidParamSchema,
        response: { 200: exportResponseSchema },
      },
    },
    async (request) => ({ export: await exports.get(actorOf(request), request.params.id) }),
  );

  app.get(
    '/exports/:id/download',
    {
      config: { access: EXPORTERS },
      schema: {
        tags: ['exports'],
        summary: 'Download a finished export (only its requester; 410 once expired)',
        params: uuidParamSchema,
      },
    },
    async (request, reply) => {
      const file = await exports.download(actorOf(request), request.params.id);
      return reply
        .header('content-type', file.contentType)
        .header('content-length', file.bytes)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('cache-control', 'no-store')
        .send(file.stream);
    },
  );
};
