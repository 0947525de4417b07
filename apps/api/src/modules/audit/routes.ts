import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditPageSchema, auditQuerySchema } from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { AuditViewer } from './viewer.js';

export const auditRoutes: FastifyPluginAsyncZod<{ audit: AuditViewer }> = async (app, { audit }) => {
  app.get(
    '/audit',
    {
      config: { access: ['super_admin'] },
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first: filters by actor, action, target and time; keyset paging (cursor)',
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema },
      },
    },
    async (request) => audit.page(actorOf(request), request.query),
  );
};
