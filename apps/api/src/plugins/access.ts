import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Role, SessionUser } from '@oslrs/core';
import { Forbidden, Invalid, Unauthorized } from '../errors.js';
import type { AuthService } from '../modules/auth/service.js';
import type { PartnerCaller, PartnerService } from '../modules/partners/service.js';
import { keyInQuery } from '../modules/partners/keys.js';
import { SESSION_COOKIE, csrfTokenFor } from '../modules/auth/tokens.js';

/**
 * Every route under /api/v1 declares who may call it, and the app refuses to start otherwise:
 *  - 'public'        anyone
 *  - 'authenticated' any signed-in person
 *  - Role[]          only these roles
 *  - 'partner'       a partner agency's key in `Authorization: Bearer` (never a cookie, so no CSRF);
 *                    what the key may read is checked by the service (`requirePartner`)
 */
export type Access = 'public' | 'authenticated' | 'partner' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every API route with the access it declared: read by the RBAC test and the docs. */
    accessRules: AccessRule[];
  }
  interface FastifyRequest {
    user: SessionUser | null;
    sessionToken: string | null;
    /** The partner key behind a partner route's call. */
    partner: PartnerCaller | null;
  }
}

export interface AccessRule {
  method: string;
  url: string;
  access: Access;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** All a person whose password must change (the generated first-admin password) may call until they change it. */
const WHILE_PASSWORD_MUST_CHANGE = new Set(['/api/v1/auth/me', '/api/v1/auth/password', '/api/v1/auth/logout']);

export function registerAccessControl(app: FastifyInstance, auth: AuthService, partners: PartnerService) {
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('partner', null);

  const rules: AccessRule[] = [];
  app.decorate('accessRules', rules);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (route.url.startsWith('/api/v1')) {
      if (access === undefined)
        throw new Error(`Route ${String(route.method)} ${route.url} does not declare its access`);
      for (const method of [route.method].flat()) {
        if (method !== 'HEAD') rules.push({ method, url: route.url, access });
      }
    }
    // The check is the route's own first onRequest hook (before the rate limit's, which keys on who
    // is calling), made for its access: nothing looked up per request to learn the route's rule, and
    // no hook at all on routes that declare none (static files, docs).
    if (access === undefined) return;
    const hook = accessHook(access);
    route.onRequest = route.onRequest ? [hook, ...[route.onRequest].flat()] : [hook];
  });

  const check = async (request: FastifyRequest, access: Access) => {
    if (access === 'partner') {
      // A key in a URL ends up in proxy logs, browser history and Referer headers: refused outright.
      if (keyInQuery(request.url)) throw Invalid('PARTNER_KEY_IN_QUERY');
      request.partner = await partners.authenticate(request.headers.authorization, request.ip ?? null, request.id);
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const user = await auth.resolveSession(token);
      if (user) {
        request.user = user;
        request.sessionToken = token;
      }
    }
    authorize(request, access);
  };
  /** Who may call, once the caller is known (request.user set or not). */
  const authorize = (request: FastifyRequest, access: Exclude<Access, 'partner'>) => {
    // Public routes never act as the signed-in person (login, activation), so CSRF does not apply.
    if (access === 'public') return;
    if (!request.user) throw Unauthorized('UNAUTHENTICATED', 'Sign in to continue');
    if (request.user.mustChangePassword && !WHILE_PASSWORD_MUST_CHANGE.has(request.routeOptions.url ?? '')) {
      throw Forbidden('PASSWORD_CHANGE_REQUIRED', 'Choose your own password before you continue');
    }
    if (access !== 'authenticated' && !access.includes(request.user.role)) {
      throw Forbidden('FORBIDDEN', 'Your role does not allow this');
    }
    checkCsrf(request);
  };
  // Synchronous when there is nothing to wait for — a public route called without a session cookie
  // (like /health), or a session this process holds in its cache: no promise on the hottest paths.
  const accessHook =
    (access: Access): onRequestHookHandler =>
    (request, _reply, done) => {
      if (access === 'partner') return void check(request, access).then(() => done(), done);
      const token = request.cookies[SESSION_COOKIE];
      if (token) {
        const user = auth.knownSession(token);
        if (user === undefined) return void check(request, access).then(() => done(), done);
        if (user) {
          request.user = user;
          request.sessionToken = token;
        }
      } else if (access === 'public') return done();
      try {
        authorize(request, access);
      } catch (err) {
        return done(err as Error);
      }
      done();
    };
}

/** Cookie-authenticated writes must echo the session's CSRF token in X-CSRF-Token. */
function checkCsrf(request: FastifyRequest) {
  if (!request.sessionToken || !UNSAFE.has(request.method)) return;
  const sent = request.headers['x-csrf-token'];
  const expected = csrfTokenFor(request.sessionToken);
  if (
    typeof sent !== 'string' ||
    sent.length !== expected.length ||
    !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))
  ) {
    throw Forbidden('CSRF_TOKEN_INVALID', 'Missing or wrong X-CSRF-Token header');
  }
}
