/**
 * Who is acting, and what they may touch. Every service method that reads or changes a record
 * starts with `requireAccess(actor, action, record)`; list queries take their scope from
 * `scopeOf(actor, action)`. Role, LGA scope and partner-key scopes are decided here and nowhere else.
 *
 * The one rule for records out of scope: they answer exactly like records that do not exist
 * (404 NOT_FOUND), so a caller learns nothing about what lies outside their scope. Actions a role
 * may never take answer 403 FORBIDDEN.
 */
import type { FastifyRequest } from 'fastify';
import type { Locale, PartnerScope, Role, SessionUser } from '@oslrs/core';
import { Forbidden, NotFound } from '../errors.js';
import { chosenLocale, requestedLocale } from '../i18n/texts.js';

export interface Actor {
  /**
   * `user`: a signed-in person; `system`: a background job acting for the person who caused it;
   * `partner`: another agency's API key (its id is the key's id; it has no role, only `partner`).
   */
  kind: 'user' | 'system' | 'partner';
  /** The user's id (for `system`, the person on whose behalf the job runs, if any; for `partner`, the key's). */
  id: string | null;
  role: Role | null;
  /** The LGA a field role is bound to (supervisor, enumerator); null for statewide roles. */
  lgaCode: string | null;
  ip: string | null;
  requestId: string | null;
  /**
   * The language the request asks for (the `oslrs_lang` cookie, else Accept-Language): what a mail to
   * someone with no language of their own on record is written in (English when absent). Absent when
   * the request names none, and for jobs and partners.
   */
  locale?: Locale;
  /** The language the device chose (the `oslrs_lang` cookie only): what a new account keeps. */
  chosenLocale?: Locale;
  /** A partner key's grant: what it may read, and where (null = every LGA). */
  partner?: { scopes: readonly PartnerScope[]; lgas: readonly string[] | null };
}

export function actorFromUser(user: SessionUser, ip: string | null = null, requestId: string | null = null): Actor {
  return { kind: 'user', id: user.id, role: user.role, lgaCode: user.lga, ip, requestId };
}

/** The signed-in person behind a request (or an anonymous actor on public routes). */
export function actorOf(request: FastifyRequest): Actor {
  const user = request.user;
  return {
    kind: 'user',
    id: user?.id ?? null,
    role: user?.role ?? null,
    lgaCode: user?.lga ?? null,
    ip: request.ip ?? null,
    requestId: request.id,
    locale: requestedLocale(request.headers.cookie, request.headers['accept-language']),
    chosenLocale: chosenLocale(request.headers.cookie),
  };
}

/** A background job acting for the person who caused it (the submitter of a survey, the starter of an import). */
export function systemActor(requestId: string, onBehalfOf?: { id: string | null; role: Role | null }): Actor {
  return {
    kind: 'system',
    id: onBehalfOf?.id ?? null,
    role: onBehalfOf?.role ?? null,
    lgaCode: null,
    ip: null,
    requestId,
  };
}

/** What a record exposes to the access rules. */
export interface ScopedRecord {
  /** The LGA the record belongs to (a respondent's LGA; a submission's respondent LGA). */
  lgaCode?: string | null;
  /** The person who made it (a submission's submitter, a job's starter); for a message, its recipient. */
  ownerId?: string | null;
  /** When the record is a person (a staff member targeted or written to): their role. */
  role?: Role | null;
}

/** Roles that read collected data across the state. */
const STATEWIDE_READERS: readonly Role[] = ['super_admin', 'verification_assessor', 'government_official'];

type Rule = (actor: Actor, record: ScopedRecord) => 'allow' | 'forbidden' | 'hidden';

const own = (a: Actor, r: ScopedRecord) => !!a.id && !!r.ownerId && a.id === r.ownerId;
const inLga = (a: Actor, r: ScopedRecord) => !!a.lgaCode && a.lgaCode === r.lgaCode;
const is = (a: Actor, ...roles: Role[]) => !!a.role && roles.includes(a.role);

/**
 * The rules, one per action. `hidden` becomes 404 (out of scope), `forbidden` 403 (never for this role).
 * Read them as a table: who may, and under which scope.
 */
const RULES = {
  /** A submission's status and outcome: its submitter; overseers within their scope. */
  'submission.read': (a, r) =>
    own(a, r) || is(a, 'super_admin', 'verification_assessor') || (is(a, 'supervisor') && inLga(a, r))
      ? 'allow'
      : 'hidden',
  /** Sending the files of a submission's media answers: its submitter only (anyone else: as if missing). */
  'submission.upload': (a, r) => (own(a, r) ? 'allow' : 'hidden'),
  /**
   * The slip of the registration a clerk's paper form made: the clerk who typed it, only (another
   * clerk's form answers like a missing one). Overseers print slips through the respondent instead.
   */
  'submission.slip': (a, r) => (is(a, 'data_entry_clerk') ? (own(a, r) ? 'allow' : 'hidden') : 'forbidden'),
  /** The review list and a submission's answers for review: statewide readers; a supervisor in their LGA. */
  'submission.oversee': (a, r) =>
    is(a, ...STATEWIDE_READERS) || (is(a, 'supervisor') && inLga(a, r))
      ? 'allow'
      : is(a, 'supervisor')
        ? 'hidden'
        : 'forbidden',
  /**
   * Approve, reject or return a submission: super admins and assessors anywhere, a supervisor in their
   * LGA (another LGA's answers exactly like a missing one); officials only read.
   */
  'submission.review': (a, r) =>
    is(a, 'super_admin', 'verification_assessor') || (is(a, 'supervisor') && inLga(a, r))
      ? 'allow'
      : is(a, 'supervisor')
        ? 'hidden'
        : 'forbidden',
  /** A respondent's personal record: statewide readers; a supervisor in their LGA. */
  'respondent.read': (a, r) =>
    is(a, ...STATEWIDE_READERS) || (is(a, 'supervisor') && inLga(a, r))
      ? 'allow'
      : is(a, 'supervisor')
        ? 'hidden'
        : 'forbidden',
  /** A NIN in full (in a record or in a submission's answers); everyone else sees it masked. */
  'nin.full': (a) => (is(a, 'super_admin', 'verification_assessor') ? 'allow' : 'forbidden'),
  /** A NIN's first registration (date and channel): staff only; residents and searchers learn yes/no. */
  'nin.details': (a) => (a.role && a.role !== 'public_user' && a.role !== 'searcher' ? 'allow' : 'forbidden'),
  /** The assessor's decision on a record (verified / rejected): assessors and super admins, statewide. */
  'respondent.verify': (a) => (is(a, 'super_admin', 'verification_assessor') ? 'allow' : 'forbidden'),
  /** The likely-duplicates queue (mark distinct, merge): assessors and super admins, statewide. */
  'respondent.dedupe': (a) => (is(a, 'super_admin', 'verification_assessor') ? 'allow' : 'forbidden'),
  /** The audit log: super admins only. */
  'audit.read': (a) => (is(a, 'super_admin') ? 'allow' : 'forbidden'),
  /** An LGA's team dashboard: its supervisor; super admins for any LGA. */
  'team.read': (a, r) =>
    is(a, 'super_admin') ? 'allow' : is(a, 'supervisor') ? (inLga(a, r) ? 'allow' : 'hidden') : 'forbidden',
  /** An enumerator's targets: their LGA's supervisor; super admins for any enumerator. */
  'target.set': (a, r) =>
    !is(a, 'super_admin', 'supervisor')
      ? 'forbidden'
      : r.role === 'enumerator' && (is(a, 'super_admin') || inLga(a, r))
        ? 'allow'
        : 'hidden',
  /**
   * Writing to a person: a supervisor to an enumerator of their LGA, an enumerator to a supervisor
   * of theirs. Anyone else is refused outright (403), so "who exists" is not learnt either way.
   */
  'message.send': (a, r) =>
    (is(a, 'supervisor') && r.role === 'enumerator' && inLga(a, r)) ||
    (is(a, 'enumerator') && r.role === 'supervisor' && inLga(a, r))
      ? 'allow'
      : 'forbidden',
  /** Marking a message read: its recipient only. */
  'message.read': (a, r) => (own(a, r) ? 'allow' : 'hidden'),
  /** Report figures (counts, never records): statewide readers; a supervisor for their own LGA only. */
  'report.read': (a, r) =>
    is(a, ...STATEWIDE_READERS) || (is(a, 'supervisor') && inLga(a, r))
      ? 'allow'
      : is(a, 'supervisor')
        ? 'hidden'
        : 'forbidden',
  /** A respondent export (records, not counts): statewide readers; a supervisor for their own LGA only. */
  'export.create': (a, r) =>
    is(a, ...STATEWIDE_READERS) || (is(a, 'supervisor') && inLga(a, r))
      ? 'allow'
      : is(a, 'supervisor')
        ? 'hidden'
        : 'forbidden',
  /** An export's file: only the person who asked for it (it holds personal data chosen for them). */
  'export.download': (a, r) => (own(a, r) ? 'allow' : 'forbidden'),
  /** NIN and phone in full in an export: super admins and assessors; everyone else gets them masked. */
  'export.identifiers': (a) => (is(a, 'super_admin', 'verification_assessor') ? 'allow' : 'forbidden'),
  /** A worker's contact in the marketplace: registered searchers only (consent and caps are the service's). */
  'marketplace.reveal': (a) => (is(a, 'searcher') ? 'allow' : 'forbidden'),
  /** The log of every contact reveal: super admins only. */
  'marketplace.reveals': (a) => (is(a, 'super_admin') ? 'allow' : 'forbidden'),
  /** A resident's own registration, consent and reveals: the resident who registered it. */
  'registration.own': (a, r) =>
    is(a, 'public_user') && own(a, r) ? 'allow' : is(a, 'public_user') ? 'hidden' : 'forbidden',
  /** Partner keys (create, rotate, revoke, usage) and secondary-data imports: super admins only. */
  'partner.manage': (a) => (is(a, 'super_admin') ? 'allow' : 'forbidden'),
  'import.manage': (a) => (is(a, 'super_admin') ? 'allow' : 'forbidden'),
  /** Staff ID cards (one, or a filtered list's): the super admin, who manages staff. */
  'staff.card': (a) => (is(a, 'super_admin') ? 'allow' : 'forbidden'),
  /** A background job's progress and report: the person who started it, and super admins. */
  'job.read': (a, r) => (own(a, r) || is(a, 'super_admin') ? 'allow' : 'hidden'),
} satisfies Record<string, Rule>;

export type Action = keyof typeof RULES;

/** May this actor do this to this record? */
export function can(actor: Actor, action: Action, record: ScopedRecord = {}): boolean {
  return actor.kind === 'system' || RULES[action](actor, record) === 'allow';
}

/** The first line of every service method that touches a record: throws 404 (out of scope) or 403. */
export function requireAccess(actor: Actor, action: Action, record: ScopedRecord | undefined): void {
  if (actor.kind === 'system') return;
  if (!record) throw NotFound();
  const verdict = RULES[action](actor, record);
  if (verdict === 'hidden') throw NotFound();
  if (verdict === 'forbidden') throw Forbidden('FORBIDDEN');
}

/**
 * The scope a list query must apply for this actor: `all`, one LGA, only their own records, or none.
 * Lists filter on indexed scope columns with it instead of loading and checking rows one by one.
 */
export type Scope =
  { kind: 'all' } | { kind: 'lga'; lgaCode: string } | { kind: 'own'; userId: string } | { kind: 'none' };

export function scopeOf(
  actor: Actor,
  action: 'submission.read' | 'submission.oversee' | 'respondent.read' | 'report.read' | 'export.create',
): Scope {
  if (actor.kind === 'system') return { kind: 'all' };
  if (
    action === 'submission.read' ? is(actor, 'super_admin', 'verification_assessor') : is(actor, ...STATEWIDE_READERS)
  )
    return { kind: 'all' };
  if (is(actor, 'supervisor')) return actor.lgaCode ? { kind: 'lga', lgaCode: actor.lgaCode } : { kind: 'none' };
  if (action === 'submission.read' && actor.id) return { kind: 'own', userId: actor.id };
  // Overseeing is never "your own": collectors do not review their own work.
  return { kind: 'none' };
}

// --- partner keys --------------------------------------------------------------------------------

/** A partner key acting: what it may read and where. Only `requirePartner` and `partnerLgas` read it. */
export function partnerActor(
  keyId: string,
  grant: { scopes: readonly PartnerScope[]; lgas: readonly string[] | null },
  ip: string | null,
  requestId: string | null,
): Actor {
  return { kind: 'partner', id: keyId, role: null, lgaCode: null, ip, requestId, partner: grant };
}

/**
 * The first line of every partner read: the key holds `scope` (403 PARTNER_SCOPE_MISSING) and, when
 * the caller names an LGA, the key covers it (403 PARTNER_LGA_OUT_OF_SCOPE). Anyone but a partner
 * key is refused: partner endpoints are not a side door for staff either.
 */
export function requirePartner(actor: Actor, scope: PartnerScope, lgaCode?: string | null): void {
  const grant = actor.kind === 'partner' ? actor.partner : undefined;
  if (!grant) throw Forbidden('FORBIDDEN', 'Partner endpoints take a partner key');
  if (!grant.scopes.includes(scope)) throw Forbidden('PARTNER_SCOPE_MISSING', `This key lacks the ${scope} scope`);
  if (lgaCode && grant.lgas && !grant.lgas.includes(lgaCode))
    throw Forbidden('PARTNER_LGA_OUT_OF_SCOPE', `This key may not read the LGA ${lgaCode}`);
}

/** May this partner key see this extra field (`respondents:nin`, `respondents:phone`)? */
export function partnerMay(actor: Actor, scope: PartnerScope): boolean {
  return actor.kind === 'partner' && !!actor.partner?.scopes.includes(scope);
}

/** The LGAs a partner list must filter to: the one asked for (already checked), else the key's; null = all. */
export function partnerLgas(actor: Actor, asked?: string | null): readonly string[] | null {
  if (asked) return [asked];
  return actor.partner?.lgas ?? null;
}
