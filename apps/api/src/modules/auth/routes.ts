import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  activateBodySchema,
  changePasswordBodySchema,
  loginBodySchema,
  registerBodySchema,
  sessionResponseSchema,
  userResponseSchema,
} from '@oslrs/core';
import type { AuthService } from './service.js';
import { SESSION_COOKIE, csrfTokenFor } from './tokens.js';
import { actorOf } from '../../access/index.js';

function setSessionCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean) {
  void reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, secure, sameSite: 'lax', path: '/', expires });
}

export interface AuthRoutesOptions {
  auth: AuthService;
  cookieSecure: boolean;
}

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { auth, cookieSecure }) => {
  app.post(
    '/auth/login',
    {
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the httpOnly session cookie',
        body: loginBodySchema,
        response: { 200: sessionResponseSchema },
      },
    },
    async (request, reply) => {
      const result = await auth.login(
        request.body.email,
        request.body.password,
        actorOf(request),
        request.headers['user-agent'] ?? null,
      );
      setSessionCookie(reply, result.token, result.expiresAt, cookieSecure);
      return { user: result.user, csrfToken: result.csrfToken };
    },
  );

  app.post(
    '/auth/register',
    {
      config: { access: 'public', rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'A resident creates their own account (public_user) and is signed in',
        body: registerBodySchema,
        response: { 201: sessionResponseSchema },
      },
    },
    async (request, reply) => {
      const result = await auth.register(request.body, actorOf(request), request.headers['user-agent'] ?? null);
      setSessionCookie(reply, result.token, result.expiresAt, cookieSecure);
      return reply.status(201).send({ user: result.user, csrfToken: result.csrfToken });
    },
  );

  app.get(
    '/auth/me',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'The signed-in person', response: { 200: sessionResponseSchema } },
    },
    async (request) => ({ user: request.user!, csrfToken: csrfTokenFor(request.sessionToken!) }),
  );

  app.post(
    '/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null() } },
    },
    async (request, reply) => {
      await auth.logout(request.sessionToken!, actorOf(request));
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/activate',
    {
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Activate an invited account with its one-time token and set a password',
        body: activateBodySchema,
        response: { 200: userResponseSchema },
      },
    },
    async (request) => ({
      user: await auth.activate(request.body.token, request.body.password, actorOf(request)),
    }),
  );

  app.post(
    '/auth/password',
    {
      config: { access: 'authenticated', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Change your password; your other sessions end',
        body: changePasswordBodySchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await auth.changePassword(
        request.user!,
        request.sessionToken!,
        request.body.currentPassword,
        request.body.newPassword,
        actorOf(request),
      );
      return reply.status(204).send(null);
    },
  );
};
