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
import type { FastifyRequest } from 'fastify';
import { Conflict, Invalid, isUniqueViolation, PayloadTooLarge } from '../../errors.js';
import { actorOf } from '../../access/index.js';
import { readingUpload } from '../../plugins/errors.js';
import { withUploads } from '../../plugins/uploads.js';
import type { QuestionnaireService } from './service.js';
import { ATTACHMENT_LIMITS } from './xlsform.js';

/** The workbook (`file`) and the CSVs beside it (`attachments`), all parts together within the upload limit. */
async function readImportParts(request: FastifyRequest, uploadLimit: number) {
  let file: Buffer | undefined;
  let fileName: string | undefined;
  const attachments = new Map<string, Buffer>();
  let total = 0;
  for await (const part of request.parts({
    limits: { files: 1 + ATTACHMENT_LIMITS.maxFiles, parts: 2 + ATTACHMENT_LIMITS.maxFiles, fileSize: uploadLimit },
  })) {
    if (part.type !== 'file') continue;
    const content = await part.toBuffer();
    total += content.length;
    if (total > uploadLimit)
      throw PayloadTooLarge(`The files together are more than ${Math.round(uploadLimit / 1024 / 1024)} MB`);
    if (part.fieldname === 'file' && !file) {
      file = content;
      fileName = part.filename || undefined;
    } else if (part.fieldname === 'attachments' || part.fieldname === 'attachment') {
      const name = (part.filename || '').replace(/^.*[\\/]/, '');
      if (!name) throw Invalid('FILE_REQUIRED', 'Every attachment needs a file name (the one the form refers to)');
      attachments.set(name, content);
    } else {
      throw Invalid('FILE_REQUIRED', `Unexpected field "${part.fieldname}": send "file" once and "attachments"`);
    }
  }
  if (!file) throw Invalid('FILE_REQUIRED', 'Attach the workbook in a form field named "file"');
  return { file, fileName, attachments };
}

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

  await withUploads(app, uploadLimit, (uploads) => {
    uploads.post(
      '/questionnaires/import',
      {
        config: { access: admin },
        bodyLimit: uploadLimit,
        schema: {
          tags: ['questionnaires'],
          summary: 'Import an XLSForm: a new questionnaire, or the new draft of the one with its form_id',
          description:
            'multipart/form-data. Field `file`: the workbook (.xlsx, or an old .xls), or a .zip holding one ' +
            'workbook and its CSV files (what the export gives for a form with attached lists). Fields ' +
            '`attachments` (repeatable, up to ' +
            `${ATTACHMENT_LIMITS.maxFiles}, each a .csv of at most ${ATTACHMENT_LIMITS.maxCsvBytes / 1024 / 1024} MB, ` +
            'all parts together within the upload limit): the CSVs that `select_one_from_file x.csv`, ' +
            "`select_multiple_from_file x.csv` and `pulldata('x', …)` read, named by their file name. The " +
            "workbook's file name is the form id when its settings give none (as pyxform does). Every " +
            'downgrade comes back in `warnings` by sheet/row/column; a refusal is a 422 XLSFORM_INVALID whose ' +
            '`details.issues` name the sheet, row and column.',
          consumes: ['multipart/form-data'],
          response: {
            200: xlsFormImportResponseSchema,
            201: xlsFormImportResponseSchema,
          },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart())
          throw Invalid('FILE_REQUIRED', 'Send the workbook as multipart/form-data in a field named "file"');
        const upload = await readingUpload(() => readImportParts(request, uploadLimit));
        const result = await formIdGuard(() =>
          questionnaires.importXlsx(actorOf(request), upload.file, {
            fileName: upload.fileName,
            attachments: upload.attachments,
          }),
        );
        return reply.status(result.created ? 201 : 200).send(result);
      },
    );
  });

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
        summary:
          'The draft, or ?version=N, as an XLSForm (.xlsx); a .zip of the workbook and its CSV files when ' +
          'the form has lists from files (select_one_from_file, pulldata), which the import takes back as it is',
        params: uuidParamSchema,
        querystring: versionQuerySchema,
      },
    },
    async (request, reply) => {
      const { file, fileName, kind } = await questionnaires.exportXlsx(request.params.id, request.query.version);
      return reply
        .header(
          'content-type',
          kind === 'zip' ? 'application/zip' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        )
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
