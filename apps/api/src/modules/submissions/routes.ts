import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Readable } from 'node:stream';
import {
  attachmentParamsSchema,
  attachmentUploadResponseSchema,
  batchBodySchema,
  batchResponseSchema,
  correctionsResponseSchema,
  reviewBodySchema,
  reviewDetailResponseSchema,
  reviewListQuerySchema,
  reviewListResponseSchema,
  reviewResponseSchema,
  mySubmissionsQuerySchema,
  mySubmissionsResponseSchema,
  residentCorrectionsResponseSchema,
  submissionBodySchema,
  submissionStatusSchema,
  uuidParamSchema,
} from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import { toStatusView, type SubmissionService } from './service.js';
import type { AttachmentService } from './attachments.js';
import { isInlineImage } from './sniff.js';
import type { ReviewService } from './review.js';

const SUBMITTERS = ['enumerator', 'data_entry_clerk', 'public_user'] as const;
/** Who may ask for one submission's status; the access helper narrows it to their own or their scope. */
const READERS = [
  'enumerator',
  'data_entry_clerk',
  'public_user',
  'super_admin',
  'supervisor',
  'verification_assessor',
] as const;
/** Who oversees collected work: the review list and a submission's answers (officials read only). */
const OVERSEERS = ['super_admin', 'supervisor', 'verification_assessor', 'government_official'] as const;
/** Who decides on a submission; the access helper narrows a supervisor to their LGA. */
const REVIEWERS = ['super_admin', 'supervisor', 'verification_assessor'] as const;

export const submissionRoutes: FastifyPluginAsyncZod<{
  submissions: SubmissionService;
  review: ReviewService;
  batchLimit: number;
}> = async (app, { submissions, review, batchLimit }) => {
  app.post(
    '/submissions',
    {
      config: { access: SUBMITTERS },
      schema: {
        tags: ['submissions'],
        summary:
          'Submit one completed survey; the same id again returns the first result, a different body with it is a 409',
        body: submissionBodySchema,
        response: { 200: submissionStatusSchema, 202: submissionStatusSchema },
      },
    },
    async (request, reply) => {
      const { view, replay } = await submissions.receive(actorOf(request), request.body);
      return reply.status(replay ? 200 : 202).send(view);
    },
  );

  app.post(
    '/submissions/batch',
    {
      config: { access: SUBMITTERS },
      bodyLimit: batchLimit,
      schema: {
        tags: ['submissions'],
        summary: 'Up to 50 submissions at once (an offline outbox syncing); results per item',
        body: batchBodySchema,
        response: { 200: batchResponseSchema },
      },
    },
    async (request) => submissions.receiveBatch(actorOf(request), request.body.submissions),
  );

  app.get(
    '/submissions',
    {
      config: { access: SUBMITTERS },
      schema: {
        tags: ['submissions'],
        summary: 'Your own recent submissions and their server status (cursor paging)',
        querystring: mySubmissionsQuerySchema,
        response: { 200: mySubmissionsResponseSchema },
      },
    },
    async (request) => submissions.mine(actorOf(request), request.query.limit, request.query.cursor),
  );

  app.get(
    '/submissions/review',
    {
      config: { access: OVERSEERS },
      schema: {
        tags: ['review'],
        summary:
          'The review list in your scope (a supervisor: their LGA), newest first or most suspicious first (sort=score); cursor paging',
        querystring: reviewListQuerySchema,
        response: { 200: reviewListResponseSchema },
      },
    },
    async (request) => review.list(actorOf(request), request.query),
  );

  app.get(
    '/submissions/corrections',
    {
      config: { access: ['enumerator', 'data_entry_clerk'] },
      schema: {
        tags: ['review'],
        summary: "Your surveys returned for correction, with their answers and the reviewer's comment",
        response: { 200: correctionsResponseSchema },
      },
    },
    async (request) => review.corrections(actorOf(request)),
  );

  app.get(
    '/submissions/:id/review',
    {
      config: { access: OVERSEERS },
      schema: {
        tags: ['review'],
        summary: 'One submission for review: its answers, fraud reasons and review state (audited)',
        params: uuidParamSchema,
        response: { 200: reviewDetailResponseSchema },
      },
    },
    async (request) => ({ submission: await review.detail(actorOf(request), request.params.id) }),
  );

  app.post(
    '/submissions/:id/review',
    {
      config: { access: REVIEWERS },
      schema: {
        tags: ['review'],
        summary:
          'Approve, reject or return for correction (reject and return need a comment); the same decision again is harmless, another is a 409',
        params: uuidParamSchema,
        body: reviewBodySchema,
        response: { 200: reviewResponseSchema },
      },
    },
    async (request) => review.decide(actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/me/registration/corrections',
    {
      config: { access: ['public_user'] },
      schema: {
        tags: ['self-service'],
        summary:
          "Ask for a correction of your registration: the public form's answers again (a fresh id), held for a reviewer; the record changes only once it is approved. One request waits at a time (409 CORRECTION_PENDING); the same id again returns the first result",
        body: submissionBodySchema,
        response: { 200: submissionStatusSchema, 202: submissionStatusSchema },
      },
    },
    async (request, reply) => {
      const { view, replay } = await submissions.requestCorrection(actorOf(request), request.body);
      return reply.status(replay ? 200 : 202).send(view);
    },
  );

  app.get(
    '/me/registration/corrections',
    {
      config: { access: ['public_user'] },
      schema: {
        tags: ['self-service'],
        summary: "Your correction requests, newest first: pending, approved or rejected with the reviewer's comment",
        response: { 200: residentCorrectionsResponseSchema },
      },
    },
    async (request, reply) => {
      // A resident's own data: not kept by a shared cache.
      void reply.header('cache-control', 'no-store');
      return { items: await submissions.myCorrections(actorOf(request)) };
    },
  );

  app.get(
    '/submissions/:id',
    {
      config: { access: READERS },
      schema: { tags: ['submissions'], params: uuidParamSchema, response: { 200: submissionStatusSchema } },
    },
    async (request) => submissions.status(actorOf(request), request.params.id),
  );
};

/**
 * The files of media answers: uploaded by the submitter (raw bytes, any Content-Type: the bytes are
 * sniffed), served to those who may read the submission's answers. Its own plugin: the raw-body
 * parser stays here.
 */
export const attachmentRoutes: FastifyPluginAsyncZod<{ attachments: AttachmentService }> = async (
  app,
  { attachments },
) => {
  // The body stays a stream: chunks go to disk as they arrive, never whole into memory.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.put(
    '/submissions/:id/attachments/:name',
    {
      config: { access: SUBMITTERS },
      schema: {
        tags: ['submissions'],
        summary:
          'Upload one file of your submission (the whole file, or Content-Range "bytes a-b/size" chunks in order; "bytes */size" with no body asks where it stands). Idempotent: bytes already held are skipped, a chunk past them is a 409 with `received`. The submission counts as received once every file has arrived',
        consumes: ['application/octet-stream'],
        params: attachmentParamsSchema,
        response: { 200: attachmentUploadResponseSchema },
      },
    },
    async (request) => {
      const length = request.headers['content-length'];
      const { progress, submission } = await attachments.upload(
        actorOf(request),
        request.params.id,
        request.params.name,
        {
          contentRange: request.headers['content-range'],
          contentLength: length === undefined ? undefined : Number(length),
          body: request.body as Readable,
        },
      );
      return { attachment: progress, submission: toStatusView(submission!, actorOf(request)) };
    },
  );

  app.get(
    '/submissions/:id/attachments/:name',
    {
      config: { access: OVERSEERS },
      schema: {
        tags: ['review'],
        summary:
          'One file of a submission, to those who may read its answers (a supervisor: their LGA); images shown in place, anything else downloaded (audited)',
        params: attachmentParamsSchema,
      },
    },
    async (request, reply) => {
      const file = await attachments.open(actorOf(request), request.params.id, request.params.name);
      const inline = isInlineImage(file.contentType);
      return reply
        .header('content-type', file.contentType)
        .header('content-length', file.size)
        .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${file.name}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, no-store')
        .send(file.body);
    },
  );
};
