/**
 * Field work on the device: questionnaire versions, drafts, the outbox and receipts. Every write
 * that matters (a survey moving to the outbox, a result from the registry) is one transaction, so
 * a crash or a closed tab never leaves a survey in two places or in none.
 */
import type { SubmissionBody, SubmissionStatusView } from '@oslrs/core';
import type { Answers, FormSchema } from '../forms/engine';
import { deviceId } from '../forms/answers';
import { done, get, getAll, getMeta, put, remove, setMeta, transact } from './db';
import { t } from '../i18n';
import { fieldDataChanged } from './events';
import { declarations, dropMedia, mediaNames } from './media';
import type {
  Assignment,
  BatchResult,
  CorrectionList,
  Draft,
  OutboxItem,
  Receipt,
  RecentList,
  ReturnedSurvey,
  StoredForm,
  SubmissionError,
} from './types';

/** A refused survey is tried this many times before it waits for the enumerator. */
export const MAX_ATTEMPTS = 3;
/** Receipts kept per person (newest first); the registry keeps the real record. */
const MAX_RECEIPTS = 500;

// ---- questionnaires ----

export async function saveForm(form: Omit<StoredForm, 'savedAt'>): Promise<StoredForm> {
  const stored: StoredForm = { ...form, savedAt: new Date().toISOString() };
  await put('forms', stored);
  return stored;
}

export function getForm(versionId: string): Promise<StoredForm | undefined> {
  return get<StoredForm>('forms', versionId);
}

export function saveAssignment(assignment: Assignment): Promise<void> {
  return setMeta('assignment', assignment);
}

export function getAssignment(): Promise<Assignment | undefined> {
  return getMeta<Assignment>('assignment');
}

/** Versions no draft or outbox item needs any more, except the assigned one. */
export async function pruneForms(keepVersionId: string | null): Promise<void> {
  await transact(['forms', 'drafts', 'outbox'], 'readwrite', async (s) => {
    const [forms, drafts, outbox] = await Promise.all([
      done(s.forms.getAll() as IDBRequest<StoredForm[]>),
      done(s.drafts.getAll() as IDBRequest<Draft[]>),
      done(s.outbox.getAll() as IDBRequest<OutboxItem[]>),
    ]);
    const needed = new Set<string>([
      ...drafts.map((d) => d.questionnaireVersionId),
      ...outbox.map((o) => o.body.questionnaireVersionId),
    ]);
    if (keepVersionId) needed.add(keepVersionId);
    await Promise.all(forms.filter((f) => !needed.has(f.versionId)).map((f) => done(s.forms.delete(f.versionId))));
  });
}

// ---- who was surveyed (shown on this device only) ----

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** "Surname Firstname" from the answers, using the form's own field names when it maps them. */
export function respondentSummary(form: FormSchema, answers: Answers): string {
  const surname = text(answers[form.fieldMap?.surname ?? 'surname']);
  const firstname = text(answers[form.fieldMap?.firstname ?? 'firstname']);
  return [surname, firstname].filter(Boolean).join(' ');
}

// ---- drafts ----

export function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Plain http on a LAN address has no randomUUID: a v4 UUID from getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function createDraft(userId: string, stored: StoredForm): Promise<Draft> {
  const now = new Date().toISOString();
  const draft: Draft = {
    id: newId(),
    userId,
    questionnaireId: stored.questionnaireId,
    questionnaireVersionId: stored.versionId,
    formTitle: stored.form.title,
    version: stored.version,
    answers: {},
    position: { index: 0 },
    at: { number: 1, label: '' },
    stage: 'questions',
    startedAt: now,
    updatedAt: now,
    deviceId: deviceId(),
  };
  await put('drafts', draft, undefined, 'strict');
  fieldDataChanged();
  return draft;
}

/**
 * "Correct" on a returned survey: a new survey (its own id) pre-filled with the original answers,
 * naming the one it replaces. One correction at a time: an existing one is resumed instead.
 */
export async function createCorrectionDraft(
  userId: string,
  returned: ReturnedSurvey,
  stored: StoredForm,
): Promise<Draft> {
  const existing = (await listDrafts(userId)).find((d) => d.replaces === returned.id);
  if (existing) return existing;
  const now = new Date().toISOString();
  const draft: Draft = {
    id: newId(),
    userId,
    questionnaireId: stored.questionnaireId,
    questionnaireVersionId: stored.versionId,
    formTitle: stored.form.title,
    version: stored.version,
    answers: { ...returned.answers } as Answers,
    position: { index: 0 },
    at: { number: 1, label: '' },
    summary: respondentSummary(stored.form, returned.answers as Answers),
    stage: 'questions',
    startedAt: now,
    updatedAt: now,
    deviceId: deviceId(),
    replaces: returned.id,
    correctionComment: returned.comment ?? undefined,
  };
  await put('drafts', draft, undefined, 'strict');
  fieldDataChanged();
  return draft;
}

export function getDraft(id: string): Promise<Draft | undefined> {
  return get<Draft>('drafts', id);
}

/** Saves the whole draft (after every answer and every move). */
export async function saveDraft(draft: Draft): Promise<void> {
  await put('drafts', draft);
  fieldDataChanged();
}

/** Changes a stored draft in place (e.g. the GPS fix arriving after its page was left). */
export async function patchDraft(id: string, change: (draft: Draft) => Draft): Promise<Draft | undefined> {
  const result = await transact(['drafts'], 'readwrite', async (s) => {
    const draft = await done(s.drafts.get(id) as IDBRequest<Draft | undefined>);
    if (!draft) return undefined;
    const next = change(draft);
    await done(s.drafts.put(next));
    return next;
  });
  if (result) fieldDataChanged();
  return result;
}

export async function listDrafts(userId: string): Promise<Draft[]> {
  const all = await getAll<Draft>('drafts');
  return all.filter((d) => d.userId === userId).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

export async function deleteDraft(id: string): Promise<void> {
  await remove('drafts', id);
  fieldDataChanged();
}

// ---- the outbox ----

/** "Submit": the draft becomes an outbox item and leaves the drafts, in one transaction. */
export async function queueDraft(draft: Draft, summary: string): Promise<OutboxItem> {
  if (!draft.final) throw new Error('The survey has not been completed');
  const completedAt = new Date().toISOString();
  const body: SubmissionBody = {
    id: draft.id,
    questionnaireVersionId: draft.questionnaireVersionId,
    answers: draft.final.values,
    // A clock set back while the survey was open must not make it end before it began.
    startedAt: draft.startedAt <= completedAt ? draft.startedAt : completedAt,
    completedAt,
    deviceId: draft.deviceId,
    ...(draft.gps ? { gps: draft.gps } : {}),
    ...(draft.replaces ? { replaces: draft.replaces } : {}),
  };
  const item: OutboxItem = {
    id: draft.id,
    userId: draft.userId,
    body,
    draftAnswers: draft.final.answers,
    formTitle: draft.formTitle,
    summary,
    queuedAt: completedAt,
    state: 'pending',
    attempts: 0,
  };
  await transact(
    ['drafts', 'outbox', 'forms', 'media'],
    'readwrite',
    async (s) => {
      // Its photos and files: listed in the body, so the registry waits for them.
      const stored = await done(s.forms.get(draft.questionnaireVersionId) as IDBRequest<StoredForm | undefined>);
      const names = stored ? mediaNames(stored.form, body.answers as Answers) : [];
      if (names.length) body.attachments = await declarations(s.media, names);
      await done(s.outbox.put(item));
      await done(s.drafts.delete(draft.id));
    },
    'strict',
  );
  fieldDataChanged();
  return item;
}

/** A completed survey straight into the outbox (support tools and the sync benchmark). */
export async function queueSubmission(
  userId: string,
  body: SubmissionBody,
  meta: { formTitle: string; summary: string },
): Promise<void> {
  const item: OutboxItem = {
    id: body.id,
    userId,
    body,
    formTitle: meta.formTitle,
    summary: meta.summary,
    queuedAt: new Date().toISOString(),
    state: 'pending',
    attempts: 0,
  };
  await put('outbox', item, undefined, 'strict');
  fieldDataChanged();
}

export async function listOutbox(userId: string): Promise<OutboxItem[]> {
  const all = await getAll<OutboxItem>('outbox');
  return all.filter((o) => o.userId === userId).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

/**
 * The registry's answer to one batch: accepted items (received, ingested, even rejected by a rule
 * after intake) leave the outbox and become receipts; refused ones stay, with the reason.
 */
export async function applyBatchResults(sent: OutboxItem[], results: BatchResult[]): Promise<{ sent: number }> {
  const now = new Date().toISOString();
  let accepted = 0;
  await transact(
    ['outbox', 'receipts'],
    'readwrite',
    async (s) => {
      for (const result of results) {
        const item = sent[result.index];
        if (!item) continue;
        if (result.status === 'awaiting_files') {
          // The answers are in; the files go next (sendFiles). It stays here until they have.
          await done(s.outbox.put({ ...item, awaitingFiles: true, lastTriedAt: now, error: undefined }));
          continue;
        }
        if (result.status === 'error') {
          const attempts = item.attempts + 1;
          const next: OutboxItem = {
            ...item,
            attempts,
            lastTriedAt: now,
            error: result.error ?? { code: 'UNKNOWN', message: t('collect.sync.refused') },
            state: attempts >= MAX_ATTEMPTS ? 'attention' : 'pending',
          };
          await done(s.outbox.put(next));
          continue;
        }
        const receipt: Receipt = {
          id: item.id,
          userId: item.userId,
          status: result.status,
          ...(result.error ? { error: result.error } : {}),
          summary: item.summary,
          completedAt: item.body.completedAt,
          sentAt: now,
        };
        await done(s.receipts.put(receipt));
        await done(s.outbox.delete(item.id));
        accepted++;
      }
    },
    'strict',
  );
  fieldDataChanged();
  return { sent: accepted };
}

/** Every file of a survey has reached the registry: it becomes a receipt, its files leave the device. */
export async function finishUpload(item: OutboxItem, status: SubmissionStatusView): Promise<void> {
  await transact(
    ['outbox', 'receipts', 'media'],
    'readwrite',
    async (s) => {
      const receipt: Receipt = {
        id: item.id,
        userId: item.userId,
        status: status.status,
        ...(status.error ? { error: status.error } : {}),
        summary: item.summary,
        completedAt: item.body.completedAt,
        sentAt: new Date().toISOString(),
      };
      await done(s.receipts.put(receipt));
      await done(s.outbox.delete(item.id));
      await dropMedia(
        s.media,
        (item.body.attachments ?? []).map((a) => a.name),
      );
    },
    'strict',
  );
  fieldDataChanged();
}

/** A file the registry refused for good (its kind, its size): the survey waits for the enumerator. */
export async function fileRefused(item: OutboxItem, error: SubmissionError): Promise<void> {
  await put('outbox', {
    ...item,
    state: 'attention',
    error,
    lastTriedAt: new Date().toISOString(),
  } satisfies OutboxItem);
  fieldDataChanged();
}

/** "Try again" on a survey that needs attention. */
export async function retryOutboxItem(id: string): Promise<void> {
  await transact(['outbox'], 'readwrite', async (s) => {
    const item = await done(s.outbox.get(id) as IDBRequest<OutboxItem | undefined>);
    if (item) await done(s.outbox.put({ ...item, state: 'pending', attempts: 0 } satisfies OutboxItem));
  });
  fieldDataChanged();
}

/** The question the registry's refusal is about, when it says (NIN_INVALID, ANSWERS_INVALID, VALIDATION_FAILED). */
function refusedQuestion(error: OutboxItem['error']): string | undefined {
  const details = error?.details as
    { field?: unknown; errors?: { field?: unknown }[]; issues?: { path?: unknown }[] } | undefined;
  const field = details?.field ?? details?.errors?.[0]?.field;
  if (typeof field === 'string') return field;
  const path = details?.issues?.[0]?.path;
  return typeof path === 'string' && path.startsWith('answers.') ? path.slice('answers.'.length) : undefined;
}

/** "Change answers" on a refused survey: back to the drafts (same id), at the question refused if known. */
export async function reopenOutboxItem(id: string): Promise<Draft | undefined> {
  const draft = await transact(
    ['outbox', 'drafts', 'forms'],
    'readwrite',
    async (s) => {
      const item = await done(s.outbox.get(id) as IDBRequest<OutboxItem | undefined>);
      if (!item) return undefined;
      const stored = await done(s.forms.get(item.body.questionnaireVersionId) as IDBRequest<StoredForm | undefined>);
      if (!stored) return undefined;
      const now = new Date().toISOString();
      const reopened: Draft = {
        id: item.id,
        userId: item.userId,
        questionnaireId: stored.questionnaireId,
        questionnaireVersionId: stored.versionId,
        formTitle: stored.form.title,
        version: stored.version,
        answers: item.draftAnswers ?? item.body.answers,
        position: { name: refusedQuestion(item.error), index: 0 },
        at: { number: 1, label: '' },
        stage: 'questions',
        summary: item.summary,
        startedAt: item.body.startedAt,
        updatedAt: now,
        deviceId: item.body.deviceId ?? deviceId(),
        ...(item.body.gps ? { gps: item.body.gps } : {}),
        ...(item.body.replaces ? { replaces: item.body.replaces } : {}),
      };
      await done(s.drafts.put(reopened));
      await done(s.outbox.delete(id));
      return reopened;
    },
    'strict',
  );
  fieldDataChanged();
  return draft;
}

// ---- receipts and the registry's list ----

export async function listReceipts(userId: string): Promise<Receipt[]> {
  const all = await getAll<Receipt>('receipts');
  return all.filter((r) => r.userId === userId).sort((a, b) => b.completedAt.localeCompare(a.completedAt));
}

/** Keeps the newest receipts per person. */
export async function pruneReceipts(userId: string): Promise<void> {
  await transact(['receipts'], 'readwrite', async (s) => {
    const all = await done(s.receipts.getAll() as IDBRequest<Receipt[]>);
    const mine = all.filter((r) => r.userId === userId).sort((a, b) => b.completedAt.localeCompare(a.completedAt));
    await Promise.all(mine.slice(MAX_RECEIPTS).map((r) => done(s.receipts.delete(r.id))));
  });
}

export function saveCorrections(userId: string, list: CorrectionList): Promise<void> {
  return setMeta(`corrections:${userId}`, list);
}

export function getCorrections(userId: string): Promise<CorrectionList | undefined> {
  return getMeta<CorrectionList>(`corrections:${userId}`);
}

export function saveRecent(userId: string, list: RecentList): Promise<void> {
  return setMeta(`recent:${userId}`, list);
}

export function getRecent(userId: string): Promise<RecentList | undefined> {
  return getMeta<RecentList>(`recent:${userId}`);
}

export interface FieldCounts {
  drafts: number;
  /** Completed surveys not yet accepted by the registry (including those needing attention). */
  waiting: number;
  attention: number;
}

export async function fieldCounts(userId: string): Promise<FieldCounts> {
  const [drafts, outbox] = await Promise.all([listDrafts(userId), listOutbox(userId)]);
  return {
    drafts: drafts.length,
    waiting: outbox.length,
    attention: outbox.filter((o) => o.state === 'attention').length,
  };
}
