import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { insightsSchema, reportFilterSchema, reportPdfQuerySchema, reportSummarySchema } from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import { documentTexts, localeOf } from '../documents/index.js';
import { INSIGHTS_TTL_MS, type ReportService } from './service.js';
import { summaryPdf } from './pdf.js';

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

  app.get(
    '/reports/summary.pdf',
    {
      config: { access: READERS },
      schema: {
        tags: ['reports'],
        summary:
          'The report summary as a printable PDF (headline numbers, charts, the filters and when it was made), in `lang` or the Accept-Language',
        querystring: reportPdfQuerySchema,
      },
    },
    async (request, reply) => {
      const { lang, ...filter } = request.query;
      const summary = await reports.summary(actorOf(request), filter);
      const pdf = await summaryPdf(
        summary,
        new Date(),
        documentTexts(localeOf(lang, request.headers['accept-language'])),
      );
      const name = `oslrs-summary-${summary.filters.to.replaceAll('-', '')}.pdf`;
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="${name}"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );

  app.get(
    '/insights',
    {
      config: { access: 'public' },
      schema: {
        tags: ['reports'],
        summary:
          'Public registration statistics (by LGA, sector, gender, age band, month) with small cells suppressed ("fewer than 10")',
        response: { 200: insightsSchema, 304: z.null().describe('Not modified (If-None-Match)') },
      },
    },
    async (request, reply) => {
      const { body, etag } = await reports.insights();
      void reply.header('cache-control', `public, max-age=${INSIGHTS_TTL_MS / 1000}`).header('etag', etag);
      const match = request.headers['if-none-match'];
      if (match && match.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) {
        // No payload at all (a 304 has no body; `null` would be serialised as the text "null").
        return reply.code(304).send(undefined as unknown as null);
      }
      return body;
    },
  );
};
