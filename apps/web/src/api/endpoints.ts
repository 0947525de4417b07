import type {
  AuditPage,
  AuditQuery,
  DuplicatesPage,
  RespondentDetail,
  RespondentListPage,
  RespondentListQuery,
  ResolveDuplicateBody,
  ResolveDuplicateResponse,
  VerificationBody,
  VerificationQueuePage,
  VerificationResponse,
  ReviewBody,
  ReviewDetail,
  ReviewItem,
  ReviewListPage,
  ReviewListQuery,
  FraudSettingsResponse,
  FraudThresholds,
  InviteStaffInput,
  Job,
  MailDelivery,
  ResendInvitationsResponse,
  ListStaffParams,
  PublishedForm,
  Questionnaire,
  QuestionnaireSummary,
  QuestionnaireUsage,
  SessionResponse,
  SessionUser,
  Staff,
  Locale,
  MeResponse,
  StaffPage,
  StaffSummary,
  UpdateStaffInput,
  XlsFormImportResponse,
  XlsFormIssue,
} from '@oslrs/core';
import type { FieldError, FormSchema } from '../forms/engine';
import { api, apiFile, apiUrl } from './client';

// Typed wrappers for the endpoints the web app calls. Shapes come from @oslrs/core's DTOs.

export const auth = {
  me: () => api<SessionResponse>('/auth/me'),
  /** The session, or `{ user: null }` when no one is signed in (200 either way). */
  session: () => api<MeResponse>('/auth/session'),
  /** Remember the signed-in person's UI language on their account. */
  setLocale: (locale: Locale) => api<{ user: SessionUser }>('/auth/me/locale', { method: 'PUT', body: { locale } }),
  login: (email: string, password: string) =>
    api<SessionResponse>('/auth/login', { method: 'POST', body: { email, password } }),
  logout: () => api<void>('/auth/logout', { method: 'POST' }),
  activate: (token: string, password: string) =>
    api<SessionResponse>('/auth/activate', { method: 'POST', body: { token, password } }),
  changePassword: (currentPassword: string, newPassword: string) =>
    api<void>('/auth/password', { method: 'POST', body: { currentPassword, newPassword } }),
  /** Always 202 with the same message, whether or not the email has an account. */
  requestPasswordReset: (email: string) =>
    api<{ message: string }>('/auth/password-reset', { method: 'POST', body: { email } }),
  confirmPasswordReset: (token: string, password: string) =>
    api<void>('/auth/password-reset/confirm', { method: 'POST', body: { token, password } }),
  /** A resident's emailed link: sets the password and signs in. */
  confirmRegistration: (token: string, password: string) =>
    api<SessionResponse>('/auth/register/confirm', { method: 'POST', body: { token, password } }),
};

// Request and response shapes are inferred from @oslrs/core's zod schemas (the ones the API validates with).
export type StaffListParams = ListStaffParams & { page: number; pageSize: number };
export type { InviteStaffInput, UpdateStaffInput, XlsFormIssue, PublishedForm };

export const staff = {
  list: (params: StaffListParams, signal?: AbortSignal) => api<StaffPage>('/staff', { query: { ...params }, signal }),
  summary: (signal?: AbortSignal) => api<StaffSummary>('/staff/summary', { signal }),
  get: (id: string, signal?: AbortSignal) => api<{ staff: Staff }>(`/staff/${encodeURIComponent(id)}`, { signal }),
  invite: (input: InviteStaffInput) =>
    api<{ staff: Staff; activationUrl: string; mail: MailDelivery }>('/staff', { method: 'POST', body: input }),
  update: (id: string, input: UpdateStaffInput) =>
    api<{ staff: Staff }>(`/staff/${encodeURIComponent(id)}`, { method: 'PATCH', body: input }),
  newInvitation: (id: string) =>
    api<{ activationUrl: string; mail: MailDelivery }>(`/staff/${encodeURIComponent(id)}/invitation`, {
      method: 'POST',
    }),
  /** New links mailed to everyone of a finished import not yet activated (their old links stop working). */
  resendImportInvitations: (jobId: string) =>
    api<ResendInvitationsResponse>(`/staff/import/${encodeURIComponent(jobId)}/invitations`, { method: 'POST' }),
  /** A CSV of new activation links for everyone of a finished import not yet activated (no mail is sent). */
  importActivationLinks: (jobId: string) =>
    apiFile(`/staff/import/${encodeURIComponent(jobId)}/activation-links`, { method: 'POST' }),
  import: (file: File) => {
    const form = new FormData();
    form.append('file', file);
    return api<{ job: Job }>('/staff/import', { method: 'POST', body: form });
  },
};

export const jobs = {
  get: (id: string, signal?: AbortSignal) => api<{ job: Job }>(`/jobs/${encodeURIComponent(id)}`, { signal }),
  errorReportUrl: (id: string) => `/api/v1/jobs/${encodeURIComponent(id)}/errors.csv`,
};

export type { Questionnaire, QuestionnaireSummary };
export type QuestionnaireStatus = QuestionnaireSummary['status'];

/** Which questionnaire staff (enumerators, clerks) and the public wizard use. */
export type QuestionnaireSettings = QuestionnaireUsage;

const questionnairePath = (id: string) => `/questionnaires/${encodeURIComponent(id)}`;

export const questionnaires = {
  list: (signal?: AbortSignal) => api<{ items: QuestionnaireSummary[] }>('/questionnaires', { signal }),
  get: (id: string, signal?: AbortSignal) => api<{ questionnaire: Questionnaire }>(questionnairePath(id), { signal }),
  create: (form: FormSchema) =>
    api<{ questionnaire: Questionnaire; issues: FieldError[] }>('/questionnaires', { method: 'POST', body: { form } }),
  /** Saves work in progress; problems the engine finds come back as `issues` (the draft is saved anyway). */
  saveDraft: (id: string, form: FormSchema) =>
    api<{ questionnaire: Questionnaire; issues: FieldError[] }>(`${questionnairePath(id)}/draft`, {
      method: 'PUT',
      body: { form },
    }),
  publish: (id: string) =>
    api<{ version: { version: number; publishedAt: string } }>(`${questionnairePath(id)}/publish`, {
      method: 'POST',
    }),
  archive: (id: string) =>
    api<{ questionnaire: Questionnaire }>(`${questionnairePath(id)}/archive`, { method: 'POST' }),
  import: (file: File) => {
    const form = new FormData();
    form.append('file', file);
    // 201 for a new questionnaire; 200 when the file's form_id matched one and replaced its draft.
    return api<XlsFormImportResponse>('/questionnaires/import', { method: 'POST', body: form });
  },
  /** The .xlsx download of a published version (or of the draft when no version is given). */
  exportUrl: (id: string, version?: number | null) => apiUrl(`${questionnairePath(id)}/export`, { version }),
  settings: (signal?: AbortSignal) => api<{ settings: QuestionnaireSettings }>('/settings/questionnaires', { signal }),
  saveSettings: (settings: QuestionnaireSettings) =>
    api<{ settings: QuestionnaireSettings }>('/settings/questionnaires', { method: 'PUT', body: settings }),
};

export type ReviewListParams = Partial<Omit<ReviewListQuery, 'limit'>> & { limit?: number };
/** The overseers' review of collected submissions. */
export const review = {
  list: (params: ReviewListParams, signal?: AbortSignal) =>
    api<ReviewListPage>('/submissions/review', { query: { ...params }, signal }),
  detail: (id: string, signal?: AbortSignal) =>
    api<{ submission: ReviewDetail }>(`/submissions/${encodeURIComponent(id)}/review`, { signal }),
  decide: (id: string, body: ReviewBody) =>
    api<{ submission: ReviewItem; changed: boolean }>(`/submissions/${encodeURIComponent(id)}/review`, {
      method: 'POST',
      body,
    }),
};

export const forms = {
  /** The latest published version, or the one asked for. */
  schema: (questionnaireId: string, version?: number, signal?: AbortSignal) =>
    api<PublishedForm>(`/forms/${encodeURIComponent(questionnaireId)}/schema`, { query: { version }, signal }),
};

/** The fraud thresholds in force; each save is a new version (old scores keep theirs). */
export type FraudSettings = FraudSettingsResponse;

export const fraudSettings = {
  get: (signal?: AbortSignal) => api<FraudSettings>('/settings/fraud', { signal }),
  /** The full thresholds object; the answer is the new version. */
  save: (thresholds: FraudThresholds) => api<FraudSettings>('/settings/fraud', { method: 'PUT', body: thresholds }),
};

// --- oversight: the registry, the assessor's queues, the audit log ---------------------------------

export type { RespondentListQuery, AuditQuery };
/** Query parameters as the client sends them (undefined and empty values are left out there). */
const clean = (o: object) => o as Record<string, string | number | undefined>;

export const registry = {
  list: (params: RespondentListQuery, signal?: AbortSignal) =>
    api<RespondentListPage>('/respondents', { query: clean(params), signal }),
  get: (id: string, signal?: AbortSignal) =>
    api<{ respondent: RespondentDetail }>(`/respondents/${encodeURIComponent(id)}`, { signal }),
  queue: (cursor: string | undefined, signal?: AbortSignal) =>
    api<VerificationQueuePage>('/verification/queue', { query: clean({ cursor }), signal }),
  decide: (id: string, body: VerificationBody) =>
    api<VerificationResponse>(`/respondents/${encodeURIComponent(id)}/verification`, { method: 'POST', body }),
  duplicates: (cursor: string | undefined, signal?: AbortSignal) =>
    api<DuplicatesPage>('/respondents/duplicates', { query: clean({ cursor }), signal }),
  resolve: (id: string, body: ResolveDuplicateBody) =>
    api<ResolveDuplicateResponse>(`/respondents/duplicates/${encodeURIComponent(id)}/resolve`, {
      method: 'POST',
      body,
    }),
};

export const auditLog = {
  page: (params: AuditQuery, signal?: AbortSignal) => api<AuditPage>('/audit', { query: clean(params), signal }),
};

export const queryKeys = {
  me: ['auth', 'me'] as const,
  reviewList: (params: ReviewListParams) => ['review', 'list', params] as const,
  reviewDetail: (id: string) => ['review', 'detail', id] as const,
  staffList: (params: StaffListParams) => ['staff', 'list', params] as const,
  staff: (id: string) => ['staff', 'detail', id] as const,
  staffAll: ['staff'] as const,
  registryList: (params: RespondentListQuery) => ['registry', 'list', params] as const,
  respondent: (id: string) => ['registry', 'detail', id] as const,
  registryAll: ['registry'] as const,
  verificationQueueAll: ['registry', 'queue'] as const,
  verificationQueue: (cursor: string | undefined) => ['registry', 'queue', cursor ?? ''] as const,
  duplicates: (cursor: string | undefined) => ['registry', 'duplicates', cursor ?? ''] as const,
  audit: (params: AuditQuery) => ['audit', params] as const,
  job: (id: string) => ['jobs', id] as const,
  questionnaireAll: ['questionnaires'] as const,
  questionnaireList: ['questionnaires', 'list'] as const,
  questionnaire: (id: string) => ['questionnaires', 'detail', id] as const,
  questionnaireSettings: ['settings', 'questionnaires'] as const,
  fraudSettings: ['settings', 'fraud'] as const,
  formSchema: (id: string, version: number | undefined) => ['forms', id, 'schema', version ?? 'latest'] as const,
};
