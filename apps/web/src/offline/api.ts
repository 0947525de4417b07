import type { QuestionnaireUsage, SubmissionBody } from '@oslrs/core';
import { api } from '../api/client';
import { forms, type PublishedForm } from '../api/endpoints';
import type { BatchResult, RecentSubmission, ReturnedSurvey } from './types';

/** The registry calls field work makes (kept here, beside the offline store that uses them). */
export const fieldApi = {
  /** Which questionnaire each channel uses (public; cached by the service worker too). */
  usage: (signal?: AbortSignal) => api<{ settings: QuestionnaireUsage }>('/forms', { signal }),
  schema: (questionnaireId: string, signal?: AbortSignal): Promise<PublishedForm> =>
    forms.schema(questionnaireId, undefined, signal),
  /** Up to 50 completed surveys; one result per item, in order. */
  sendBatch: (submissions: SubmissionBody[]) =>
    api<{ results: BatchResult[] }>('/submissions/batch', { method: 'POST', body: { submissions } }),
  /** The signed-in person's surveys returned for correction, with their answers. */
  corrections: (signal?: AbortSignal) => api<{ items: ReturnedSurvey[] }>('/submissions/corrections', { signal }),
  /** The signed-in person's own recent submissions with the registry's status. */
  recent: (limit: number, signal?: AbortSignal) =>
    api<{ items: RecentSubmission[]; nextCursor: string | null }>('/submissions', { query: { limit }, signal }),
};
