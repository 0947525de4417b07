/**
 * The overseers' half of the registry (issue 10): browse and search, the assessor's verification
 * queue and decisions, and the likely-duplicates queue. Access comes from the one helper
 * (`requireAccess` / `scopeOf`); every staff view of personal data and every decision is audited.
 */
import {
  isWellFormedNin,
  maskTail,
  normalizeNin,
  normalizeCode,
  normalizePhone,
  type DuplicatePair,
  type RespondentDetail,
  type RespondentListItem,
  type VerificationQueueItem,
  type VerificationResponse,
} from '@oslrs/core';
import { requireAccess, scopeOf, type Actor } from '../../access/index.js';
import { checkCursorParts, decodeCursor, encodeCursor } from '../../cursor.js';
import { Conflict, NotFound, Unprocessable } from '../../errors.js';
import type { Db } from '../../infra/db.js';
import { auditTrail, recordAudit } from '../audit/index.js';
import type { SubmissionService } from '../submissions/index.js';
import { FRAUD_BAND_RANK } from '../../db/schema/respondents.js';
import type { Keyed, RespondentRepository, RespondentRow } from './repository.js';
import {
  marketplaceSubject,
  reportSubject,
  shownNin,
  toRespondentDetail,
  verificationOf,
  type RespondentView,
} from './service.js';
import { recordRespondent } from '../reports/index.js';
import { syncProfile } from '../marketplace/index.js';
import type { PiiCipher } from '../../infra/pii.js';

const BANDS = ['clean', 'low', 'medium', 'high', 'critical'] as const;

/** What the oversight pages need from submissions (the submissions module's service). */
export type SubmissionsPort = Pick<SubmissionService, 'forRespondent' | 'reassignRespondent' | 'countsForRespondents'>;

export interface OversightConfig {
  /** Percent (0–100) of clean, undecided records sampled into the assessor queue (stable per record). */
  verificationSamplePercent: number;
}

function listItem(actor: Actor, r: RespondentRow, pii: PiiCipher): RespondentListItem {
  return {
    id: r.id,
    reference: r.reference,
    surname: r.surname,
    firstname: r.firstname,
    gender: r.gender,
    dob: r.dob,
    lga: r.lgaCode,
    status: r.status as RespondentListItem['status'],
    nin: shownNin(actor, pii.openOrNull(r.ninSealed, 'nin')),
    ninOnFile: r.ninHash !== null,
    verified: r.verification === 'verified',
    source: r.source,
    createdAt: r.createdAt.toISOString(),
  };
}

export class RegistryService {
  constructor(
    private readonly db: Db,
    private readonly repo: RespondentRepository,
    private readonly submissions: SubmissionsPort,
    private readonly config: OversightConfig,
    private readonly pii: PiiCipher,
  ) {}

  /**
   * The registry for an overseer within their scope, newest first. `q` is either an exact NIN or
   * phone number (one indexed equality each, never a substring of personal data) or words of a name.
   * One audit row per page lists the ids shown (the search term itself is never written down).
   */
  async list(
    actor: Actor,
    query: { cursor?: string; limit: number; lga?: string; status?: string; q?: string },
  ): Promise<{ items: RespondentListItem[]; nextCursor: string | null }> {
    requireAccess(actor, 'respondent.read', { lgaCode: actor.lgaCode });
    const scope = scopeOf(actor, 'respondent.read');
    let after: { at: string; id: string } | undefined;
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, ['s', 's']) as [string, string];
      checkCursorParts(at, id);
      after = { at, id };
    }
    let ids: string[] | undefined;
    let nameWords: string[] | undefined;
    let search: 'nin_or_phone' | 'name' | 'reference' | undefined;
    // A registration reference (`OY-7K3-9QX`, `oy7k39qx`): one indexed equality. A name that happens to
    // read as a valid reference and matches none is searched as a name (only without dashes).
    const reference = query.q ? normalizeCode('registration', query.q) : null;
    const byReference = reference ? await this.repo.idsByReference(this.db, reference) : [];
    if (reference && (byReference.length || /[-\s]/.test(query.q!))) {
      ids = byReference;
      search = 'reference';
    } else if (query.q) {
      const digits = query.q.replace(/[\s-]/g, '');
      if (/^\+?\d{6,}$/.test(digits)) {
        const nin = normalizeNin(digits);
        ids = await this.repo.idsByExactNinOrPhone(this.db, {
          ninHash: isWellFormedNin(nin) ? this.pii.blindIndex(nin, 'nin') : null,
          phoneHash: this.pii.blindIndexOrNull(normalizePhone(digits), 'phone'),
        });
        search = 'nin_or_phone';
      } else {
        nameWords = query.q
          .split(/\s+/)
          .filter((w) => w.length > 0)
          .slice(0, 5);
        search = 'name';
      }
    }
    const rows = await this.repo.page(
      this.db,
      { scope, lga: query.lga, status: query.status, nameWords, ids },
      query.limit + 1,
      after,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    await recordAudit(this.db, actor, {
      action: 'respondent.listed',
      targetType: 'respondent',
      after: {
        ids: page.map((r) => r.id),
        filters: { lga: query.lga ?? null, status: query.status ?? null, search: search ?? null },
        cursor: query.cursor ? true : false,
      },
    });
    return {
      items: page.map((r) => listItem(actor, r, this.pii)),
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAtKey, last.id]) : null,
    };
  }

  /** One record with its submissions (fraud scores) and its history; the view is audited by `get`. */
  async detail(actor: Actor, row: RespondentView): Promise<RespondentDetail> {
    const [subs, trail] = await Promise.all([
      this.submissions.forRespondent(actor, row.id),
      auditTrail(this.db, { type: 'respondent', id: row.id }, { excludeActions: ['respondent.viewed'], limit: 100 }),
    ]);
    const history = trail.map((e) => ({
      at: e.at.toISOString(),
      action: e.action,
      actorId: e.actorId,
      actorRole: e.actorRole,
      ...(e.before !== null ? { before: e.before } : {}),
      ...(e.after !== null ? { after: e.after } : {}),
    }));
    return toRespondentDetail(row, subs, history);
  }

  // --- verification --------------------------------------------------------------------------

  /** The assessor's queue: flagged (≥ medium) or sampled records not yet decided; audited per page. */
  async queue(actor: Actor, query: { cursor?: string; limit: number }) {
    requireAccess(actor, 'respondent.verify', {});
    let after: { rank: number; at: string; id: string } | undefined;
    if (query.cursor) {
      const [rank, at, id] = decodeCursor(query.cursor, ['n', 's', 's']) as [number, string, string];
      checkCursorParts(at, id);
      after = { rank, at, id };
    }
    const minRank = FRAUD_BAND_RANK.medium!;
    const rows: Keyed<RespondentRow>[] = await this.repo.verificationQueue(
      this.db,
      { minRank, samplePercent: this.config.verificationSamplePercent },
      query.limit + 1,
      after,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    await recordAudit(this.db, actor, {
      action: 'verification.queue_viewed',
      targetType: 'respondent',
      after: { ids: page.map((r) => r.id) },
    });
    const items: VerificationQueueItem[] = page.map((r) => ({
      ...listItem(actor, r, this.pii),
      reason: r.flagRank >= minRank ? 'flagged' : 'sample',
      band: BANDS[r.flagRank] ?? 'clean',
    }));
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.flagRank, last.createdAtKey, last.id]) : null,
      samplePercent: this.config.verificationSamplePercent,
    };
  }

  /**
   * The assessor's decision, in one transaction with its audit row. The same decision again answers
   * the current state; a different one is a 409 with the current state. The status follows: verified
   * records become `verified` (a record still waiting for its NIN stays `pending_nin_capture`, its
   * decision kept), rejected ones `rejected`.
   */
  async decide(
    actor: Actor,
    id: string,
    body: { decision: 'verified' | 'rejected'; reason?: string },
  ): Promise<VerificationResponse> {
    return this.db.transaction(async (tx) => {
      const row = await this.repo.lockById(tx, id);
      requireAccess(actor, 'respondent.verify', row && { lgaCode: row.lgaCode });
      const r = row!;
      const view = (x: RespondentRow): VerificationResponse => ({
        id: x.id,
        status: x.status as VerificationResponse['status'],
        verified: x.verification === 'verified',
        verification: verificationOf(x),
      });
      if (r.status === 'merged')
        throw Conflict('RESPONDENT_MERGED', undefined, { mergedInto: r.mergedInto, current: view(r) });
      if (r.verification) {
        if (r.verification === body.decision) return view(r);
        throw Conflict(
          'VERIFICATION_CONFLICT',
          `This record was already ${r.verification}; a different decision needs a new review`,
          { current: view(r) },
        );
      }
      const status =
        body.decision === 'rejected'
          ? 'rejected'
          : r.status === 'active' || r.status === 'imported_unverified'
            ? 'verified'
            : r.status;
      const updated = await this.repo.update(tx, id, {
        verification: body.decision,
        verifiedBy: actor.id,
        verifiedAt: new Date(),
        verificationReason: body.reason || null,
        status,
      });
      // The figures follow the status (reports count by status).
      if (status !== r.status) await recordRespondent(tx, reportSubject(r), reportSubject(updated));
      // The badge, or (rejected) the profile's removal.
      await syncProfile(tx, marketplaceSubject(updated));
      await recordAudit(tx, actor, {
        action: body.decision === 'verified' ? 'respondent.verified' : 'respondent.rejected',
        targetType: 'respondent',
        targetId: id,
        before: { status: r.status, verification: null },
        after: { status, verification: body.decision, reason: body.reason || null },
      });
      return view(updated);
    });
  }

  // --- likely duplicates ---------------------------------------------------------------------

  /** Open pairs, oldest first, each side shown side by side; one audit row per page. */
  async duplicates(actor: Actor, query: { cursor?: string; limit: number }) {
    requireAccess(actor, 'respondent.dedupe', {});
    let after: { at: string; id: string } | undefined;
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, ['s', 's']) as [string, string];
      checkCursorParts(at, id);
      after = { at, id };
    }
    const rows = await this.repo.openDuplicates(this.db, query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const ids = [...new Set(page.flatMap((p) => [p.respondentA, p.respondentB]))];
    const [people, counts] = await Promise.all([
      this.repo.findByIds(this.db, ids),
      this.submissions.countsForRespondents(ids),
    ]);
    const byId = new Map(people.map((p) => [p.id, p]));
    const side = (id: string) => {
      const p = byId.get(id)!;
      return {
        ...listItem(actor, p, this.pii),
        phone: p.phoneSealed ? maskTail(this.pii.open(p.phoneSealed, 'phone'), 4) : null,
        submissionCount: counts.get(id) ?? 0,
      };
    };
    await recordAudit(this.db, actor, {
      action: 'duplicates.viewed',
      targetType: 'respondent',
      after: { pairs: page.map((p) => p.id), ids },
    });
    const items: DuplicatePair[] = page.map((p) => ({
      id: p.id,
      reasons: p.reasons as DuplicatePair['reasons'],
      createdAt: p.createdAt.toISOString(),
      a: side(p.respondentA),
      b: side(p.respondentB),
    }));
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAtKey, last.id]) : null,
    };
  }

  /**
   * A person's decision on a pair, in one transaction: `distinct` remembers the pair (it never comes
   * back); `merge` moves every submission to the kept record and marks the other `merged` (kept, not
   * deleted). Nothing merges without this call.
   */
  async resolve(actor: Actor, pairId: string, body: { action: 'distinct' | 'merge'; keep?: string }) {
    return this.db.transaction(async (tx) => {
      requireAccess(actor, 'respondent.dedupe', {});
      const pair = await this.repo.lockDuplicate(tx, pairId);
      if (!pair) throw NotFound();
      if (pair.status !== 'open')
        throw Conflict('DUPLICATE_RESOLVED', `This pair was already resolved (${pair.status})`, {
          current: { status: pair.status, keptId: pair.keptId, resolvedAt: pair.resolvedAt?.toISOString() ?? null },
        });
      const [x, y] = await this.repo.lockByIds(tx, [pair.respondentA, pair.respondentB]);
      for (const r of [x!, y!])
        if (r.status === 'merged')
          throw Conflict('RESPONDENT_MERGED', 'One of these records was already merged into another', {
            id: r.id,
            mergedInto: r.mergedInto,
          });
      if (body.action === 'distinct') {
        await this.repo.resolveDuplicate(tx, pairId, { status: 'distinct', keptId: null, resolvedBy: actor.id });
        await recordAudit(tx, actor, {
          action: 'duplicate.distinct',
          targetType: 'respondent_duplicate',
          targetId: pairId,
          after: { respondents: [pair.respondentA, pair.respondentB] },
        });
        return { id: pairId, status: 'distinct' as const, keptId: null, movedSubmissions: 0 };
      }
      const keep = [x!, y!].find((r) => r.id === body.keep);
      const other = [x!, y!].find((r) => r.id !== body.keep)!;
      if (!keep) throw Unprocessable('MERGE_KEEP_INVALID');
      // The NIN stays with the record that holds it (one respondent per NIN; the other side has none).
      if (other.ninHash && !keep.ninHash) throw Unprocessable('MERGE_KEEP_NIN');
      const moved = await this.submissions.reassignRespondent(tx, other.id, keep.id);
      const merged = await this.repo.update(tx, other.id, { status: 'merged', mergedInto: keep.id });
      await recordRespondent(tx, reportSubject(other), reportSubject(merged));
      // A merged record is listed nowhere; the kept one is listed as it stands.
      await syncProfile(tx, marketplaceSubject(merged));
      await syncProfile(tx, marketplaceSubject(keep));
      await this.repo.raiseFlagRank(tx, keep.id, other.flagRank);
      await this.repo.resolveDuplicate(tx, pairId, { status: 'merged', keptId: keep.id, resolvedBy: actor.id });
      await recordAudit(tx, actor, [
        {
          action: 'duplicate.merged',
          targetType: 'respondent_duplicate',
          targetId: pairId,
          after: { kept: keep.id, merged: other.id, movedSubmissions: moved },
        },
        {
          action: 'respondent.merged',
          targetType: 'respondent',
          targetId: other.id,
          before: { status: other.status },
          after: { status: 'merged', mergedInto: keep.id, movedSubmissions: moved },
        },
        {
          action: 'respondent.merge_kept',
          targetType: 'respondent',
          targetId: keep.id,
          after: { merged: other.id, movedSubmissions: moved },
        },
      ]);
      return { id: pairId, status: 'merged' as const, keptId: keep.id, movedSubmissions: moved };
    });
  }
}
