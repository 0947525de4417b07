import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  publishResponseSchema,
  questionnaireBodySchema,
  questionnaireListSchema,
  questionnaireResponseSchema,
  questionnaireUsageSchema,
  questionnaireWithIssuesSchema,
  usageResponseSchema,
  uuidParamSchema,
  versionQuerySchema,
  xlsFormImportResponseSchema,
} from '@oslrs/core';
import { Conflict, Invalid, isUniqueViolation } from '../../errors.js';
import { actorOf } from '../../access/index.js';
import { readingUpload } from '../../plugins/errors.js';
import type { QuestionnaireService } from './service.js';

/** A second live questionnaire with the same form_id would make imports ambiguous. */
async function formIdGuard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err, 'questionnaires_form_id_live_uq')) {
      throw Conflict('FORM_ID_TAKEN', 'Another questionnaire already uses this form id', { field: 'formId' });
    }
    throw err;
  }
}

export const questionnaireRoutes: FastifyPluginAsyncZod<{
  questionnaires: QuestionnaireService;
  uploadLimit: number;
}> = async (app, { questionnaires, uploadLimit }) => {
  const admin = ['super_admin'] as const;

  app.get(
    '/questionnaires',
    {
      config: { access: admin },
      schema: { tags: ['questionnaires'], response: { 200: questionnaireListSchema } },
    },
    async () => ({ items: await questionnaires.list() }),
  );

  app.post(
    '/questionnaires',
    {
      config: { access: admin },
      schema: {
        tags: ['questionnaires'],
        body: questionnaireBodySchema,
        response: { 201: questionnaireWithIssuesSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await formIdGuard(() => questionnaires.create(actorOf(request), request.body.form))),
  );

  app.post(
    '/questionnaires/import',
    {
      config: { access: admin },
      bodyLimit: uploadLimit,
      schema: {
        tags: ['questionnaires'],
        summary:
          'Import an XLSForm (.xlsx, multipart field "file"): a new questionnaire, or the new draft of the one with its form_id',
        consumes: ['multipart/form-data'],
        response: {
          200: xlsFormImportResponseSchema,
          201: xlsFormImportResponseSchema,
        },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart())
        throw Invalid('FILE_REQUIRED', 'Send the .xlsx as multipart/form-data in a field named "file"');
      const file = await readingUpload(() => request.file());
      if (!file || file.fieldname !== 'file')
        throw Invalid('FILE_REQUIRED', 'Attach the .xlsx in a form field named "file"');
      const buffer = await readingUpload(() => file.toBuffer());
      const result = await formIdGuard(() => questionnaires.importXlsx(actorOf(request), buffer));
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  app.get(
    '/questionnaires/:id',
    {
      config: { access: admin },
      schema: {
        tags: ['questionnaires'],
        params: uuidParamSchema,
        response: { 200: questionnaireResponseSchema },
      },
    },
    async (request) => ({ questionnaire: await questionnaires.get(request.params.id) }),
  );

  app.put(
    '/questionnaires/:id/draft',
    {
      config: { access: admin },
      schema: {
        tags: ['questionnaires'],
        summary: 'Save the draft; its problems (if any) come back in `issues`',
        params: uuidParamSchema,
        body: questionnaireBodySchema,
        response: { 200: questionnaireWithIssuesSchema },
      },
    },
    async (request) =>
      formIdGuard(() => questionnaires.saveDraft(actorOf(request), request.params.id, request.body.form)),
  );

  app.post(
    '/questionnaires/:id/publish',
    {
      config: { access: admin },
      schema: {
        tags: ['questionnaires'],
        summary: 'Publish the draft as a new numbered, immutable version',
        params: uuidParamSchema,
        response: { 201: publishResponseSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send({ version: await questionnaires.publish(actorOf(request), request.params.id) }),
  );

  app.post(
    '/questionnaires/:id/archive',
    {
      config: { access: admin },
      schema: {
        tags: ['questionnaires'],
        params: uuidParamSchema,
        response: { 200: questionnaireResponseSchema },
      },
    },
    async (request) => ({ questionnaire: await questionnaires.archive(actorOf(request), request.params.id) }),
  );

  app.get(
    '/questionnaires/:id/export',
    {
      config: { access: admin },
      schema: {
        tags: ['questionnaires'],
        summary: 'The draft, or ?version=N, as an XLSForm',
        params: uuidParamSchema,
        querystring: versionQuerySchema,
      },
    },
    async (request, reply) => {
      const { file, fileName } = await questionnaires.exportXlsx(request.params.id, request.query.version);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"`)
        .send(file);
    },
  );

  app.get(
    '/settings/questionnaires',
    {
      config: { access: admin },
      schema: { tags: ['questionnaires'], response: { 200: usageResponseSchema } },
    },
    async () => ({ settings: await questionnaires.getUsage() }),
  );

  app.put(
    '/settings/questionnaires',
    {
      config: { access: admin },
      schema: {
        tags: ['questionnaires'],
        summary: 'Which questionnaire enumerators/clerks use and which the public wizard uses',
        body: questionnaireUsageSchema,
        response: { 200: usageResponseSchema },
      },
    },
    async (request) => ({ settings: await questionnaires.setUsage(actorOf(request), request.body) }),
  );

  app.get(
    '/forms',
    {
      config: { access: 'public' },
      schema: {
        tags: ['forms'],
        summary: 'Which questionnaire each channel uses (ids; fetch their schema next)',
        response: { 200: usageResponseSchema },
      },
    },
    async (_request, reply) =>
      reply.header('cache-control', 'no-cache').send({ settings: await questionnaires.getUsage() }),
  );

  // Devices read this many times a day: cached ready-made bytes, a strong ETag, 304 when unchanged.
  app.get(
    '/forms/:id/schema',
    {
      config: { access: 'public' },
      schema: {
        tags: ['forms'],
        summary: 'Latest published version of a questionnaire (or ?version=N); honours If-None-Match',
        params: uuidParamSchema,
        querystring: versionQuerySchema,
      },
    },
    async (request, reply) => {
      const payload = await questionnaires.schema(request.params.id, request.query.version);
      void reply.header('etag', payload.etag).header('cache-control', 'public, max-age=300');
      const match = request.headers['if-none-match'];
      if (match && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === payload.etag)) {
        return reply.status(304).send();
      }
      return reply.type('application/json; charset=utf-8').send(payload.body);
    },
  );
};
