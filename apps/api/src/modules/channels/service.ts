import { createHash, timingSafeEqual } from 'node:crypto';
import { SKILLS, normalizePhone, type SubmissionBody } from '@oslrs/core';
import type { Actor } from '../../access/index.js';
import type { Db, Executor } from '../../infra/db.js';
import type { KeyValueStore } from '../../infra/kv.js';
import type { PiiCipher } from '../../infra/pii.js';
import { recentSms, type SmsSender, type SmsTransport } from '../../infra/sms.js';
import { DomainError, Unauthorized } from '../../errors.js';
import { recordAudit } from '../audit/index.js';
import type { QuestionnaireService } from '../questionnaires/index.js';
import type { SettledEvent, SubmissionService } from '../submissions/index.js';
import { fresh, render, step, type Machine } from './flow.js';
import { textsFor, type Lang, type Texts } from './texts.js';

/** A timed-out session resumes when the same phone dials again within this. */
export const RESUME_MS = 30 * 60_000;
/** How long a retried request is answered from the first reply. */
const REPLY_TTL_MS = 60 * 60_000;
/** No real session sends more than this (a register flow is ~20 answers, with backs and pages ~60). */
const MAX_TEXT = 1000;
const MAX_INPUTS = 120;
/** The confirm screen waits this long for ingestion before saying "we will SMS your reference". */
const CONFIRM_WAIT_MS = 4000;
const NIN_CAPTURE_TTL_MS = 30 * 24 * 3600_000;
const NIN_TAKEN = new Set(['NIN_DUPLICATE', 'NIN_DUPLICATE_STAFF', 'NIN_UNAVAILABLE']);

const texts = (lang: Lang): Texts => textsFor(lang);
const sha = (s: string) => createHash('sha256').update(s).digest('base64url');

/**
 * The reference for a submission with no record behind it (not ingested yet, or refused): the first 8
 * characters of the submission id (random: the USSD channel derives it from a hash of the session id).
 * A registered person is told their record's short reference (`OY-7K3-9QX`) instead.
 */
export function registrationReference(submissionId: string): string {
  return submissionId.replace(/-/g, '').slice(0, 8).toUpperCase();
}

/** A UUID (v4 layout) from a hash: the same gateway session always submits under the same id. */
function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface UssdRequest {
  sessionId: string;
  phoneNumber: string;
  text: string;
  serviceCode?: string;
  networkCode?: string;
}

interface SessionRecord {
  phoneHash: string;
  /** The machine the session started from (fresh, or a resumed one), sealed: it may hold a NIN. */
  base: string;
  startedAt: string;
}

export interface ChannelOptions {
  secret: string | undefined;
  allowedIps: string[];
  phonePerMinute: number;
  publicUrl: string;
}

/**
 * The feature-phone channel: the gateway's USSD callback (a state machine replayed from the session's
 * inputs, flow.ts), its session state in the shared store (Redis), and the SMS a completed session
 * earns — written to the SMS outbox in the transaction that settles the submission.
 */
export class ChannelService {
  constructor(
    private readonly db: Db,
    private readonly kv: KeyValueStore,
    private readonly pii: PiiCipher,
    private readonly submissions: SubmissionService,
    private readonly questionnaires: Pick<QuestionnaireService, 'publicVersionId'>,
    private readonly sms: SmsSender,
    private readonly smsTransport: SmsTransport,
    private readonly o: ChannelOptions,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get enabled(): boolean {
    return !!this.o.secret;
  }

  /** The gateway's credentials: the URL's secret (constant time) and, when configured, its address. */
  authenticateGateway(secret: unknown, ip: string) {
    if (!this.o.secret) throw new DomainError('CHANNEL_OFF');
    // Digests of equal length: the comparison's time says nothing about the secret or its length.
    const digest = (v: string) => createHash('sha256').update(v).digest();
    const same = timingSafeEqual(digest(typeof secret === 'string' ? secret : ''), digest(this.o.secret));
    if (!same) throw Unauthorized('GATEWAY_SECRET_INVALID');
    if (this.o.allowedIps.length && !this.o.allowedIps.includes(ip))
      throw Unauthorized('GATEWAY_SECRET_INVALID', 'This address may not call the USSD callback');
  }

  /** One gateway request: the reply text, beginning `CON ` or `END `. */
  async handle(req: UssdRequest): Promise<string> {
    const phone = normalizePhone(req.phoneNumber);
    if (!phone) return `END ${texts('en')('ussd.end.phone')}`;
    const phoneHash = this.pii.blindIndex(phone, 'phone');
    const replyKey = `ussd:r:${sha(req.sessionId)}:${sha(req.text)}`;
    const cached = await this.kv.get(replyKey);
    if (cached !== null) return cached;

    const { count } = await this.kv.incr(`ussd:rl:${phoneHash}`, 60_000);
    if (count > this.o.phonePerMinute) return `END ${texts('en')('ussd.end.busy')}`;

    const reply = await this.answer(req, phone, phoneHash);
    await this.kv.set(replyKey, reply, REPLY_TTL_MS);
    return reply;
  }

  private async answer(req: UssdRequest, phone: string, phoneHash: string): Promise<string> {
    const inputs = req.text === '' ? [] : req.text.split('*');
    if (req.text.length > MAX_TEXT || inputs.length > MAX_INPUTS) return `END ${texts('en')('ussd.end.tooLong')}`;
    const sessionKey = `ussd:s:${sha(req.sessionId)}`;
    const phoneKey = `ussd:p:${phoneHash}`;
    let session = await this.readSession(sessionKey);
    if (!session) {
      // A session the gateway opened elsewhere (or long ago): its answers are not ours to guess.
      if (inputs.length) return `END ${texts('en')('ussd.end.session')}`;
      const saved = await this.kv.get(phoneKey);
      const base: Machine = saved ? { ...this.unseal(saved), resumed: true, error: undefined } : fresh();
      session = { phoneHash, base: this.seal(base), startedAt: this.now().toISOString() };
      await this.kv.set(sessionKey, JSON.stringify(session), RESUME_MS);
    }
    if (session.phoneHash !== phoneHash) return `END ${texts('en')('ussd.end.session')}`;

    const today = this.now();
    let machine = this.unseal(session.base);
    for (const input of inputs) machine = step(machine, input, texts, today);
    const frame = machine.stack[machine.stack.length - 1]!;
    const lang = frame.draft.lang ?? 'en';
    const t = texts(lang);

    if (machine.outcome === 'check') return `END ${await this.check(phone, t)}`;
    if (machine.outcome === 'submit') {
      const text = await this.submit(req.sessionId, session, machine, phone, lang);
      await this.kv.del([phoneKey]);
      return `END ${text}`;
    }
    // Past the menu, the session's place is kept for the phone, for a resume within 30 minutes.
    if (machine.stack.length > 2) await this.kv.set(phoneKey, this.seal(machine), RESUME_MS);
    return `CON ${render(machine, texts)}`;
  }

  private async readSession(key: string): Promise<SessionRecord | null> {
    const raw = await this.kv.get(key);
    return raw ? (JSON.parse(raw) as SessionRecord) : null;
  }
  private seal(m: Machine): string {
    return this.pii.seal(JSON.stringify({ stack: m.stack, resumed: m.resumed }), 'answers');
  }
  private unseal(sealed: string): Machine {
    return JSON.parse(this.pii.open(sealed, 'answers')) as Machine;
  }

  /** "Check my registration": this phone's newest registration, its status and reference only. */
  private async check(phone: string, t: Texts): Promise<string> {
    const found = await this.submissions.registrationByPhone(phone);
    if (!found) return t('ussd.status.none');
    const ref = found.reference ?? registrationReference(found.id);
    if (found.status === 'rejected' && found.error && NIN_TAKEN.has(found.error.code))
      return `${t('ussd.status.found', { ref, status: 'rejected' })} ${t('ussd.done.ninUnavailable')}`;
    const status =
      found.status === 'ingested'
        ? found.ninDeferred
          ? 'ninNeeded'
          : 'registered'
        : found.status === 'rejected'
          ? 'rejected'
          : 'received';
    return t('ussd.status.found', { ref, status });
  }

  /** The completed session as a raw submission of the public questionnaire, through the one intake. */
  private async submit(
    sessionId: string,
    session: SessionRecord,
    machine: Machine,
    phone: string,
    lang: Lang,
  ): Promise<string> {
    const t = texts(lang);
    const versionId = await this.questionnaires.publicVersionId();
    if (!versionId) return t('ussd.end.closed');
    const d = machine.stack[machine.stack.length - 1]!.draft;
    const answers: SubmissionBody['answers'] = {
      consent_basic: 'yes',
      surname: d.surname!,
      firstname: d.firstname!,
      gender: d.gender!,
      dob: d.dob!,
      // The public form asks a Nigerian mobile in its national form (0…); the network gave +234….
      phone_number: `0${phone.slice(4)}`,
      lga_id: d.lga!,
      main_occupation: SKILLS.find((s) => s.slug === d.skill)?.label ?? d.skill!,
      employment_type: d.employment!,
      years_experience: d.years!,
      skills_possessed: [d.skill!],
      consent_marketplace: d.consentMarketplace ? 'yes' : 'no',
      ...(d.consentMarketplace ? { consent_enriched: d.consentEnriched ? 'yes' : 'no' } : {}),
      ...(d.nin ? { nin: d.nin } : {}),
    };
    const id = uuidFrom(`ussd:${sessionId}:${session.startedAt}`);
    const completedAt = this.now();
    const body: SubmissionBody = {
      id,
      questionnaireVersionId: versionId,
      answers,
      startedAt: session.startedAt,
      completedAt: (completedAt < new Date(session.startedAt)
        ? new Date(session.startedAt)
        : completedAt
      ).toISOString(),
      ...(d.nin ? {} : { ninDeferred: true }),
    } as SubmissionBody;
    // The SMS that follows ingestion speaks the session's language.
    await this.kv.set(`ussd:lang:${id}`, lang, 7 * 24 * 3600_000).catch(() => {});
    let view;
    try {
      view = await this.submissions.receiveFromGateway('ussd', body);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      // A retry racing the first (its completedAt differs): the first one stands.
      if (err.code === 'SUBMISSION_CONFLICT') view = await this.submissions.statusOfGateway(id);
      else return t('ussd.done.failed');
    }
    // The worker usually ingests within moments: wait a little for the outcome, else promise the SMS.
    const until = Date.now() + CONFIRM_WAIT_MS;
    while (view && view.status === 'received' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      view = await this.submissions.statusOfGateway(id);
    }
    if (!view) return t('ussd.done.failed');
    if (view.status === 'ingested')
      return t('ussd.done.registered', { ref: view.reference ?? registrationReference(id) });
    if (view.status === 'rejected')
      return view.error && NIN_TAKEN.has(view.error.code) ? t('ussd.done.ninUnavailable') : t('ussd.done.failed');
    return t('ussd.done.received');
  }

  /**
   * Ingestion settled one of this channel's submissions (inside its transaction): the SMS it earns,
   * into the outbox — the reference, the NIN-completion link when the NIN was deferred, or the same
   * neutral answer as the web when the NIN cannot be registered.
   */
  async settled(tx: Executor, event: SettledEvent): Promise<void> {
    if (!event.phone) return;
    const lang = ((await this.kv.get(`ussd:lang:${event.submission.id}`).catch(() => null)) ?? 'en') as Lang;
    const t = texts(lang === 'yo' ? 'yo' : 'en');
    if (event.status === 'ingested') {
      const ref =
        (event.respondentId && (await this.submissions.referenceOf(tx, event.respondentId))) ||
        registrationReference(event.submission.id);
      await this.sms.send({ to: event.phone, text: t('sms.registered', { ref }) }, tx);
      if (event.ninCaptureToken) {
        const link = `${this.o.publicUrl}/register/complete-nin?token=${encodeURIComponent(event.ninCaptureToken)}`;
        await this.sms.send(
          { to: event.phone, text: t('sms.ninPrompt', { link }), expiresAt: new Date(Date.now() + NIN_CAPTURE_TTL_MS) },
          tx,
        );
      }
    } else if (event.code && NIN_TAKEN.has(event.code)) {
      await this.sms.send({ to: event.phone, text: t('sms.ninUnavailable') }, tx);
    }
  }

  /** The simulator's view of the SMS outbox (super admin; every view of it is audited). */
  async outbox(actor: Actor, phone?: string) {
    if (!this.enabled) throw new DomainError('CHANNEL_OFF');
    const to = phone ? (normalizePhone(phone) ?? phone) : undefined;
    const rows = await recentSms(this.db, this.pii, to, 20);
    await recordAudit(this.db, actor, {
      action: 'sms.outbox_viewed',
      targetType: 'sms_outbox',
      targetId: to ? this.pii.blindIndex(to, 'phone') : null,
      after: { messages: rows.length },
    });
    return {
      transport: this.smsTransport.name,
      messages: rows.map((r) => ({
        id: r.id,
        to: r.to,
        text: r.body,
        createdAt: r.createdAt.toISOString(),
        sentAt: r.sentAt?.toISOString() ?? null,
        transport: r.transport,
        lastError: r.lastError,
      })),
    };
  }
}
