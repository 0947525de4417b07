import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  COMMENT_REQUIRED,
  lgaName,
  MAX_REVIEW_COMMENT,
  RETURNABLE_CHANNELS,
  reviewStep,
  type ReviewDecision,
  type ReviewDetail as Detail,
} from '@oslrs/core';
import { ApiError, apiUrl, errorMessage } from '../../api/client';
import { queryKeys, review } from '../../api/endpoints';
import { useAuth } from '../../auth/AuthContext';
import { Alert, Success } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';
import { formatDateTime } from '../../lib/format';
import {
  BAND_TONE,
  CHANNEL_LABEL,
  OVERSEER_ROLES,
  REVIEWER_ROLES,
  REVIEW_STATUS_LABEL,
  REVIEW_STATUS_TONE,
} from './reviewLabels';

const DECISION_LABEL: Record<ReviewDecision, string> = {
  approve: 'Approve',
  reject: 'Reject',
  return: 'Return for correction',
};

function answerText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') {
    const g = value as { lat?: number; lng?: number; accuracy?: number };
    if (typeof g.lat === 'number' && typeof g.lng === 'number')
      return `${g.lat}, ${g.lng}${g.accuracy !== undefined ? ` (±${g.accuracy} m)` : ''}`;
    return JSON.stringify(value);
  }
  return String(value);
}

/** A repeat's answer: one object of answers per instance. */
function isInstances(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))
  );
}

/** Answers by question name; a repeat as its numbered instances, each with its own answers. */
function AnswerList({ answers, leaf }: { answers: Record<string, unknown>; leaf: (value: unknown) => ReactNode }) {
  return (
    <dl className="mt-2 grid gap-x-6 gap-y-1 sm:grid-cols-[minmax(8rem,max-content)_1fr]">
      {Object.entries(answers).map(([name, value]) => (
        <div key={name} className="contents">
          <dt className="font-semibold break-all text-stone-700">{name.replace(/_/g, ' ')}</dt>
          <dd className="break-words">
            {isInstances(value) ? (
              <ol className="space-y-2" aria-label={name.replace(/_/g, ' ')}>
                {value.map((instance, i) => (
                  <li key={i} className="rounded-md border border-stone-300 px-3 py-1" data-instance={i + 1}>
                    <span className="text-sm font-semibold text-stone-700">{i + 1}.</span>
                    <AnswerList answers={instance} leaf={leaf} />
                  </li>
                ))}
              </ol>
            ) : (
              leaf(value)
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * An answer; a media answer (the name of one of the submission's files) as a thumbnail of the photo
 * or a download link, both through the authorised endpoint (never a public URL).
 */
function AnswerValue({
  submissionId,
  value,
  files,
}: {
  submissionId: string;
  value: unknown;
  files: Detail['attachments'];
}) {
  const file = typeof value === 'string' ? files?.find((f) => f.name === value) : undefined;
  if (!file) return <>{answerText(value)}</>;
  if (!file.complete) return <>{file.name} (the file has not arrived yet)</>;
  const url = apiUrl(`/submissions/${submissionId}/attachments/${encodeURIComponent(file.name)}`);
  if (file.contentType?.startsWith('image/'))
    return (
      <a href={url} target="_blank" rel="noreferrer" className="inline-block">
        <img
          src={url}
          alt={`Photo ${file.name}`}
          loading="lazy"
          className="max-h-40 max-w-full rounded-md border border-stone-300"
        />
      </a>
    );
  return (
    <a href={url} download={file.name} className="link">
      Download {file.name}
    </a>
  );
}

export default function ReviewDetail() {
  const { id = '' } = useParams();
  const { user } = useAuth();
  const allowed = !!user && OVERSEER_ROLES.includes(user.role);
  const detail = useQuery({
    queryKey: queryKeys.reviewDetail(id),
    queryFn: ({ signal }) => review.detail(id, signal),
    enabled: allowed,
    retry: false,
  });
  const back = (
    <p className="mb-2">
      <Link to="/review" className="link">
        Back to the review list
      </Link>
    </p>
  );
  if (!user) return null;
  if (!allowed)
    return (
      <>
        <PageHeading>Submission</PageHeading>
        <p className="mt-4 text-stone-800">Your role cannot open submissions for review.</p>
      </>
    );
  if (detail.isPending) return <Loading label="Opening the submission…" />;
  if (detail.isError)
    return (
      <>
        {back}
        <PageHeading>Submission</PageHeading>
        <div className="mt-4">
          <Alert
            title={detail.error instanceof ApiError && detail.error.status === 404 ? 'Not found' : 'Could not load'}
          >
            <p>{errorMessage(detail.error)}</p>
          </Alert>
        </div>
      </>
    );
  const s = detail.data.submission;
  const who = s.enumerator?.name ?? CHANNEL_LABEL[s.channel] ?? s.channel;
  return (
    <>
      {back}
      <PageHeading title="Submission for review">Submission by {who}</PageHeading>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <span
          className={`rounded-full px-3 py-0.5 text-sm font-semibold ${REVIEW_STATUS_TONE[s.review.status]}`}
          data-review-status={s.review.status}
        >
          {REVIEW_STATUS_LABEL[s.review.status]}
        </span>
        {s.fraud && (
          <span className={`rounded-full px-3 py-0.5 text-sm font-semibold ${BAND_TONE[s.fraud.band] ?? ''}`}>
            Fraud score {s.fraud.score} · {s.fraud.band}
          </span>
        )}
      </div>
      <section className="card mt-4" aria-labelledby="facts-heading">
        <h2 id="facts-heading" className="text-lg font-bold">
          About this submission
        </h2>
        <dl className="mt-2 grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
          <dt className="font-semibold text-stone-700">Channel</dt>
          <dd>{CHANNEL_LABEL[s.channel] ?? s.channel}</dd>
          <dt className="font-semibold text-stone-700">LGA</dt>
          <dd>{s.lga ? (lgaName(s.lga) ?? s.lga) : '—'}</dd>
          <dt className="font-semibold text-stone-700">Started</dt>
          <dd>{formatDateTime(s.startedAt)}</dd>
          <dt className="font-semibold text-stone-700">Completed</dt>
          <dd>{formatDateTime(s.completedAt)}</dd>
          <dt className="font-semibold text-stone-700">Registry check</dt>
          <dd className="break-words">
            {s.status === 'rejected'
              ? `Refused: ${s.error?.message ?? ''}`
              : s.status === 'ingested'
                ? 'Accepted'
                : 'Being checked'}
          </dd>
          {s.replaces && (
            <>
              <dt className="font-semibold text-stone-700">Corrects</dt>
              <dd>
                <Link to={`/review/${s.replaces}`} className="link">
                  {s.correctionOf ? 'their registration' : 'the returned submission'}
                </Link>
                {s.correctionOf && (
                  <span className="block text-sm text-stone-700" data-correction-request>
                    The resident asked for this correction. Approving it updates their record; rejecting it leaves the
                    record as it is (say why: they read your comment).
                  </span>
                )}
              </dd>
            </>
          )}
          {s.replacedBy && (
            <>
              <dt className="font-semibold text-stone-700">Corrected by</dt>
              <dd>
                <Link to={`/review/${s.replacedBy}`} className="link" data-replaced-by={s.replacedBy}>
                  the correction
                </Link>
              </dd>
            </>
          )}
          {s.review.comment && (
            <>
              <dt className="font-semibold text-stone-700">Review comment</dt>
              <dd className="break-words whitespace-pre-wrap">{s.review.comment}</dd>
            </>
          )}
        </dl>
        {s.fraud && s.fraud.reasons.length > 0 && (
          <>
            <h3 className="mt-4 font-bold">Why it was flagged</h3>
            <ul className="mt-1 list-disc pl-5 break-words" aria-label="Fraud reasons">
              {s.fraud.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </>
        )}
      </section>
      {REVIEWER_ROLES.includes(user.role) && <DecisionForm submission={s} />}
      <section className="card mt-4" aria-labelledby="answers-heading">
        <h2 id="answers-heading" className="text-lg font-bold">
          Answers
        </h2>
        <AnswerList
          answers={s.answers}
          leaf={(value) => <AnswerValue submissionId={s.id} value={value} files={s.attachments} />}
        />
      </section>
    </>
  );
}

function DecisionForm({ submission }: { submission: Detail }) {
  const queryClient = useQueryClient();
  const [decision, setDecision] = useState<ReviewDecision | ''>('');
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const decide = useMutation({
    mutationFn: (d: ReviewDecision) =>
      review.decide(submission.id, { decision: d, ...(comment.trim() ? { comment: comment.trim() } : {}) }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['review'] });
    },
  });
  const open = (['approve', 'reject', 'return'] as const).filter(
    (d) =>
      reviewStep(submission.review.status, d).kind === 'change' &&
      (d !== 'return' || RETURNABLE_CHANNELS.includes(submission.channel)),
  );
  // A final decision leaves nothing to choose: the confirmation stays (the refetched status ends the form).
  if (open.length === 0) {
    return decide.isSuccess ? (
      <section className="card mt-4" aria-label="Your decision">
        <Success title={`Saved: ${REVIEW_STATUS_LABEL[decide.data.submission.review.status]}`} />
      </section>
    ) : null;
  }
  return (
    <section className="card mt-4" aria-labelledby="decision-heading">
      <h2 id="decision-heading" className="text-lg font-bold">
        Your decision
      </h2>
      {decide.isSuccess && (
        <div className="mt-2">
          <Success title={`Saved: ${REVIEW_STATUS_LABEL[decide.data.submission.review.status]}`} />
        </div>
      )}
      {(problem || decide.isError) && (
        <div className="mt-2">
          <Alert>
            <p>{problem ?? errorMessage(decide.error)}</p>
          </Alert>
        </div>
      )}
      <form
        className="mt-2 space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!decision) return setProblem('Choose a decision.');
          if (COMMENT_REQUIRED[decision] && !comment.trim())
            return setProblem('Say why: the enumerator reads this comment on their phone.');
          setProblem(null);
          decide.mutate(decision);
        }}
      >
        <fieldset>
          <legend className="font-semibold">Decision</legend>
          <div className="mt-1 flex flex-wrap gap-x-6 gap-y-2">
            {open.map((d) => (
              <label key={d} className="flex items-center gap-2">
                <input
                  type="radio"
                  name="decision"
                  value={d}
                  checked={decision === d}
                  onChange={() => setDecision(d)}
                />
                {DECISION_LABEL[d]}
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <label htmlFor="review-comment" className="font-semibold">
            Comment {decision && COMMENT_REQUIRED[decision] ? '(required)' : '(optional)'}
          </label>
          <textarea
            id="review-comment"
            className="input mt-1 min-h-24 w-full"
            maxLength={MAX_REVIEW_COMMENT}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            aria-describedby="review-comment-hint"
          />
          <p id="review-comment-hint" className="text-sm text-stone-700">
            {comment.length} / {MAX_REVIEW_COMMENT} characters. A returned survey shows this comment to the enumerator.
          </p>
        </div>
        <button type="submit" className="btn-primary w-full sm:w-auto" disabled={decide.isPending}>
          {decide.isPending ? 'Saving…' : 'Save decision'}
        </button>
      </form>
    </section>
  );
}
