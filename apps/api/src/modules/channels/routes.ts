import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  smsOutboxQuerySchema,
  smsOutboxResponseSchema,
  ussdCallbackBodySchema,
  ussdSimulateBodySchema,
  ussdSimulateResponseSchema,
} from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import { DomainError, Invalid } from '../../errors.js';
import type { ChannelService } from './service.js';

const CALLBACK = '/channels/ussd';

export const channelRoutes: FastifyPluginAsyncZod<{
  channels: ChannelService;
  gatewayPerMinute: number;
  /** The secret the simulator adds when it relays to the callback (never sent to the browser). */
  secret: string | undefined;
}> = async (app, { channels, gatewayPerMinute, secret }) => {
  // Gateways post HTML-form bodies; this parser exists only inside this plugin (the rest of the API is JSON).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.post(
    CALLBACK,
    {
      // 'public' to the session layer: no cookie, so no CSRF; the gateway proves itself with the URL's
      // secret (and its address, when an allow-list is set) before anything else runs.
      config: {
        access: 'public',
        rateLimit: { max: gatewayPerMinute, timeWindow: '1 minute', keyGenerator: (r) => `ussd-gw:${r.ip}` },
      },
      bodyLimit: 32 * 1024,
      schema: {
        tags: ['channels'],
        summary:
          'The USSD gateway callback (form fields sessionId, serviceCode, phoneNumber, networkCode, text); replies text/plain `CON …` or `END …`. Needs ?secret=',
        body: ussdCallbackBodySchema,
      },
      preValidation: async (request) => {
        channels.authenticateGateway((request.query as { secret?: unknown } | undefined)?.secret, request.ip);
      },
    },
    async (request, reply) => {
      const text = await channels.handle(request.body);
      return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(text);
    },
  );

  app.post(
    '/channels/ussd/simulate',
    {
      config: { access: ['super_admin'] },
      schema: {
        tags: ['channels'],
        summary:
          'The admin simulator: relays one request of a session to the real USSD callback (adding the gateway secret server-side) and returns its reply',
        body: ussdSimulateBodySchema,
        response: { 200: ussdSimulateResponseSchema },
      },
    },
    async (request) => {
      if (!secret) throw new DomainError('CHANNEL_OFF');
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1${CALLBACK}?secret=${encodeURIComponent(secret)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          sessionId: request.body.sessionId,
          serviceCode: '*347*100#',
          phoneNumber: request.body.phoneNumber,
          networkCode: 'SIM',
          text: request.body.text,
        }).toString(),
      });
      return { status: res.statusCode, reply: res.body };
    },
  );

  app.get(
    '/channels/sms/outbox',
    {
      config: { access: ['super_admin'] },
      schema: {
        tags: ['channels'],
        summary: 'The newest SMS of the outbox (to one number), as the simulator shows them; audited',
        querystring: smsOutboxQuerySchema,
        response: { 200: smsOutboxResponseSchema },
      },
    },
    async (request) => {
      if (request.query.phone !== undefined && request.query.phone === '') throw Invalid('VALIDATION_FAILED');
      return channels.outbox(actorOf(request), request.query.phone);
    },
  );
};
