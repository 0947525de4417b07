import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { reportFilterSchema, reportSummarySchema } from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { ReportService } from './service.js';

/** Statewide readers, and supervisors (narrowed to their LGA by the access helper). */
const READERS = ['super_admin', 'verification_assessor', 'government_official', 'supervisor'] as const;

export const reportRoutes: FastifyPluginAsyncZod<{ reports: ReportService }> = async (app, { reports }) => {
  app.get(
    '/reports/summary',
    {
      config: { access: READERS },
      schema: {
        tags: ['reports'],
        summary:
          'Registrations by time, LGA, sector, skill, employment type, gender, age band, channel and status, from the rollups',
        querystring: reportFilterSchema,
        response: { 200: reportSummarySchema },
      },
    },
    async (request) => reports.summary(actorOf(request), request.query),
  );
};
