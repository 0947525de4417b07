import type { FastifyRequest } from 'fastify';
import type { ActorContext } from './audit/service.js';

/** The acting person and where the request came from, for services and the audit log. */
export function actorOf(request: FastifyRequest): ActorContext {
  return {
    actorId: request.user?.id ?? null,
    actorRole: request.user?.role ?? null,
    ip: request.ip ?? null,
    requestId: request.id,
  };
}
