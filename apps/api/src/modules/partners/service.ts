import { desc, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import {
  PARTNER_KEY_OVERLAP_MS,
  SECTORS,
  SKILLS,
  type CreatePartnerKeyBody,
  type Insights,
  type PartnerKey,
  type PartnerScope,
} from '@oslrs/core';
import { partnerActor, requireAccess, requirePartner, type Actor } from '../../access/index.js';
import { partnerKeys } from '../../db/schema/partners.js';
import type { BroadcastCache } from '../../infra/broadcast-cache.js';
import type { Db } from '../../infra/db.js';
import type { KeyValueStore } from '../../infra/kv.js';
import type { PiiCipher } from '../../infra/pii.js';
import { Conflict, NotFound, Unauthorized } from '../../errors.js';
import { auditActivity, recordAudit } from '../audit/index.js';
import type { ReportService } from '../reports/index.js';
import { lookupOf, newPartnerKey, sameHash, visiblePrefix } from './keys.js';

type KeyRow = typeof partnerKeys.$inferSelect;

/** What a process keeps of a key between calls (by its look-up id). */
export interface CachedKey {
  id: string;
  secretHash: string;
  scopes: PartnerScope[];
  lgas: string[] | null;
  rateLimitPerMinute: number;
  createdAt: number;
  expiresAt: number | null;
}

/** A partner call's identity: who, how fast it may call, and whether it is a rotated-away key. */
export interface PartnerCaller {
  actor: Actor;
  keyId: string;
  rateLimitPerMinute: number;
  /** For a rotated-away key: when it was replaced (Deprecation) and when it stops working (Sunset). */
  deprecated: { since: Date; sunset: Date } | null;
}

/** A hash no key has: compared against when the look-up id is unknown, so both paths do the same work. */
const NO_KEY_HASH = 'A'.repeat(22);
/** Bumped in Redis by every revocation and rotation: a process that sees it move drops its copies. */
const EPOCH_KEY = 'partner-keys:epoch';
const EPOCH_TTL_MS = 30 * 86_400_000;

/**
 * Partner keys (issue 15): another agency's API access, one more kind of Actor. Managed by super
 * admins; the key is shown once and stored as HMAC-SHA256 under the server's index key.
 *
 * `now` is the service's clock (the 7-day overlap is decided by it; tests move it).
 */
export class PartnerService {
  now: () => number = Date.now;
  /** The revocation epoch this process's copies were taken under. */
  private epochSeen: string | null = null;

  constructor(
    private readonly db: Db,
    private readonly pii: PiiCipher,
    private readonly cache: BroadcastCache<CachedKey>,
    private readonly kv: KeyValueStore,
    private readonly reports: ReportService,
    private readonly onError: (err: unknown, msg: string) => void = () => {},
  ) {}

  private hash(key: string): string {
    return this.pii.blindIndex(key, 'partner_key');
  }

  private stateOf(row: KeyRow): PartnerKey['state'] {
    if (row.revokedAt) return 'revoked';
    if (row.expiresAt) return row.expiresAt.getTime() <= this.now() ? 'expired' : 'rotating';
    return 'active';
  }

  private view(row: KeyRow, usage?: { count: number; last: Date | null }): PartnerKey {
    return {
      id: row.id,
      name: row.name,
      keyPrefix: visiblePrefix(row.lookup),
      scopes: row.scopes,
      lgas: row.lgas ?? 'all',
      rateLimitPerMinute: row.rateLimitPerMinute,
      state: this.stateOf(row),
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt?.toISOString() ?? null,
      revokedAt: row.revokedAt?.toISOString() ?? null,
      replacedBy: row.replacedBy,
      lastUsedAt: usage?.last?.toISOString() ?? null,
      callCount: usage?.count ?? 0,
    };
  }

  async create(actor: Actor, body: CreatePartnerKeyBody): Promise<{ partnerKey: PartnerKey; key: string }> {
    requireAccess(actor, 'partner.manage', {});
    return this.db.transaction(async (tx) => {
      const { key, lookup } = newPartnerKey();
      const [row] = await tx
        .insert(partnerKeys)
        .values({
          id: uuidv7(),
          name: body.name,
          lookup,
          secretHash: this.hash(key),
          scopes: body.scopes,
          lgas: body.lgas === 'all' ? null : body.lgas,
          rateLimitPerMinute: body.rateLimitPerMinute,
          createdBy: actor.id,
          createdAt: new Date(this.now()),
        })
        .returning();
      await recordAudit(tx, actor, {
        action: 'partner_key.created',
        targetType: 'partner_key',
        targetId: row!.id,
        after: { name: body.name, scopes: body.scopes, lgas: body.lgas, rateLimitPerMinute: body.rateLimitPerMinute },
      });
      return { partnerKey: this.view(row!), key };
    });
  }

  /** Every key, newest first, with its use (calls and last call, from the audit log): never a secret. */
  async list(actor: Actor): Promise<PartnerKey[]> {
    requireAccess(actor, 'partner.manage', {});
    const rows = await this.db.select().from(partnerKeys).orderBy(desc(partnerKeys.createdAt)).limit(500);
    const usage = await auditActivity(this.db, 'partner_key', 'partner.call');
    return rows.map((r) => this.view(r, usage.get(r.id)));
  }

  /**
   * A new key with the same grant; the old one keeps working for 7 days (its answers say so) and then
   * stops. A key already rotated or revoked cannot be rotated again (409).
   */
  async rotate(actor: Actor, id: string): Promise<{ partnerKey: PartnerKey; key: string }> {
    requireAccess(actor, 'partner.manage', {});
    const result = await this.db.transaction(async (tx) => {
      const [old] = await tx.select().from(partnerKeys).where(eq(partnerKeys.id, id)).for('update');
      if (!old) throw NotFound();
      if (old.revokedAt || old.expiresAt)
        throw Conflict('PARTNER_KEY_STATE', 'This key was already rotated or revoked', { state: this.stateOf(old) });
      const { key, lookup } = newPartnerKey();
      const now = this.now();
      const [fresh] = await tx
        .insert(partnerKeys)
        .values({
          id: uuidv7(),
          name: old.name,
          lookup,
          secretHash: this.hash(key),
          scopes: old.scopes,
          lgas: old.lgas,
          rateLimitPerMinute: old.rateLimitPerMinute,
          createdBy: actor.id,
          createdAt: new Date(now),
        })
        .returning();
      const expiresAt = new Date(now + PARTNER_KEY_OVERLAP_MS);
      await tx.update(partnerKeys).set({ expiresAt, replacedBy: fresh!.id }).where(eq(partnerKeys.id, id));
      await recordAudit(tx, actor, {
        action: 'partner_key.rotated',
        targetType: 'partner_key',
        targetId: id,
        after: { replacedBy: fresh!.id, oldKeyExpiresAt: expiresAt.toISOString() },
      });
      return { partnerKey: this.view(fresh!), key, oldLookup: old.lookup };
    });
    await this.forget(result.oldLookup);
    return { partnerKey: result.partnerKey, key: result.key };
  }

  /** Revoked at once: refused by this process and, over pub/sub, by every other one. */
  async revoke(actor: Actor, id: string): Promise<PartnerKey> {
    requireAccess(actor, 'partner.manage', {});
    const row = await this.db.transaction(async (tx) => {
      const [old] = await tx.select().from(partnerKeys).where(eq(partnerKeys.id, id)).for('update');
      if (!old) throw NotFound();
      if (old.revokedAt) throw Conflict('PARTNER_KEY_STATE', 'This key was already revoked', { state: 'revoked' });
      const [updated] = await tx
        .update(partnerKeys)
        .set({ revokedAt: new Date(this.now()) })
        .where(eq(partnerKeys.id, id))
        .returning();
      await recordAudit(tx, actor, { action: 'partner_key.revoked', targetType: 'partner_key', targetId: id });
      return updated!;
    });
    await this.forget(row.lookup);
    return this.view(row);
  }

  /**
   * After a revocation or rotation has committed: the epoch moves in Redis first (every process reads
   * it on its next call, so the change is seen within one request wherever it lands), then the
   * pub/sub message drops the copies at once.
   */
  private async forget(lookup: string) {
    await this.kv.incr(EPOCH_KEY, EPOCH_TTL_MS).catch((err) => this.onError(err, 'partner key epoch not bumped'));
    await this.cache.forget([lookup]).catch((err) => this.onError(err, 'partner key revocation broadcast failed'));
  }

  /**
   * The key behind `Authorization: Bearer …`, or 401. A malformed key, an unknown one and a wrong
   * secret answer alike; the hash is compared in constant time, against a dummy when the id is unknown.
   */
  async authenticate(header: string | undefined, ip: string | null, requestId: string | null): Promise<PartnerCaller> {
    const match = header && /^Bearer ([^\s]+)$/i.exec(header.trim());
    const key = match ? match[1]! : '';
    const lookup = lookupOf(key);
    if (!lookup) throw Unauthorized('PARTNER_KEY_INVALID');
    const record = await this.record(lookup);
    const given = this.hash(key);
    if (!sameHash(given, record?.secretHash ?? NO_KEY_HASH) || !record) throw Unauthorized('PARTNER_KEY_INVALID');
    if (record.revoked) throw Unauthorized('PARTNER_KEY_REVOKED');
    const now = this.now();
    if (record.expiresAt !== null && record.expiresAt <= now) throw Unauthorized('PARTNER_KEY_EXPIRED');
    return {
      actor: partnerActor(record.id, { scopes: record.scopes, lgas: record.lgas }, ip, requestId),
      keyId: record.id,
      rateLimitPerMinute: record.rateLimitPerMinute,
      deprecated:
        record.expiresAt !== null
          ? { since: new Date(record.expiresAt - PARTNER_KEY_OVERLAP_MS), sunset: new Date(record.expiresAt) }
          : null,
    };
  }

  /** A key by look-up id: this process's copy while it is sure to hear revocations, else PostgreSQL. */
  private async record(lookup: string): Promise<(CachedKey & { revoked: boolean }) | null> {
    // One small read per call (beside the rate limit's own): while Redis cannot say, no copy is trusted.
    const epoch = await this.kv.get(EPOCH_KEY).then(
      (e) => e ?? '0',
      () => undefined,
    );
    if (epoch !== this.epochSeen) {
      this.cache.clear();
      this.epochSeen = epoch ?? null;
    }
    const mine = epoch === undefined ? null : this.cache.get(lookup, this.now());
    if (mine) return { ...mine, revoked: false };
    const generation = this.cache.generation;
    const [row] = await this.db.select().from(partnerKeys).where(eq(partnerKeys.lookup, lookup)).limit(1);
    if (!row) return null;
    const record: CachedKey = {
      id: row.id,
      secretHash: row.secretHash,
      scopes: row.scopes as PartnerScope[],
      lgas: row.lgas,
      rateLimitPerMinute: row.rateLimitPerMinute,
      createdAt: row.createdAt.getTime(),
      expiresAt: row.expiresAt?.getTime() ?? null,
    };
    // Revoked keys are never kept: each attempt with one reads PostgreSQL again.
    if (!row.revokedAt) this.cache.set(lookup, record, record.expiresAt ?? Infinity, generation, this.now());
    return { ...record, revoked: !!row.revokedAt };
  }

  // --- what partners read ---------------------------------------------------------------------

  /** Aggregate insights (suppressed, as published); a key bound to LGAs sees only their rows by LGA. */
  async insights(actor: Actor): Promise<Insights> {
    requirePartner(actor, 'insights:read');
    const { body } = await this.reports.insights();
    const lgas = actor.partner?.lgas;
    return lgas ? { ...body, byLga: body.byLga.filter((c) => lgas.includes(c.key)) } : body;
  }

  skills(actor: Actor) {
    requirePartner(actor, 'skills:read');
    return {
      sectors: SECTORS.map((s) => ({ code: s.code, name: s.name })),
      skills: SKILLS.map((s) => ({ slug: s.slug, label: s.label, sector: s.sector, isco: s.isco })),
    };
  }

  /**
   * Every partner call, in the audit log before its answer leaves: the key, the endpoint, the filters,
   * the rows answered. Committed without waiting for the WAL flush (synchronous_commit off for this
   * one transaction): a read's audit row costs no fsync, and only a database crash within the WAL
   * writer's delay (~200 ms) could lose one — never a change of data, which commits as always.
   */
  async recordCall(actor: Actor, call: { endpoint: string; status: number; filters: unknown; rows: number }) {
    await this.db.transaction(async (tx) => {
      await tx.execute(sql`set local synchronous_commit to off`);
      await recordAudit(tx, actor, {
        action: 'partner.call',
        targetType: 'partner_key',
        targetId: actor.id,
        after: call,
      });
    });
  }
}
