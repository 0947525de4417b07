import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  activationUrlResponseSchema,
  inviteStaffBodySchema,
  inviteStaffResponseSchema,
  isLgaCode,
  jobResponseSchema,
  resendInvitationsResponseSchema,
  listStaffQuerySchema,
  staffPageSchema,
  staffResponseSchema,
  staffSummarySchema,
  textProblem,
  updateStaffBodySchema,
  uuidParamSchema,
} from '@oslrs/core';
import { Invalid, UnsupportedMediaType } from '../../errors.js';
import { actorOf } from '../../access/index.js';
import { readingUpload } from '../../plugins/errors.js';
import { withUploads } from '../../plugins/uploads.js';
import { toJob } from '../jobs/index.js';
import type { StaffService } from './service.js';

const listQuery = listStaffQuerySchema.refine((q) => !q.lga || isLgaCode(q.lga), {
  message: 'Unknown LGA code',
  path: ['lga'],
});

export const staffRoutes: FastifyPluginAsyncZod<{ staff: StaffService; uploadLimit: number }> = async (
  app,
  { staff, uploadLimit },
) => {
  const admin = ['super_admin'] as const;

  // API clients may also send the CSV as the raw body.
  app.addContentTypeParser(
    ['text/csv', 'application/csv'],
    { parseAs: 'buffer', bodyLimit: uploadLimit },
    (_req, body, done) => done(null, body),
  );

  app.get(
    '/staff',
    {
      config: { access: admin },
      schema: {
        tags: ['staff'],
        summary: 'List staff, newest first; filter by status, role, LGA; search name or email',
        querystring: listQuery,
        response: { 200: staffPageSchema },
      },
    },
    async (request) => staff.list(request.query),
  );

  app.get(
    '/staff/summary',
    {
      config: { access: admin },
      schema: {
        tags: ['staff'],
        summary: 'Counts by role and status, and the field-staff capacity thresholds passed (120, 180)',
        response: { 200: staffSummarySchema },
      },
    },
    async () => staff.summary(),
  );

  app.post(
    '/staff',
    {
      config: { access: admin },
      schema: {
        tags: ['staff'],
        summary: 'Invite one staff member; returns the activation link to hand over in person',
        body: inviteStaffBodySchema,
        response: { 201: inviteStaffResponseSchema },
      },
    },
    async (request, reply) => {
      const result = await staff.invite(actorOf(request), request.body);
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/staff/:id',
    {
      config: { access: admin },
      schema: { tags: ['staff'], params: uuidParamSchema, response: { 200: staffResponseSchema } },
    },
    async (request) => ({ staff: await staff.get(request.params.id) }),
  );

  app.patch(
    '/staff/:id',
    {
      config: { access: admin },
      schema: {
        tags: ['staff'],
        summary: 'Change role, LGA or status; a role or status change ends their sessions',
        params: uuidParamSchema,
        body: updateStaffBodySchema,
        response: { 200: staffResponseSchema },
      },
    },
    async (request) => ({
      staff: await staff.update(actorOf(request), request.params.id, request.body),
    }),
  );

  app.post(
    '/staff/:id/invitation',
    {
      config: { access: admin },
      schema: {
        tags: ['staff'],
        summary: 'Issue a new activation link (the old one stops working)',
        params: uuidParamSchema,
        response: { 200: activationUrlResponseSchema },
      },
    },
    async (request) => staff.reissueInvitation(actorOf(request), request.params.id),
  );

  await withUploads(app, uploadLimit, (uploads) => {
    uploads.post(
      '/staff/import',
      {
        config: { access: admin },
        bodyLimit: uploadLimit,
        schema: {
          tags: ['staff'],
          summary: 'Bulk import staff from CSV (full_name,email,phone,role,lga) as a background job',
          consumes: ['multipart/form-data', 'text/csv'],
          response: { 202: jobResponseSchema },
        },
      },
      async (request, reply) => {
        let buffer: Buffer;
        let fileName: string | undefined;
        if (request.isMultipart()) {
          const file = await readingUpload(() => request.file());
          if (!file || file.fieldname !== 'file')
            throw Invalid('FILE_REQUIRED', 'Attach the CSV in a form field named "file"');
          buffer = await readingUpload(() => file.toBuffer());
          fileName = file.filename;
          // The name is kept in the audit log: the part header may carry anything (`filename*=UTF-8''%00`).
          const problem = fileName ? textProblem(fileName) : undefined;
          if (problem)
            throw Invalid('VALIDATION_FAILED', `The file name is not valid: ${problem}`, {
              issues: [{ path: 'file.filename', message: problem }],
            });
        } else if (Buffer.isBuffer(request.body)) {
          buffer = request.body;
        } else {
          throw UnsupportedMediaType('Send the CSV as multipart/form-data (field "file") or as text/csv');
        }
        const job = await staff.startImport(actorOf(request), buffer, fileName);
        return reply.status(202).send({ job: toJob(job) });
      },
    );
  });

  app.post(
    '/staff/import/:id/invitations',
    {
      config: { access: admin },
      schema: {
        tags: ['staff'],
        summary:
          'Resend the invitation to everyone a finished import created who has not activated yet (new links; old ones stop working)',
        params: uuidParamSchema,
        response: { 200: resendInvitationsResponseSchema },
      },
    },
    async (request) => staff.resendImportInvitations(actorOf(request), request.params.id),
  );

  app.post(
    '/staff/import/:id/activation-links',
    {
      config: { access: admin },
      schema: {
        tags: ['staff'],
        summary:
          'A CSV of new activation links for everyone a finished import created who has not activated yet, to hand over in person (old links stop working; no mail is sent)',
        params: uuidParamSchema,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const { csv, count } = await staff.importActivationLinksCsv(actorOf(request), request.params.id);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="activation-links-${request.params.id}.csv"`)
        .header('cache-control', 'no-store')
        .header('x-activation-links', String(count))
        .send(csv);
    },
  );
};
