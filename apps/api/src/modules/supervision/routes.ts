import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  adminOverviewSchema,
  contactsResponseSchema,
  listMessagesQuerySchema,
  messagePageSchema,
  progressResponseSchema,
  sendMessageBodySchema,
  sendMessageResponseSchema,
  setTargetBodySchema,
  setTargetResponseSchema,
  teamQuerySchema,
  teamResponseSchema,
  unreadResponseSchema,
  uuidParamSchema,
} from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { SupervisionService } from './service.js';

const FIELD = ['supervisor', 'enumerator'] as const;
const OVERSEERS = ['supervisor', 'super_admin'] as const;

export const supervisionRoutes: FastifyPluginAsyncZod<{ supervision: SupervisionService }> = async (
  app,
  { supervision },
) => {
  app.get(
    '/supervision/team',
    {
      config: { access: OVERSEERS },
      schema: {
        tags: ['supervision'],
        summary:
          "An LGA's enumerators: today and this week against target, last sync, flags, rejections, returns; the week's series; today's GPS points",
        querystring: teamQuerySchema,
        response: { 200: teamResponseSchema },
      },
    },
    async (request) => supervision.team(actorOf(request), request.query),
  );

  app.put(
    '/staff/:id/target',
    {
      config: { access: OVERSEERS },
      schema: {
        tags: ['supervision'],
        summary: "Set an enumerator's daily and weekly targets (their LGA's supervisor, or a super admin)",
        params: uuidParamSchema,
        body: setTargetBodySchema,
        response: { 200: setTargetResponseSchema },
      },
    },
    async (request) => supervision.setTarget(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/me/progress',
    {
      config: { access: ['enumerator'] },
      schema: {
        tags: ['supervision'],
        summary: 'My progress today and this week against my target, returned surveys, unread messages',
        response: { 200: progressResponseSchema },
      },
    },
    async (request) => supervision.progress(actorOf(request)),
  );

  app.get(
    '/messages',
    {
      config: { access: FIELD },
      schema: {
        tags: ['messages'],
        summary: 'My messages, received and sent, newest first (keyset paging), with the unread count',
        querystring: listMessagesQuerySchema,
        response: { 200: messagePageSchema },
      },
    },
    async (request) => supervision.list(actorOf(request), request.query),
  );

  app.get(
    '/messages/unread',
    {
      config: { access: FIELD },
      schema: {
        tags: ['messages'],
        summary: 'The unread count and newest message id: polled by connected devices (ETag, 304 when unchanged)',
        response: { 200: unreadResponseSchema, 304: z.null().describe('Unchanged since the ETag sent') },
      },
    },
    async (request, reply) => {
      const state = await supervision.unread(actorOf(request));
      const etag = `W/"${state.unread}-${state.latest ?? 'none'}"`;
      void reply.header('etag', etag).header('cache-control', 'private, no-cache');
      // No body at all (not even `null`): nothing to serialise, nothing on the wire but the head.
      if (request.headers['if-none-match'] === etag) return reply.code(304).send(undefined as unknown as null);
      return state;
    },
  );

  app.get(
    '/messages/contacts',
    {
      config: { access: FIELD },
      schema: {
        tags: ['messages'],
        summary: "Whom I may write to: a supervisor's enumerators, an enumerator's supervisors",
        response: { 200: contactsResponseSchema },
      },
    },
    async (request) => supervision.contacts(actorOf(request)),
  );

  app.post(
    '/messages',
    {
      config: { access: FIELD },
      schema: {
        tags: ['messages'],
        summary: 'Send a message to one team member (a user id) or the whole team ("team"); at most 2,000 characters',
        body: sendMessageBodySchema,
        response: { 201: sendMessageResponseSchema },
      },
    },
    async (request, reply) => {
      const message = await supervision.send(actorOf(request), request.body);
      return reply.code(201).send({ message });
    },
  );

  app.post(
    '/messages/:id/read',
    {
      config: { access: FIELD },
      schema: {
        tags: ['messages'],
        summary: 'Mark a received message read (its recipient only)',
        params: uuidParamSchema,
        response: { 200: z.object({ id: z.string(), readAt: z.string() }) },
      },
    },
    async (request) => supervision.markRead(actorOf(request), request.params.id),
  );

  app.get(
    '/admin/overview',
    {
      config: { access: ['super_admin'] },
      schema: {
        tags: ['supervision'],
        summary: "The admin's landing: today's submissions, flagged work waiting, queue sizes, ops alerts",
        response: { 200: adminOverviewSchema },
      },
    },
    async () => supervision.overview(),
  );
};
