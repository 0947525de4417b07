import type { LoggerOptions } from 'pino';
import type { FastifyRequest } from 'fastify';

/**
 * Logs carry a request id and never personal data: no bodies, no query values (a search box can
 * hold a phone number or NIN), no cookies, tokens or CSRF headers.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.nin',
        '*.phone',
        '*.token',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(req: FastifyRequest) {
        const [path, query] = req.url.split('?', 2);
        return {
          method: req.method,
          url: path,
          // Only which parameters were sent, never their values.
          queryKeys: query ? [...new URLSearchParams(query).keys()] : undefined,
          remoteAddress: req.ip,
        };
      },
    },
  };
}
