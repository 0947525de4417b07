import { ServerResponse, validateHeaderName, validateHeaderValue, type IncomingMessage } from 'node:http';

type StoreHeader = (this: ServerResponse, firstLine: string, headers: unknown) => void;

/**
 * Where the app's `genReqId` leaves a request's id on Node's request: the response writes it as
 * `x-request-id` in the same block (below), not through `reply.header` (stored, then checked again
 * by `writeHead`, on every response). Only ids of `[\w-]` characters may be put there.
 */
export const REQUEST_ID_KEY = Symbol('oslrs.requestId');
type WithRequestId = IncomingMessage & { [REQUEST_ID_KEY]?: string };

/**
 * The security headers written by Node itself, as one block checked once at start-up. Set per request
 * through `reply.headers`, each of the 12 headers was stored by Fastify and then checked again by
 * Node's `writeHead` (name and value, the ~300-character CSP scanned character by character) on
 * every response: the largest cost our own code still added to `/health`.
 *
 * The server's responses (Node's `ServerResponse` option) put the block right after the status line,
 * where `reply.headers` in the first `onRequest` hook put them: the same headers in the same order.
 * A header the response sets itself (the API docs' CSP, an attachment's sandbox CSP) replaces the
 * block's one, as it did when it was set later in the request; `reply.removeHeader` cannot take one
 * out (no route does). Every response of the server carries them, including one written before or
 * without Fastify's hooks.
 *
 * The request's id (`REQUEST_ID_KEY` on Node's request) follows the block as `x-request-id`, unless the
 * response sets that header itself.
 *
 * `undefined` when this Node has no `_storeHeader(firstLine, headers)` to build on (the app then sets
 * the headers per request, as `app.inject` responses always do).
 */
export function securityHeaderResponse(headers: Readonly<Record<string, string>>): typeof ServerResponse | undefined {
  const found = (ServerResponse.prototype as unknown as { _storeHeader?: StoreHeader })._storeHeader;
  if (typeof found !== 'function' || found.length !== 2) return undefined;
  const storeHeader: StoreHeader = found;
  const names = Object.keys(headers);
  for (const name of names) {
    validateHeaderName(name);
    validateHeaderValue(name, headers[name]!);
    if (name !== name.toLowerCase()) throw new Error(`security header ${name}: lower case expected`);
  }
  const blockWithout = (given: (name: string) => boolean) =>
    names
      .filter((name) => !given(name))
      .map((name) => `${name}: ${headers[name]}\r\n`)
      .join('');
  const block = blockWithout(() => false);

  /**
   * Whether writeHead's headers set `name` (lower case): Fastify's and Node's own (setHeader) are an
   * object keyed by the lower-case name; writeHead(status, [name, value, …]) or [[name, value], …].
   */
  const sets = (given: object, name: string): boolean => {
    if (!Array.isArray(given)) return (given as Record<string, unknown>)[name] !== undefined;
    if (Array.isArray(given[0])) return (given as [string][]).some(([n]) => String(n).toLowerCase() === name);
    for (let i = 0; i < given.length; i += 2) if (String(given[i]).toLowerCase() === name) return true;
    return false;
  };

  /** The block without the headers this response sets itself. */
  const blockFor = (given: unknown): string => {
    if (given === null || typeof given !== 'object') return block;
    return names.some((n) => sets(given, n)) ? blockWithout((n) => sets(given, n)) : block;
  };

  class SecureResponse extends ServerResponse<IncomingMessage> {
    _storeHeader(firstLine: string, given: unknown) {
      const id = (this.req as WithRequestId)[REQUEST_ID_KEY];
      const idLine =
        id === undefined || (given !== null && typeof given === 'object' && sets(given, 'x-request-id'))
          ? ''
          : `x-request-id: ${id}\r\n`;
      storeHeader.call(this, firstLine + blockFor(given) + idLine, given);
    }
  }
  // Node's option type is generic over the request class; this one serves IncomingMessage.
  return SecureResponse as unknown as typeof ServerResponse;
}
