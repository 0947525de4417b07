/**
 * Residents' correction requests (issue 12, item 6). A resident who registered through the public
 * questionnaire sends a corrected registration; it is stored raw like any submission, with
 * `replaces` = their live registration, but with status `held`: no outbox row, so nothing ingests it
 * and the respondent stays as it is. A reviewer in scope decides on it like on any submission:
 *  - approve: it gets its outbox row (and is enqueued); ingestion processes a `held` row once approved,
 *    as a correction (respondents' updateFromCorrection), and the registration it replaces moves to
 *    `superseded` (the `amend` move of the review state machine) before the request becomes `ingested`;
 *  - reject (with a comment): it leaves `held` for `rejected`; the record never changes;
 *  - return: refused (NOT_RETURNABLE), as for any public submission.
 * The database keeps the rules race-proof: one `held` public row per resident
 * (submissions_public_held_uq), one live public registration per resident whatever the corrections
 * (submissions_public_one_person_uq counts received/ingested rows not superseded; `held` is outside it).
 */
import { ERRORS, type ResidentCorrection, type SubmissionStatus } from '@oslrs/core';
import type { SubmissionRow } from './repository.js';

/** What the ingest job may process: a received submission, or a correction request a reviewer approved. */
export function awaitsIngestion(sub: Pick<SubmissionRow, 'status' | 'reviewStatus'>): boolean {
  return sub.status === 'received' || (sub.status === 'held' && sub.reviewStatus === 'approved');
}

/** The review move that ingesting this correction makes on the submission it replaces. */
export function correctionMove(sub: Pick<SubmissionRow, 'status'>): 'replace' | 'amend' {
  return sub.status === 'held' ? 'amend' : 'replace';
}

/** A resident's correction request (public submissions replace only their sender's own registration). */
export function isCorrectionRequest(row: Pick<SubmissionRow, 'channel' | 'replaces'>): boolean {
  return row.channel === 'public' && row.replaces !== null;
}

/** The status the API shows: a held request has been received and is not ingested yet. */
export function shownStatus(status: string): SubmissionStatus {
  return (status === 'held' ? 'received' : status) as SubmissionStatus;
}

const NIN_TAKEN_CODES = new Set(['NIN_DUPLICATE', 'NIN_DUPLICATE_STAFF']);

/** A request as its resident sees it: a refusal by a registry rule says why, a taken NIN without whose. */
export function residentCorrectionOf(row: SubmissionRow): ResidentCorrection {
  const error = row.error as { code: string; message: string } | null;
  const refusal = error ? (NIN_TAKEN_CODES.has(error.code) ? ERRORS.NIN_UNAVAILABLE.message : error.message) : null;
  return {
    id: row.id,
    submittedAt: row.receivedAt.toISOString(),
    status: row.status === 'ingested' ? 'approved' : row.status === 'rejected' ? 'rejected' : 'pending',
    comment: refusal ?? row.reviewComment,
  };
}

/** A resident's current registration: the submission a correction request would replace. */
export interface LiveRegistration {
  submissionId: string;
  respondentId: string;
  questionnaireVersionId: string;
  /** Whole answers (NIN and phone opened): the resident's own, to start a correction from. */
  answers: SubmissionRow['answers'];
  submittedAt: string;
}

export function liveRegistrationView(row: SubmissionRow): LiveRegistration {
  return {
    submissionId: row.id,
    respondentId: row.respondentId!,
    questionnaireVersionId: row.questionnaireVersionId,
    answers: row.answers,
    submittedAt: row.receivedAt.toISOString(),
  };
}
