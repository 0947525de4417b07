import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fastifyCookie, type CookieSerializeOptions } from '@fastify/cookie';

const { parse, serialize } = fastifyCookie;

/**
 * Cookies without two hooks on every request. `@fastify/cookie` parses the Cookie header in an
 * `onRequest` hook and writes `reply.setCookie`'s cookies in an `onSend` hook, on every request, for
 * the few routes (sign-in, activation, sign-out) that set one. Here `request.cookies` is filled by
 * the app's one `onRequest` hook (readCookies, app.ts) and `reply.setCookie` / `reply.clearCookie`
 * write their `Set-Cookie` header at once: the same values, serialised by the plugin's own
 * `serialize` with its defaults (`SameSite=Lax` unless given; `clearCookie`: path `/`, expired).
 * Signed cookies are not offered (the app sets no secret).
 */
export function registerCookies(app: FastifyInstance) {
  app.decorateRequest('cookies', null as never);
  app.decorateReply('setCookie', setCookie);
  app.decorateReply('clearCookie', clearCookie);
}

/** The request's cookies, parsed once (a new object per request, as the plugin gives). */
export function readCookies(request: FastifyRequest) {
  const header = request.headers.cookie;
  request.cookies = header === undefined ? {} : parse(header);
}

function setCookie(this: FastifyReply, name: string, value: string, options?: CookieSerializeOptions): FastifyReply {
  const opts = { sameSite: 'lax', ...options } as CookieSerializeOptions;
  if (opts.expires && Number.isInteger(opts.expires)) opts.expires = new Date(opts.expires as unknown as number);
  if (opts.signed) throw new Error('signed cookies are not supported: no cookie secret is configured');
  if (opts.secure === 'auto') opts.secure = this.request.protocol === 'https';
  // Fastify appends a second Set-Cookie to the first (an array), as the plugin's onSend hook did.
  return this.header('set-cookie', serialize(name, value, opts as Parameters<typeof serialize>[2]));
}

function clearCookie(this: FastifyReply, name: string, options?: CookieSerializeOptions): FastifyReply {
  return setCookie.call(this, name, '', { path: '/', ...options, expires: new Date(0), maxAge: 0, signed: false });
}
