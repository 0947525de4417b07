import { experienceBand, lgaName, skillLabel, skillNamed, type MyRegistration, type ProfileNote } from '@oslrs/core';
import { requireAccess, type Actor } from '../../access/index.js';
import type { Db, Executor } from '../../infra/db.js';
import type { PiiCipher } from '../../infra/pii.js';
import { Invalid, fail } from '../../errors.js';
import { recordAudit } from '../audit/index.js';
import type { MarketplaceService } from '../marketplace/index.js';
import type { RespondentRepository, RespondentRow } from './repository.js';
import { syncMarketplace } from './service.js';

/** What self-service reads of the resident's submissions (the submissions module's). */
export interface OwnSubmissionsPort {
  /** The resident's live registration: its answers (opened) and questionnaire version. */
  liveRegistrationOf(
    executor: Executor,
    userId: string,
  ): Promise<{ questionnaireVersionId: string; answers: Record<string, unknown> } | null>;
  /** The resident's correction requests, newest first. */
  correctionsOf(
    executor: Executor,
    userId: string,
  ): Promise<{ id: string; submittedAt: string; status: string; comment: string | null }[]>;
}

const masked = (nin: string) => `********${nin.slice(-3)}`;

/**
 * Residents' side of their own record (SPEC "Collecting data"): what the registry holds about them,
 * their two consents (withdrawing the first withdraws both and unlists them in the same transaction),
 * the line their profile shows, and who revealed their contact.
 */
export class SelfService {
  constructor(
    private readonly db: Db,
    private readonly repo: RespondentRepository,
    private readonly pii: PiiCipher,
    private readonly marketplace: Pick<MarketplaceService, 'ownListing'>,
    private readonly submissions: OwnSubmissionsPort,
  ) {}

  private async own(executor: Executor, actor: Actor, lock: boolean): Promise<RespondentRow | undefined> {
    if (!actor.id) return undefined;
    const r = await this.repo.ownedBy(executor, actor.id, lock);
    if (r) requireAccess(actor, 'registration.own', { ownerId: r.createdBy });
    return r;
  }

  async registration(actor: Actor): Promise<MyRegistration | null> {
    requireAccess(actor, 'registration.own', { ownerId: actor.id });
    const r = await this.own(this.db, actor, false);
    if (!r) return null;
    const nin = this.pii.openOrNull(r.ninSealed, 'nin');
    const latest = actor.id ? await this.submissions.liveRegistrationOf(this.db, actor.id) : null;
    const answers = Object.fromEntries(
      Object.entries(latest?.answers ?? {}).map(([k, v]) => [k, nin && v === nin ? masked(nin) : v]),
    );
    const listing = await this.marketplace.ownListing(this.db, r.id);
    const corrections = actor.id ? await this.submissions.correctionsOf(this.db, actor.id) : [];
    return {
      respondentId: r.id,
      reference: r.reference,
      status: r.status,
      verified: r.verification === 'verified',
      registeredAt: r.createdAt.toISOString(),
      record: {
        surname: r.surname,
        firstname: r.firstname,
        gender: r.gender,
        dob: r.dob,
        phone: this.pii.openOrNull(r.phoneSealed, 'phone'),
        email: r.email,
        nin: nin ? masked(nin) : null,
        lga: r.lgaCode ? { code: r.lgaCode, name: lgaName(r.lgaCode) ?? r.lgaCode } : null,
        mainOccupation: r.mainOccupation,
        mainOccupationSkill: skillNamed(r.mainOccupation),
        employmentType: r.employmentType,
        experience: experienceBand(r.yearsExperience)?.label ?? r.yearsExperience,
        experienceBand: experienceBand(r.yearsExperience)?.key ?? null,
        skills: (r.skills ?? []).map((slug) => ({ slug, label: skillLabel(slug) })),
      },
      answers,
      questionnaireVersionId: latest?.questionnaireVersionId ?? null,
      consent: { marketplace: r.consentMarketplace, enriched: r.consentEnriched },
      bio: r.marketplaceBio,
      profile: listing.profile,
      profileNote: listing.profile ? null : this.whyUnlisted(r),
      reveals: listing.reveals,
      corrections,
    };
  }

  /** Why a consenting resident is not listed, as a code the page words (`account.my.profileNote.<code>`). */
  private whyUnlisted(r: RespondentRow): ProfileNote | null {
    if (!r.consentMarketplace) return null;
    if (!r.ninHash) return 'ninMissing';
    if (r.status === 'rejected') return 'rejected';
    if (r.status === 'merged') return 'merged';
    if (r.status === 'imported_unverified') return 'unverified';
    return 'noTrade';
  }

  /** Both consents at once; the second never stands without the first. Returns whether they are listed. */
  async setConsent(actor: Actor, body: { marketplace: boolean; enriched: boolean }) {
    requireAccess(actor, 'registration.own', { ownerId: actor.id });
    if (body.enriched && !body.marketplace)
      throw Invalid('VALIDATION_FAILED', 'Showing your contact needs the first consent (the anonymous profile) too', {
        field: 'enriched',
      });
    return this.db.transaction(async (tx) => {
      const r = await this.own(tx, actor, true);
      if (!r) throw fail('NOT_REGISTERED');
      const consent = { marketplace: body.marketplace, enriched: body.marketplace && body.enriched };
      if (consent.marketplace !== r.consentMarketplace || consent.enriched !== r.consentEnriched) {
        await this.repo.update(tx, r.id, {
          consentMarketplace: consent.marketplace,
          consentEnriched: consent.enriched,
        });
        await recordAudit(tx, actor, {
          action: 'respondent.consent_changed',
          targetType: 'respondent',
          targetId: r.id,
          before: { marketplace: r.consentMarketplace, enriched: r.consentEnriched },
          after: consent,
        });
      }
      const listed = await syncMarketplace(tx, this.repo, r.id);
      return { consent, listed };
    });
  }

  async setBio(actor: Actor, bio: string | null): Promise<void> {
    requireAccess(actor, 'registration.own', { ownerId: actor.id });
    await this.db.transaction(async (tx) => {
      const r = await this.own(tx, actor, true);
      if (!r) throw fail('NOT_REGISTERED');
      await this.repo.update(tx, r.id, { marketplaceBio: bio?.trim() || null });
      await syncMarketplace(tx, this.repo, r.id);
    });
  }
}
