/**
 * Reads that must work offline: from the registry when it answers (keeping a copy on the device),
 * from the device's copy when it does not.
 */
import { ApiError } from '../api/client';
import { fieldApi } from './api';
import {
  getAssignment,
  getCorrections,
  getForm,
  getRecent,
  pruneForms,
  saveAssignment,
  saveCorrections,
  saveForm,
  saveRecent,
} from './store';
import type { Assignment, CorrectionList, RecentList, StoredForm } from './types';

/** Could not reach the registry (no network, or a proxy/server failure): the device's copy will do. */
export function isUnreachable(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status >= 500);
}

export interface AssignedForm {
  assignment: Assignment;
  /** The questionnaire version to start new surveys with (null when none is assigned or kept). */
  form: StoredForm | null;
  /** Read from the device because the registry could not be reached. */
  fromDevice: boolean;
}

/** The questionnaire assigned to field staff (GET /forms → staffQuestionnaireId), kept for offline use. */
export async function loadAssignedForm(signal?: AbortSignal): Promise<AssignedForm> {
  try {
    const { settings } = await fieldApi.usage(signal);
    const questionnaireId = settings.staffQuestionnaireId;
    const checkedAt = new Date().toISOString();
    if (!questionnaireId) {
      const assignment: Assignment = { questionnaireId: null, versionId: null, checkedAt };
      await saveAssignment(assignment);
      return { assignment, form: null, fromDevice: false };
    }
    const published = await fieldApi.schema(questionnaireId, signal);
    const form =
      (await getForm(published.versionId)) ??
      (await saveForm({
        questionnaireId: published.questionnaireId,
        versionId: published.versionId,
        version: published.version,
        form: published.form,
      }));
    const assignment: Assignment = { questionnaireId, versionId: form.versionId, checkedAt };
    await saveAssignment(assignment);
    void pruneForms(form.versionId).catch(() => {});
    return { assignment, form, fromDevice: false };
  } catch (error) {
    if (!isUnreachable(error)) throw error;
    const assignment = await getAssignment();
    if (!assignment) throw error;
    const form = assignment.versionId ? ((await getForm(assignment.versionId)) ?? null) : null;
    return { assignment, form, fromDevice: true };
  }
}

export interface RecentResult extends RecentList {
  fromDevice: boolean;
}

/** The person's recent submissions and their status on the registry, kept for offline display. */
export async function loadRecent(userId: string, signal?: AbortSignal): Promise<RecentResult> {
  try {
    const { items } = await fieldApi.recent(20, signal);
    const list: RecentList = { items, fetchedAt: new Date().toISOString() };
    await saveRecent(userId, list);
    return { ...list, fromDevice: false };
  } catch (error) {
    if (!isUnreachable(error)) throw error;
    const kept = await getRecent(userId);
    return { items: kept?.items ?? [], fetchedAt: kept?.fetchedAt ?? '', fromDevice: true };
  }
}

export interface CorrectionResult extends CorrectionList {
  fromDevice: boolean;
}

/** Surveys returned for correction, fetched whenever the device syncs and kept for offline work. */
export async function loadCorrections(userId: string, signal?: AbortSignal): Promise<CorrectionResult> {
  try {
    const { items } = await fieldApi.corrections(signal);
    const list: CorrectionList = { items, fetchedAt: new Date().toISOString() };
    await saveCorrections(userId, list);
    return { ...list, fromDevice: false };
  } catch (error) {
    if (!isUnreachable(error)) throw error;
    const kept = await getCorrections(userId);
    return { items: kept?.items ?? [], fetchedAt: kept?.fetchedAt ?? '', fromDevice: true };
  }
}
