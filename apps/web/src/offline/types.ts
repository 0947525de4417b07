import type {
  BatchItemResult,
  Correction,
  MySubmission,
  SubmissionBody,
  SubmissionErrorView,
  SubmissionStatus,
} from '@oslrs/core';
import type { Answers, FormSchema } from '../forms/engine';
import type { RendererPosition } from '../forms/FormRenderer';

/** A published questionnaire version kept on the device (GET /forms/:id/schema). */
export interface StoredForm {
  questionnaireId: string;
  versionId: string;
  version: number;
  form: FormSchema;
  savedAt: string;
}

/** Which questionnaire this device's field staff use, as last heard from the registry. */
export interface Assignment {
  questionnaireId: string | null;
  /** The newest version seen (null when none is assigned). */
  versionId: string | null;
  checkedAt: string;
}

export interface Gps {
  lat: number;
  lng: number;
  accuracy: number;
}

/** A survey in progress, saved after every answer and every move. */
export interface Draft {
  /** The submission's id from the start (crypto.randomUUID): sending it twice is harmless. */
  id: string;
  userId: string;
  questionnaireId: string;
  questionnaireVersionId: string;
  formTitle: string;
  version: number;
  answers: Answers;
  position: RendererPosition;
  /** Who is being surveyed ("Surname Firstname", once answered), for the list of drafts. */
  summary?: string;
  /** Where the person is, for the list of drafts. */
  at: { number: number; label: string };
  stage: 'questions' | 'review';
  /** Set when the engine accepted the answers: what goes to the outbox on "Submit". */
  final?: { answers: Answers; values: Answers };
  startedAt: string;
  updatedAt: string;
  deviceId: string;
  gps?: Gps;
  /** A correction: the returned submission this survey replaces, and why it was returned. */
  replaces?: string;
  correctionComment?: string;
}

export type SubmissionError = SubmissionErrorView;

/** A completed survey waiting to be sent. */
export interface OutboxItem {
  id: string;
  userId: string;
  body: SubmissionBody;
  /** The answers as the renderer held them, to reopen the survey if the registry refuses it. */
  draftAnswers?: Answers;
  formTitle: string;
  /** Who was surveyed ("Surname Firstname"), for lists on the device only. */
  summary: string;
  queuedAt: string;
  /** 'attention': the registry refused it more than once; it waits for the enumerator. */
  state: 'pending' | 'attention';
  attempts: number;
  error?: SubmissionError;
  lastTriedAt?: string;
  /** The registry holds the answers and waits for the files (`body.attachments`): they are sent next. */
  awaitingFiles?: boolean;
}

/** What the registry said about a survey sent from this device. */
export interface Receipt {
  id: string;
  userId: string;
  status: SubmissionStatus;
  error?: SubmissionError;
  summary: string;
  completedAt: string;
  sentAt: string;
}

/** POST /submissions/batch, one result per item in the order sent. */
export type BatchResult = BatchItemResult;

/** GET /submissions: the caller's own recent submissions. */
export type RecentSubmission = MySubmission;

/** GET /submissions/corrections: surveys a supervisor returned, kept on the device for offline work. */
export type ReturnedSurvey = Correction;
export interface CorrectionList {
  items: ReturnedSurvey[];
  fetchedAt: string;
}

export interface RecentList {
  items: RecentSubmission[];
  fetchedAt: string;
}
