import { createHmac, randomUUID } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import {
  EXPERIENCE_BANDS,
  REVEALS_PER_DAY,
  SEARCHER_TERMS_VERSION,
  SECTORS,
  SKILLS,
  experienceBand,
  lgaName,
  sectorName,
  sectorOf,
  skillLabel,
  skillNamed,
  skillOf,
  type MarketplaceOptions,
  type MarketplaceProfile,
  type RevealResponse,
  type SearcherStatus,
} from '@oslrs/core';
import { requireAccess, type Actor } from '../../access/index.js';
import type { Db, Executor } from '../../infra/db.js';
import type { Mailer } from '../../infra/mail.js';
import type { KeyValueStore } from '../../infra/kv.js';
import { readerLocale, textsFor } from '../../i18n/texts.js';
import { Conflict, Forbidden, Gone, Invalid, TooManyRequests, fail, isUniqueViolation } from '../../errors.js';
import { checkCursorParts, decodeCursor, encodeCursor } from '../../cursor.js';
import { recordAudit } from '../audit/index.js';
import { UserRepository, hashPassword, hashToken, newToken } from '../auth/index.js';
import {
  MarketplaceRepository,
  type PageRow,
  type ProfileFilter,
  type ProfileKey,
  type ProfileRow,
} from './repository.js';

const repo = new MarketplaceRepository();

/** What the marketplace needs to know of a respondent to list (or unlist) them. */
export interface MarketplaceSubject {
  respondentId: string;
  status: string;
  ninOnFile: boolean;
  consentMarketplace: boolean;
  mainOccupation: string | null;
  skills: string[] | null;
  lgaCode: string | null;
  yearsExperience: string | null;
  /** The assessor verified the record: the badge. */
  verified: boolean;
  bio: string | null;
}

/** Statuses a listed worker may have: never awaiting a NIN, imported unverified, rejected or merged. */
const LISTABLE = new Set(['active', 'verified']);

/** The profession shown: the main occupation (a skill's label when it is a slug), else the first skill. */
function professionOf(s: MarketplaceSubject): string | null {
  const occupation = s.mainOccupation?.trim();
  if (occupation) return (skillOf(occupation)?.label ?? occupation).slice(0, 120);
  const first = s.skills?.find((k) => k.trim());
  return first ? skillLabel(first) : null;
}

/** The text free-text search matches: profession, skill labels and sector names (no personal data). */
export function profileSearchText(profession: string, skills: readonly string[]): string {
  const sectors = [...new Set(skills.map(sectorOf))].map((c) => sectorName(c) ?? c);
  // A slash separates words ("Tailoring/Sewing"): PostgreSQL's parser would read it as a file path.
  return [profession, ...skills.map(skillLabel), ...sectors].join(' \u00b7 ').replace(/\//g, ' ');
}

/** The profile a subject should have, or null when it must not be listed. */
export function profileValues(s: MarketplaceSubject) {
  if (!s.consentMarketplace || !s.ninOnFile || !LISTABLE.has(s.status) || !s.lgaCode) return null;
  const profession = professionOf(s);
  if (!profession) return null;
  const skills = [...new Set((s.skills ?? []).filter((k) => /^[a-z0-9_]{1,64}$/.test(k)))].slice(0, 20);
  const band = experienceBand(s.yearsExperience);
  return {
    respondentId: s.respondentId,
    profession,
    skills,
    sectors: [...new Set(skills.map(sectorOf))],
    lgaCode: s.lgaCode,
    experience: band?.key ?? null,
    yearsMin: band?.minYears ?? 0,
    verified: s.verified,
    bio: s.bio?.trim() ? s.bio.trim().slice(0, 280) : null,
    searchText: profileSearchText(profession, skills),
  };
}

/**
 * THE one hook that keeps the marketplace true: call it in the same transaction as every change to a
 * respondent that could list, change or unlist them (creation, correction, NIN completion, an
 * assessor's decision, a merge, consent, bio). A profile disappears in the transaction that withdraws
 * consent, so no search after the commit can return it. Returns whether the respondent is now listed.
 */
export async function syncProfile(tx: Executor, subject: MarketplaceSubject): Promise<boolean> {
  const values = profileValues(subject);
  if (!values) {
    await repo.deleteProfile(tx, subject.respondentId);
    return false;
  }
  await repo.upsertProfile(tx, randomUUID(), values);
  return true;
}

/** `syncProfile` for many records just created (none had a profile): those that qualify listed in one statement. */
export async function listProfiles(tx: Executor, subjects: MarketplaceSubject[]): Promise<number> {
  const rows = subjects.flatMap((s) => {
    const values = profileValues(s);
    return values ? [{ id: randomUUID(), ...values }] : [];
  });
  await repo.upsertProfiles(tx, rows);
  return rows.length;
}

/**
 * The professions an ingestion batch is about to list, recorded up front in one sorted statement:
 * otherwise each profile's insert adds its profession (the trigger on marketplace_profiles) and two
 * batches adding two new professions in opposite orders wait on each other until a deadlock is found.
 */
export async function noteProfessions(tx: Executor, subjects: MarketplaceSubject[]): Promise<void> {
  const professions = new Set<string>();
  for (const s of subjects) {
    const v = profileValues(s);
    if (v) professions.add(v.profession);
  }
  if (professions.size) await repo.noteProfessions(tx, [...professions].sort());
}

/**
 * At start (under the migration lock): a registry with no profiles yet — just migrated to the
 * marketplace, or restored from a dump without them — lists its consenting respondents once.
 */
export async function ensureProfiles(
  db: Db,
  subjects: (executor: Executor, onPage: (page: MarketplaceSubject[]) => Promise<void>) => Promise<void>,
): Promise<number | null> {
  if ((await repo.count(db, 1)) > 0) return null;
  return db.transaction(async (tx) => {
    let listed = 0;
    // A page in one statement: a registry of 100,000 respondents lists ~55,000 of them at its first start.
    await subjects(tx, async (page) => {
      listed += await listProfiles(tx, page);
    });
    return listed;
  });
}

/** A profile as the public sees it. */
export function publicProfile(
  row: Pick<ProfileRow, 'id' | 'profession' | 'skills' | 'lgaCode' | 'experience' | 'verified' | 'bio'>,
): MarketplaceProfile {
  const band = experienceBand(row.experience);
  return {
    id: row.id,
    profession: row.profession,
    // A profession that is a skill's name is named by its slug too (pages word it in the reader's language).
    professionSkill: skillNamed(row.profession),
    skills: row.skills.map((slug) => {
      const sector = sectorOf(slug);
      return { slug, label: skillLabel(slug), sector, sectorName: sectorName(sector) ?? sector };
    }),
    lga: { code: row.lgaCode, name: lgaName(row.lgaCode) ?? row.lgaCode },
    experience: band ? { band: band.key, label: band.label, minYears: band.minYears } : null,
    verified: row.verified,
    ...(row.bio ? { bio: row.bio } : {}),
  };
}

const fromPage = (r: PageRow) =>
  publicProfile({
    id: r.id,
    profession: r.profession,
    skills: r.skills,
    lgaCode: r.lga_code,
    experience: r.experience,
    verified: r.verified,
    bio: r.bio,
  });

/** Start of the current day in Africa/Lagos (UTC+1, no daylight saving): the reveal allowance's day. */
export function lagosDayStart(now = Date.now()): Date {
  const DAY = 86_400_000;
  const HOUR = 3_600_000;
  return new Date(Math.floor((now + HOUR) / DAY) * DAY - HOUR);
}

/** The contact of a listed worker, read under a lock on their record (the respondents module's). */
export interface ContactPort {
  /**
   * Lock the respondent (shared) and return their contact if they still allow it: `null` when the
   * record is gone or no longer listable; `shared: false` when only the first consent stands.
   */
  lockContact(
    tx: Executor,
    respondentId: string,
  ): Promise<{ shared: boolean; name: string; phone: string | null; email: string | null } | null>;
}

/** Where marketplace reads go: the replica when configured and fresh, else the primary. */
export interface ReadPort {
  read<T>(fn: (db: Executor) => Promise<T>): Promise<T>;
}

export interface MarketplaceConfig {
  publicUrl: string;
  /** Derives the bot trap's profile id (stable per deployment, unguessable without the secret). */
  trapSecret: string;
  searcherVerifyTtlMs: number;
  /** How long an address that fell into the trap stays blocked. */
  trapBlockMs: number;
}

const TRAP_KEY = (ip: string) => `mkt:trap:${ip}`;

export class MarketplaceService {
  private readonly users = new UserRepository();
  readonly trapId: string;

  constructor(
    private readonly db: Db,
    private readonly reads: ReadPort,
    private readonly kv: KeyValueStore,
    private readonly mailer: Mailer,
    private readonly contacts: ContactPort,
    private readonly config: MarketplaceConfig,
    private readonly onTrap: (ip: string | null) => void = () => {},
  ) {
    const h = createHmac('sha256', config.trapSecret).update('oslrs marketplace trap').digest('hex');
    // Shaped like every other profile id (a v4 UUID), so nothing tells a crawler it is a trap.
    this.trapId = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  options(): MarketplaceOptions {
    return {
      skills: SKILLS.map((s) => ({ slug: s.slug, label: s.label, sector: sectorOf(s.slug) })),
      sectors: SECTORS.map((s) => ({ code: s.code, name: s.name })),
      experience: EXPERIENCE_BANDS.map((b) => ({ band: b.key, label: b.label, minYears: b.minYears })),
      directory: `/api/v1/marketplace/profiles/${this.trapId}`,
    };
  }

  /** An address that fell into the trap is refused everything the marketplace serves, for a while. */
  async refuseTrapped(actor: Actor): Promise<void> {
    if (!actor.ip) return;
    if (await this.kv.get(TRAP_KEY(actor.ip)).catch(() => null)) throw Forbidden('ACCESS_BLOCKED');
  }

  async search(
    actor: Actor,
    q: {
      q?: string;
      skill?: string;
      sector?: string;
      lga?: string;
      minYears?: number;
      verified?: 'true' | 'false';
      cursor?: string;
      limit: number;
    },
  ) {
    await this.refuseTrapped(actor);
    const filter: ProfileFilter = {
      text: q.q?.trim() ? q.q.trim() : undefined,
      skill: q.skill,
      sector: q.sector,
      lga: q.lga,
      minYears: q.minYears,
      verified: q.verified === undefined ? undefined : q.verified === 'true',
    };
    let after: ProfileKey | undefined;
    if (q.cursor) {
      const [tier, unverified, id] = decodeCursor(q.cursor, ['n', 'n', 's']) as [number, number, string];
      checkCursorParts('2000-01-01 00:00:00', id);
      if (tier < 0 || tier > 3 || (unverified !== 0 && unverified !== 1) || (!filter.text && tier !== 0))
        throw Invalid('CURSOR_INVALID', undefined, { field: 'cursor' });
      after = [tier, unverified, id];
    }
    const rows = await this.reads.read((db) => repo.search(db, filter, after, q.limit + 1));
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map(fromPage),
      nextCursor:
        rows.length > q.limit && last ? encodeCursor([Number(last.tier), last.verified ? 0 : 1, last.id]) : null,
    };
  }

  async profile(actor: Actor, id: string): Promise<MarketplaceProfile> {
    if (id === this.trapId) return this.trap(actor);
    await this.refuseTrapped(actor);
    const row = await this.reads.read((db) => repo.findProfile(db, id));
    if (!row) throw fail('PROFILE_NOT_FOUND');
    return publicProfile(row);
  }

  /**
   * The bot trap: no page shows a person this profile (its link is hidden and disallowed in
   * robots.txt), so whoever asks for it is a crawler. The address is blocked for a day, a signed-in
   * searcher's account is blocked, and the operator sees it in the audit log.
   */
  private async trap(actor: Actor): Promise<never> {
    this.onTrap(actor.ip);
    if (actor.ip) await this.kv.set(TRAP_KEY(actor.ip), '1', this.config.trapBlockMs).catch(() => undefined);
    await this.db.transaction(async (tx) => {
      if (actor.role === 'searcher' && actor.id)
        await repo.updateSearcher(tx, actor.id, { blockedAt: new Date(), blockedReason: 'bot trap' });
      await recordAudit(tx, actor, {
        action: 'marketplace.trap',
        targetType: 'marketplace',
        targetId: null,
        after: { ip: actor.ip, searcher: actor.role === 'searcher' ? actor.id : null },
      });
    });
    throw Forbidden('ACCESS_BLOCKED');
  }

  // --- searchers ----------------------------------------------------------------------------------

  /**
   * A searcher registers with a password; the email must be confirmed (emailed link) before the first
   * reveal. An email any account already uses is refused with a clear 409 (the rule; it is
   * rate limited per address like the other public forms).
   */
  async registerSearcher(
    actor: Actor,
    body: { fullName: string; email: string; password: string; organisation?: string },
  ): Promise<void> {
    const passwordHash = await hashPassword(body.password);
    const token = newToken();
    try {
      await this.db.transaction(async (tx) => {
        if (await this.users.findByEmail(tx, body.email)) throw Conflict('EMAIL_IN_USE');
        const now = new Date();
        const user = await this.users.insert(tx, {
          id: uuidv7(),
          email: body.email,
          fullName: body.fullName,
          role: 'searcher',
          status: 'active',
          passwordHash,
          activatedAt: now,
          // The language the searcher chose on their device, if they did: later mails' and the app's.
          locale: actor.chosenLocale ?? null,
        });
        await repo.insertSearcher(tx, {
          userId: user.id,
          organisation: body.organisation?.trim() || null,
          termsVersion: SEARCHER_TERMS_VERSION,
          termsAcceptedAt: now,
          verifyTokenHash: hashToken(token),
          verifyExpiresAt: new Date(now.getTime() + this.config.searcherVerifyTtlMs),
        });
        const { t } = textsFor(readerLocale(user.locale, actor.locale));
        const hours = Math.round(this.config.searcherVerifyTtlMs / 3600_000);
        await this.mailer.send(
          {
            to: body.email,
            subject: t('mail.searcher.subject'),
            text:
              `${t('mail.searcher.welcome')}\n\n${t('mail.searcher.confirm', { hours })}\n\n` +
              `${this.config.publicUrl}/marketplace/verify?token=${encodeURIComponent(token)}\n`,
            expiresAt: new Date(now.getTime() + this.config.searcherVerifyTtlMs),
          },
          tx,
        );
        await recordAudit(
          tx,
          { ...actor, id: user.id, role: 'searcher' },
          {
            action: 'searcher.registered',
            targetType: 'user',
            targetId: user.id,
            after: { termsVersion: SEARCHER_TERMS_VERSION, organisation: body.organisation?.trim() || null },
          },
        );
      });
    } catch (err) {
      // Two registrations of one email at once: the unique index decides, the loser gets the same answer.
      if (isUniqueViolation(err, 'users_email_lower_uq')) throw Conflict('EMAIL_IN_USE');
      throw err;
    }
  }

  async verifySearcher(actor: Actor, token: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const s = await repo.lockSearcherByToken(tx, hashToken(token));
      if (!s) throw Invalid('TOKEN_INVALID');
      if (!s.verifyExpiresAt || s.verifyExpiresAt.getTime() < Date.now()) throw Gone('TOKEN_EXPIRED');
      await repo.updateSearcher(tx, s.userId, {
        emailVerifiedAt: new Date(),
        verifyTokenHash: null,
        verifyExpiresAt: null,
      });
      await recordAudit(
        tx,
        { ...actor, id: s.userId, role: 'searcher' },
        {
          action: 'searcher.verified',
          targetType: 'user',
          targetId: s.userId,
        },
      );
    });
  }

  async searcherStatus(actor: Actor): Promise<SearcherStatus> {
    const s = actor.id ? await repo.searcher(this.db, actor.id) : undefined;
    if (!s) throw fail('NOT_FOUND', 'No searcher account');
    const today = await repo.revealsSince(this.db, s.userId, lagosDayStart());
    return {
      organisation: s.organisation,
      emailVerified: !!s.emailVerifiedAt,
      termsVersion: s.termsVersion,
      termsAcceptedAt: s.termsAcceptedAt.toISOString(),
      blocked: !!s.blockedAt,
      revealsToday: today.count,
      revealsPerDay: REVEALS_PER_DAY,
    };
  }

  /**
   * A verified searcher sees a listed worker's name and contact, if the worker gave the second consent.
   * One transaction on the primary: the searcher row is locked (their reveals queue, so the daily cap
   * holds under concurrency), then the worker's record (shared), then the profile is read again, so
   * a consent withdrawn a moment earlier is seen. Every reveal is logged; the allowance counts distinct
   * profiles per Lagos day.
   */
  async reveal(actor: Actor, profileId: string, purpose: string): Promise<RevealResponse> {
    if (profileId === this.trapId) return this.trap(actor);
    await this.refuseTrapped(actor);
    requireAccess(actor, 'marketplace.reveal', {});
    return this.db.transaction(async (tx) => {
      const s = actor.id ? await repo.lockSearcher(tx, actor.id) : undefined;
      if (!s) throw Forbidden('FORBIDDEN');
      if (s.blockedAt) throw Forbidden('SEARCHER_BLOCKED');
      if (!s.emailVerifiedAt) throw Forbidden('SEARCHER_NOT_VERIFIED');
      const first = await repo.findProfile(tx, profileId);
      if (!first) throw fail('PROFILE_NOT_FOUND');
      const contact = await this.contacts.lockContact(tx, first.respondentId);
      const profile = await repo.findProfile(tx, profileId);
      if (!contact || !profile) throw fail('PROFILE_NOT_FOUND');
      if (!contact.shared) throw Forbidden('CONTACT_NOT_SHARED');
      const dayStart = lagosDayStart();
      const today = await repo.revealsSince(tx, s.userId, dayStart);
      const repeat = today.profiles.includes(profileId);
      if (!repeat && today.count >= REVEALS_PER_DAY) {
        const retryAfter = Math.max(1, Math.ceil((dayStart.getTime() + 86_400_000 - Date.now()) / 1000));
        throw TooManyRequests(
          'REVEAL_LIMIT',
          `You may reveal ${REVEALS_PER_DAY} contacts a day. Try again tomorrow.`,
          retryAfter,
        );
      }
      await repo.insertReveal(tx, {
        id: uuidv7(),
        searcherId: s.userId,
        profileId,
        respondentId: profile.respondentId,
        purpose,
        ip: actor.ip,
      });
      await recordAudit(tx, actor, {
        action: 'marketplace.reveal',
        targetType: 'marketplace_profile',
        targetId: profileId,
        after: { purpose },
      });
      return {
        name: contact.name,
        phone: contact.phone,
        email: contact.email,
        remainingToday: REVEALS_PER_DAY - today.count - (repeat ? 0 : 1),
      };
    });
  }

  /** The super admin's reveal log. */
  async revealLog(actor: Actor, cursor: string | undefined, limit: number) {
    requireAccess(actor, 'marketplace.reveals', {});
    let after: [string, string] | undefined;
    if (cursor) {
      const [at, id] = decodeCursor(cursor, ['s', 's']) as [string, string];
      checkCursorParts(at, id);
      after = [at, id];
    }
    const rows = await repo.revealLog(this.db, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const people = await this.users.peopleOf(
      this.db,
      page.map((r) => r.searcher_id),
    );
    return {
      items: page.map((r) => ({
        id: r.id,
        at: new Date(r.at).toISOString(),
        searcher: {
          id: r.searcher_id,
          name: people.get(r.searcher_id)?.fullName ?? '(deleted account)',
          email: people.get(r.searcher_id)?.email ?? '',
          organisation: r.organisation,
        },
        profileId: r.profile_id,
        respondentId: r.respondent_id,
        purpose: r.purpose,
        ip: r.ip,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.at_key, last.id]) : null,
    };
  }

  // --- what the respondents module asks of the marketplace ------------------------------------------

  /** A resident's own profile (as listed) and who revealed their contact. */
  async ownListing(executor: Executor, respondentId: string) {
    const row = await repo.profileOf(executor, respondentId);
    const reveals = await repo.revealsOf(executor, respondentId);
    const people = await this.users.namesOf(
      executor,
      reveals.map((r) => r.searcherId),
    );
    return {
      profile: row ? publicProfile(row) : null,
      reveals: reveals.map((r) => ({
        at: r.at.toISOString(),
        searcherName: people.get(r.searcherId) ?? 'A registered searcher',
        organisation: r.organisation,
        purpose: r.purpose,
      })),
    };
  }
}
