/**
 * What the public wizard and the clerk page share: the calls that collect a registration (submit,
 * status, NIN pre-check, deferred-NIN completion) and the words for what comes back.
 */
import {
  isWellFormedNin,
  normalizeNin,
  type AcceptedResponse,
  type SubmissionErrorView,
  type SubmissionStatusView,
} from '@oslrs/core';
import { api, ApiError, errorMessage } from '../../api/client';
import type { QuestionnaireSettings } from '../../api/endpoints';
import type { Answers, FormSchema, Question } from '../../forms/engine';
import { answerQuestions } from '../../forms/level';
import { getMedia, mediaNames, uploadFile } from '../../offline/media';
import { formatDate } from '../../lib/format';
import { t } from '../../i18n';

export interface SubmissionBody {
  id: string;
  questionnaireVersionId: string;
  answers: Answers;
  startedAt: string;
  completedAt: string;
  deviceId?: string;
  ninDeferred?: boolean;
}

export interface NinCheckResult {
  valid: boolean;
  available: boolean;
  /** Staff only: when and through which channel the NIN was first registered. */
  firstRegisteredAt?: string;
  source?: string;
}

export interface RegisterInput {
  fullName: string;
  email: string;
  phone: string;
}

export const collection = {
  /** Always 202 with the same message (a taken email is told by email, not here). */
  register: (input: RegisterInput) => api<AcceptedResponse>('/auth/register', { method: 'POST', body: input }),
  formSettings: (signal?: AbortSignal) => api<{ settings: QuestionnaireSettings }>('/forms', { signal }),
  /**
   * Sends a registration; with the form, its photos and files too (kept on the device by MediaInput):
   * listed in the body, then uploaded, and the registry counts it received once it has every one.
   * Sending again (Retry) is harmless: the same id, and each file resumes where the registry stands.
   */
  submit: async (body: SubmissionBody, form?: FormSchema): Promise<SubmissionStatusView> => {
    const names = form ? mediaNames(form, body.answers) : [];
    if (!names.length) return api<SubmissionStatusView>('/submissions', { method: 'POST', body });
    const files = await Promise.all(
      names.map(async (name) => {
        const file = await getMedia(name);
        if (!file) throw new Error(`The file ${name} is no longer on this device: take or choose it again`);
        return file;
      }),
    );
    const attachments = files.map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 }));
    let status = await api<SubmissionStatusView>('/submissions', { method: 'POST', body: { ...body, attachments } });
    for (const file of files) status = await uploadFile(body.id, file);
    return status;
  },
  status: (id: string, signal?: AbortSignal) =>
    api<SubmissionStatusView>(`/submissions/${encodeURIComponent(id)}`, { signal }),
  checkNin: (nin: string) => api<NinCheckResult>('/forms/check-nin', { method: 'POST', body: { nin } }),
  completeNin: (token: string, nin: string) =>
    api<{ respondent: { id: string; status: string } }>('/respondents/complete-nin', {
      method: 'POST',
      body: { token, nin },
    }),
};

/** A random (version 4) UUID; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newUuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The question that holds the NIN: the form's own mapping, the standard name, or the first NIN-type question. */
export function ninQuestionName(form: FormSchema): string | null {
  const all = answerQuestions(form);
  const mapped = form.fieldMap?.nin ?? 'nin';
  if (all.some((q) => q.name === mapped)) return mapped;
  return all.find((q) => q.type === 'nin')?.name ?? null;
}

/** The question a registry field comes from, when the form has it. */
export function fieldQuestion(
  form: FormSchema,
  field: 'email' | 'phone_number' | 'surname' | 'firstname',
): string | null {
  const name = form.fieldMap?.[field] ?? field;
  return answerQuestions(form).some((q) => q.name === name) ? name : null;
}

export function findQuestion(form: FormSchema, name: string): Question | undefined {
  return answerQuestions(form).find((q) => q.name === name);
}

/** Why a NIN typed in cannot be sent, or null when its shape is right. */
export function ninProblem(raw: string): string | null {
  if (!raw.trim()) return null;
  const nin = normalizeNin(raw);
  if (!/^\d+$/.test(nin)) return t('register.nin.digitsOnly');
  if (nin.length !== 11) return t('register.nin.length', { count: nin.length });
  if (!isWellFormedNin(nin)) return t('register.nin.repeated');
  return null;
}

const CHANNEL_NAMES: Record<string, string> = {
  public: 'register.channel.public',
  enumerator: 'register.channel.enumerator',
  clerk: 'register.channel.clerk',
  import: 'register.channel.import',
  staff: 'register.channel.staff',
};

export function channelName(source: string | undefined): string {
  const id = source ? CHANNEL_NAMES[source] : undefined;
  return id ? t(id) : source || t('register.channel.other');
}

export type { SubmissionErrorView };

/** When a rejected NIN_DUPLICATE was first registered, and how. */
export function duplicateDetails(error: SubmissionErrorView | undefined): { date?: string; source?: string } {
  const d = error?.details as { firstRegisteredAt?: unknown; source?: unknown } | undefined;
  return {
    date: typeof d?.firstRegisteredAt === 'string' ? d.firstRegisteredAt : undefined,
    source: typeof d?.source === 'string' ? d.source : undefined,
  };
}

/** A rejection in words. Staff see the channel of the first registration; the public see only the date. */
export function rejectionText(error: SubmissionErrorView | undefined, staff: boolean): string {
  if (!error) return t('register.reject.generic');
  switch (error.code) {
    case 'NIN_DUPLICATE': {
      const { date, source } = duplicateDetails(error);
      if (staff && source)
        return date
          ? t('register.reject.duplicateStaffOn', { date: formatDate(date), channel: channelName(source) })
          : t('register.reject.duplicateStaff', { channel: channelName(source) });
      return date ? t('register.reject.duplicateOn', { date: formatDate(date) }) : t('register.reject.duplicate');
    }
    case 'NIN_DUPLICATE_STAFF':
      return t('register.reject.staffNin');
    case 'NIN_UNAVAILABLE':
      return t('register.reject.unavailable');
    case 'NIN_INVALID':
      return t('register.reject.ninInvalid');
    case 'NIN_REQUIRED':
      return t('register.reject.ninRequired');
    case 'LGA_UNKNOWN':
      return t('register.reject.lga');
    default:
      return error.message || error.code;
  }
}

/** Answer errors sent back by the API (422 ANSWERS_INVALID). */
export function answerErrors(error: unknown): { field: string; code: string; message: string }[] {
  if (!(error instanceof ApiError) || error.code !== 'ANSWERS_INVALID') return [];
  const list = (error.details as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(list)) return [];
  return list.flatMap((e) => {
    if (!e || typeof e !== 'object') return [];
    const { field, code, message } = e as Record<string, unknown>;
    return typeof field === 'string'
      ? [{ field, code: typeof code === 'string' ? code : '', message: typeof message === 'string' ? message : '' }]
      : [];
  });
}

/** A failed submit in a sentence. */
export function submitErrorText(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  switch (error.code) {
    case 'NIN_INVALID':
      return t('register.submit.ninInvalid');
    case 'ANSWERS_INVALID':
      return t('register.submit.answersInvalid');
    case 'VERSION_ARCHIVED':
      return t('register.submit.archived');
    case 'VERSION_UNKNOWN':
      return t('register.submit.unknownVersion');
    case 'SUBMISSION_CONFLICT':
      return t('register.submit.conflict');
    case 'ALREADY_REGISTERED':
      return t('register.submit.already');
    case 'PUBLIC_FORM_ONLY':
      return t('register.submit.publicOnly');
    default:
      if (error.status === 401) return t('register.submit.sessionEnded');
      if (error.status === 429) return t('register.submit.tooMany');
      return error.message;
  }
}
