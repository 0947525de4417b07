import {
  CARD_ROLE_TEXT_IDS,
  MAX_CARDS_PER_PDF,
  REGISTRATION_STATUS_TEXT_IDS,
  lgaName,
  parseCode,
  type ListStaffQuery,
  type Locale,
} from '@oslrs/core';
import { requireAccess, type Actor } from '../../access/index.js';
import type { Db } from '../../infra/db.js';
import { Conflict, Invalid, NotFound, fail } from '../../errors.js';
import { recordAudit } from '../audit/index.js';
import type { UserRepository, UserRow } from '../auth/index.js';
import type { RespondentRepository, RespondentRow } from '../respondents/index.js';
import type { SubmissionOutcomeView } from '../submissions/index.js';
import { renderCard, renderCardSheet, renderSlip, type Card, type CardText } from './pdf.js';
import { textsFor, type Texts } from '../../i18n/texts.js';

export { MAX_CARDS_PER_PDF };

/** What anyone may learn from a registration reference: that it exists, and its status. */
export interface RegistrationCheck {
  valid: true;
  reference: string;
  status: string;
  verified: boolean;
}

/** What anyone may learn from a staff card number: whose it is, and whether it stands today. */
export interface CardCheck {
  valid: boolean;
  cardNumber: string;
  name: string;
  role: string;
  lga: string | null;
  expiresAt: string | null;
}

/** The public check page of a registration reference (its slip's QR code, its confirmation email). */
export const registrationCheckUrl = (publicUrl: string, reference: string) => `${publicUrl}/verify/r/${reference}`;

/** What the documents need of the submissions module: a submission's sender and outcome. */
export interface SubmissionOutcomes {
  outcomeOf(id: string): Promise<SubmissionOutcomeView | undefined>;
}

/** Lagos time's date today (YYYY-MM-DD): a card is good through its expiry day. */
const today = () => new Date(Date.now() + 3600_000).toISOString().slice(0, 10);

/**
 * Registration slips, staff ID cards and the public checks behind their QR codes. Slips and cards
 * carry no NIN or phone; the public checks answer only what each document's holder would show anyway.
 */
export class DocumentService {
  constructor(
    private readonly db: Db,
    private readonly respondents: RespondentRepository,
    private readonly users: UserRepository,
    private readonly publicUrl: string,
    private readonly submissions: SubmissionOutcomes,
  ) {}

  registrationUrl(reference: string) {
    return registrationCheckUrl(this.publicUrl, reference);
  }

  cardUrl(cardNumber: string) {
    return `${this.publicUrl}/verify/${cardNumber}`;
  }

  private slip(r: RespondentRow, texts: Texts): Promise<Buffer> {
    const { t, date } = texts;
    const status = r.verification === 'verified' && r.status !== 'merged' ? 'verified' : r.status;
    return renderSlip(
      {
        name: [r.firstname, r.surname].filter(Boolean).join(' ') || '—',
        reference: r.reference,
        lga: r.lgaCode ? (lgaName(r.lgaCode) ?? r.lgaCode) : '—',
        date: date(r.createdAt),
        status: t(REGISTRATION_STATUS_TEXT_IDS[status] ?? 'documents.status.active'),
        verifyUrl: this.registrationUrl(r.reference),
      },
      {
        title: t('documents.slip.title'),
        subtitle: t('documents.slip.subtitle'),
        name: t('documents.slip.name'),
        reference: t('documents.slip.reference'),
        lga: t('documents.slip.lga'),
        date: t('documents.slip.date'),
        status: t('documents.slip.status'),
        scan: t('documents.slip.scan'),
        keep: t('documents.slip.keep'),
      },
    );
  }

  /** The signed-in resident's own slip. */
  async ownSlip(actor: Actor, locale: Locale): Promise<{ pdf: Buffer; reference: string }> {
    requireAccess(actor, 'registration.own', { ownerId: actor.id });
    const r = actor.id ? await this.respondents.ownedBy(this.db, actor.id, false) : undefined;
    if (!r) throw fail('NOT_REGISTERED');
    return { pdf: await this.slip(r, textsFor(locale)), reference: r.reference };
  }

  /** A respondent's slip printed by staff (a paper registration): as reading that record; audited. */
  async staffSlip(actor: Actor, id: string, locale: Locale): Promise<{ pdf: Buffer; reference: string }> {
    const r = await this.respondents.findById(this.db, id);
    requireAccess(actor, 'respondent.read', r && { lgaCode: r.lgaCode });
    const pdf = await this.slip(r!, textsFor(locale));
    await recordAudit(this.db, actor, {
      action: 'respondent.slip_printed',
      targetType: 'respondent',
      targetId: r!.id,
      after: { reference: r!.reference },
    });
    return { pdf, reference: r!.reference };
  }

  /**
   * The slip of the registration a clerk's paper form made, for the clerk who typed it (anyone
   * else's form, or none: 404). Still being processed: 409 SUBMISSION_NOT_REGISTERED; rejected (a
   * NIN already registered, answers not valid…): 409 SUBMISSION_REJECTED with the reason. Audited as
   * the staff slip is, with the submission.
   */
  async clerkSlip(actor: Actor, submissionId: string, locale: Locale): Promise<{ pdf: Buffer; reference: string }> {
    const sub = await this.submissions.outcomeOf(submissionId);
    requireAccess(actor, 'submission.slip', sub && { ownerId: sub.submittedBy });
    if (sub!.status === 'rejected')
      throw Conflict('SUBMISSION_REJECTED', undefined, { reason: sub!.errorCode ?? 'UNKNOWN' });
    const r =
      sub!.status === 'ingested' && sub!.respondentId
        ? await this.respondents.findById(this.db, sub!.respondentId)
        : undefined;
    if (!r) throw Conflict('SUBMISSION_NOT_REGISTERED', undefined, { status: sub!.status });
    const pdf = await this.slip(r, textsFor(locale));
    await recordAudit(this.db, actor, {
      action: 'respondent.slip_printed',
      targetType: 'respondent',
      targetId: r.id,
      after: { reference: r.reference, submissionId },
    });
    return { pdf, reference: r.reference };
  }

  private card(u: UserRow, t: Texts['t'], date: Texts['date']): Card {
    return {
      name: u.fullName,
      role: t(CARD_ROLE_TEXT_IDS[u.role] ?? 'documents.role.official'),
      lga: u.lgaCode ? (lgaName(u.lgaCode) ?? u.lgaCode) : t('documents.card.statewide'),
      cardNumber: u.cardNumber ?? '—',
      expires: u.cardExpiresAt ? date(u.cardExpiresAt) : '—',
      verifyUrl: this.cardUrl(u.cardNumber ?? ''),
    };
  }

  private cardText({ t }: Texts): CardText {
    return {
      title: t('documents.card.title'),
      subtitle: t('documents.card.subtitle'),
      role: t('documents.card.role'),
      lga: t('documents.card.lga'),
      cardNumber: t('documents.card.number'),
      expires: t('documents.card.expires'),
      photo: t('documents.card.photo'),
      scan: t('documents.card.scan'),
    };
  }

  /** One staff member's ID card; audited. */
  async staffCard(actor: Actor, id: string, locale: Locale): Promise<{ pdf: Buffer; cardNumber: string }> {
    requireAccess(actor, 'staff.card', {});
    const u = await this.users.findStaff(this.db, id);
    if (!u || !u.cardNumber) throw NotFound('No such staff member');
    const texts = textsFor(locale);
    const pdf = await renderCard(this.card(u, texts.t, texts.date), this.cardText(texts));
    await recordAudit(this.db, actor, {
      action: 'staff.card_printed',
      targetType: 'user',
      targetId: u.id,
      after: { cardNumber: u.cardNumber },
    });
    return { pdf, cardNumber: u.cardNumber };
  }

  /**
   * The cards of a filtered staff list (the staff list's own filters), ten to an A4 sheet, in the
   * list's order. More than MAX_CARDS_PER_PDF: a 400 that says to narrow the list. Audited.
   */
  async staffCards(
    actor: Actor,
    filter: Pick<ListStaffQuery, 'status' | 'role' | 'lga' | 'q'>,
    locale: Locale,
  ): Promise<{ pdf: Buffer; count: number }> {
    requireAccess(actor, 'staff.card', {});
    const rows = await this.users.listStaff(this.db, filter, { limit: MAX_CARDS_PER_PDF + 1, offset: 0 });
    if (rows.length > MAX_CARDS_PER_PDF)
      throw Invalid(
        'TOO_MANY_CARDS',
        `This list has more than ${MAX_CARDS_PER_PDF} staff; narrow it (role, LGA, status or a search) to print at most ${MAX_CARDS_PER_PDF} cards at once`,
        { max: MAX_CARDS_PER_PDF },
      );
    const texts = textsFor(locale);
    const withCards = rows.filter((u) => u.cardNumber);
    const pdf = await renderCardSheet(
      withCards.map((u) => this.card(u, texts.t, texts.date)),
      this.cardText(texts),
    );
    await recordAudit(this.db, actor, {
      action: 'staff.cards_printed',
      targetType: 'user',
      after: { count: withCards.length, filters: { ...filter, q: filter.q ? true : undefined } },
    });
    return { pdf, count: withCards.length };
  }

  /** Public: is this a registration reference, and what is its status? No name, nothing personal. */
  async checkRegistration(input: string): Promise<RegistrationCheck> {
    const parsed = parseCode('registration', input);
    if (!('code' in parsed))
      throw Invalid(
        'REFERENCE_INVALID',
        parsed.problem === 'check'
          ? 'This reference has a typing mistake (its check character does not match)'
          : undefined,
        { problem: parsed.problem },
      );
    const r = await this.respondents.findByReference(this.db, parsed.code);
    if (!r) throw NotFound('No registration has this reference');
    return {
      valid: true,
      reference: r.reference,
      status: r.status,
      verified: r.verification === 'verified' && r.status !== 'merged',
    };
  }

  /**
   * Public: whose card is this, and does it stand today? `valid` is false as soon as the account is
   * deactivated or suspended (read from the database on every check, nothing cached) or the card expired.
   */
  async checkCard(input: string): Promise<CardCheck> {
    const parsed = parseCode('card', input);
    if (!('code' in parsed))
      throw Invalid(
        'CARD_NUMBER_INVALID',
        parsed.problem === 'check'
          ? 'This card number has a typing mistake (its check character does not match)'
          : undefined,
        { problem: parsed.problem },
      );
    const u = await this.users.findStaffByCard(this.db, parsed.code);
    if (!u) throw NotFound('No staff card has this number');
    const live = u.status === 'active' || u.status === 'invited';
    const current = !u.cardExpiresAt || u.cardExpiresAt >= today();
    return {
      valid: live && current,
      cardNumber: u.cardNumber!,
      name: u.fullName,
      role: u.role,
      lga: u.lgaCode,
      expiresAt: u.cardExpiresAt,
    };
  }
}
