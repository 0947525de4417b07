import type { SessionUser } from '@oslrs/core';
import type { Broadcast } from '../../infra/broadcast.js';
import { BroadcastCache } from '../../infra/broadcast-cache.js';

/**
 * Signed-in requests resolved without a network round trip: a short in-process copy of each session
 * (by its token hash), in front of the Redis cache and PostgreSQL. Whatever ends or changes a session
 * (sign-out, a suspension, a role change, a password reset) goes through `forget`, which drops the
 * entry here and in every other API process at once (see BroadcastCache for the guarantees).
 */
export class LocalSessionCache extends BroadcastCache<SessionUser> {
  constructor(broadcast: Broadcast, ttlMs: number, maxEntries = 50_000) {
    super(broadcast, 'sessions:forget', ttlMs, maxEntries);
  }
}
