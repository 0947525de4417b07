import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  acceptedResponseSchema,
  activateBodySchema,
  changePasswordBodySchema,
  localeBodySchema,
  loginBodySchema,
  meResponseSchema,
  passwordResetBodySchema,
  passwordResetConfirmBodySchema,
  registerBodySchema,
  registerConfirmBodySchema,
  sessionResponseSchema,
  userResponseSchema,
} from '@oslrs/core';
import { REGISTER_ACCEPTED, RESET_ACCEPTED, type AuthService, type LoginResult } from './service.js';
import { DEVICE_COOKIE, SESSION_COOKIE, csrfTokenFor } from './tokens.js';
import { DEVICE_TRUST_MS } from './lockout.js';
import { actorOf } from '../../access/index.js';

function setSessionCookies(reply: FastifyReply, result: LoginResult, secure: boolean) {
  void reply.setCookie(SESSION_COOKIE, result.token, {
    httpOnly: true,
    secure,
    sameSite: 'lax',
    path: '/',
    expires: result.expiresAt,
  });
  // Marks this browser as one the account has signed in from (exempt from the account-wide lockout).
  void reply.setCookie(DEVICE_COOKIE, result.deviceToken, {
    httpOnly: true,
    secure,
    sameSite: 'strict',
    path: '/api/v1/auth',
    maxAge: Math.floor(DEVICE_TRUST_MS / 1000),
  });
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
        request.cookies[DEVICE_COOKIE],
      );
      setSessionCookies(reply, result, cookieSecure);
      return { user: result.user, csrfToken: result.csrfToken };
    },
  );

  app.post(
    '/auth/register',
    {
      config: { access: 'public', rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary:
          'A resident asks for an account (public_user): always 202, the same for a new or a taken email; the link to confirm it and choose a password comes by email',
        body: registerBodySchema,
        response: { 202: acceptedResponseSchema },
      },
    },
    async (request, reply) => {
      await auth.register(request.body, actorOf(request));
      return reply.status(202).send({ message: REGISTER_ACCEPTED });
    },
  );

  app.post(
    '/auth/register/confirm',
    {
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Confirm a registration with the emailed token and set the password; signs the resident in',
        body: registerConfirmBodySchema,
        response: { 200: sessionResponseSchema },
      },
    },
    async (request, reply) => {
      const result = await auth.confirmRegistration(
        request.body.token,
        request.body.password,
        actorOf(request),
        request.headers['user-agent'] ?? null,
        request.cookies[DEVICE_COOKIE],
      );
      setSessionCookies(reply, result, cookieSecure);
      return { user: result.user, csrfToken: result.csrfToken };
    },
  );

  app.post(
    '/auth/password-reset',
    {
      config: { access: 'public', rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary:
          'Ask for a password-reset link: always 202 with the same body, whether or not the account exists; an active account gets a one-time link by email',
        body: passwordResetBodySchema,
        response: { 202: acceptedResponseSchema },
      },
    },
    async (request, reply) => {
      await auth.requestPasswordReset(request.body.email, actorOf(request));
      return reply.status(202).send({ message: RESET_ACCEPTED });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: "Set a new password with a reset link's token; every session of that person ends",
        body: passwordResetConfirmBodySchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await auth.confirmPasswordReset(request.body.token, request.body.password, actorOf(request));
      return reply.status(204).send(null);
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

  // The web app asks this on every start: no one signed in is a normal answer (200), not an error
  // logged in the browser's console. /auth/me keeps its 401 for clients that expect a session.
  app.get(
    '/auth/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in person, or `{ user: null }` when no one is signed in',
        response: { 200: meResponseSchema },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      if (!request.user || !request.sessionToken) return { user: null };
      return { user: request.user, csrfToken: csrfTokenFor(request.sessionToken) };
    },
  );

  app.put(
    '/auth/me/locale',
    {
      config: { access: 'authenticated', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: "Remember the signed-in person's UI language (en, yo) on their account",
        body: localeBodySchema,
        response: { 200: userResponseSchema },
      },
    },
    async (request) => ({ user: await auth.setLocale(request.user!, request.body.locale) }),
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
        summary: 'Activate an invited account with its one-time token and set a password; signs the person in',
        body: activateBodySchema,
        response: { 200: sessionResponseSchema },
      },
    },
    async (request, reply) => {
      const result = await auth.activate(
        request.body.token,
        request.body.password,
        actorOf(request),
        request.headers['user-agent'] ?? null,
        request.cookies[DEVICE_COOKIE],
      );
      setSessionCookies(reply, result, cookieSecure);
      return { user: result.user, csrfToken: result.csrfToken };
    },
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
