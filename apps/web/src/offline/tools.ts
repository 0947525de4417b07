/**
 * A small handle on the field store for support staff (browser console) and the sync benchmark:
 * `window.oslrsField` while the collect area is open. It can do nothing the page's own code cannot.
 */
import type { Answers } from '../forms/engine';
import { deviceId } from '../forms/answers';
import {
  fieldCounts,
  getAssignment,
  getForm,
  listDrafts,
  listOutbox,
  newId,
  queueSubmission,
  respondentSummary,
  type FieldCounts,
} from './store';
import { syncNow } from './sync';
import type { Draft, OutboxItem } from './types';

export interface FieldTools {
  /** Puts a completed survey of the assigned questionnaire in the outbox; resolves with its id. */
  queue(
    answers: Answers,
    options?: { startedAt?: string; gps?: { lat: number; lng: number; accuracy: number } },
  ): Promise<string>;
  counts(): Promise<FieldCounts>;
  /** The drafts in progress, as saved. */
  drafts(): Promise<Draft[]>;
  /** The completed surveys waiting to be sent. */
  outbox(): Promise<OutboxItem[]>;
  /** "Send now". */
  sync(): Promise<void>;
}

declare global {
  interface Window {
    oslrsField?: FieldTools;
  }
}

export function installFieldTools(userId: string): () => void {
  const tools: FieldTools = {
    async queue(answers, options = {}) {
      const assignment = await getAssignment();
      const stored = assignment?.versionId ? await getForm(assignment.versionId) : undefined;
      if (!stored) throw new Error('No questionnaire is kept on this device yet');
      const completedAt = new Date().toISOString();
      const id = newId();
      await queueSubmission(
        userId,
        {
          id,
          questionnaireVersionId: stored.versionId,
          answers,
          startedAt: options.startedAt ?? completedAt,
          completedAt,
          deviceId: deviceId(),
          ...(options.gps ? { gps: options.gps } : {}),
        },
        { formTitle: stored.form.title, summary: respondentSummary(stored.form, answers) },
      );
      return id;
    },
    counts: () => fieldCounts(userId),
    drafts: () => listDrafts(userId),
    outbox: () => listOutbox(userId),
    sync: () => syncNow({ manual: true }),
  };
  window.oslrsField = tools;
  return () => {
    if (window.oslrsField === tools) delete window.oslrsField;
  };
}
