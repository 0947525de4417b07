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
import { ApiError, apiErrorText, apiUrl, errorMessage, isErrorCode } from '../../api/client';
import { queryKeys, review } from '../../api/endpoints';
import { useAuth } from '../../auth/AuthContext';
import { Alert, Success } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';
import { formatDateTime } from '../../lib/format';
import {
  BAND_TONE,
  channelLabel,
  fraudSignalText,
  OVERSEER_ROLES,
  REVIEWER_ROLES,
  REVIEW_STATUS_LABEL,
  REVIEW_STATUS_TONE,
} from './reviewLabels';
import { useT } from '../../i18n';
import { labelOf } from '../../lib/labels';

const DECISION_LABEL: Record<ReviewDecision, string> = {
  approve: 'staff.review.decision.approve',
  reject: 'staff.review.decision.reject',
  return: 'staff.review.decision.return',
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
  const { t } = useT();
  const file = typeof value === 'string' ? files?.find((f) => f.name === value) : undefined;
  if (!file) return <>{answerText(value)}</>;
  if (!file.complete) return <>{t('staff.review.fileMissing', { name: file.name })}</>;
  const url = apiUrl(`/submissions/${submissionId}/attachments/${encodeURIComponent(file.name)}`);
  if (file.contentType?.startsWith('image/'))
    return (
      <a href={url} target="_blank" rel="noreferrer" className="inline-block">
        <img
          src={url}
          alt={t('staff.review.photo', { name: file.name })}
          loading="lazy"
          className="max-h-40 max-w-full rounded-md border border-stone-300"
        />
      </a>
    );
  return (
    <a href={url} download={file.name} className="link">
      {t('staff.review.download', { name: file.name })}
    </a>
  );
}

export default function ReviewDetail() {
  const { t } = useT();
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
        {t('staff.review.back')}
      </Link>
    </p>
  );
  if (!user) return null;
  if (!allowed)
    return (
      <>
        <PageHeading>{t('staff.review.submission')}</PageHeading>
        <p className="mt-4 text-stone-800">{t('staff.review.detailNotAllowed')}</p>
      </>
    );
  if (detail.isPending) return <Loading label={t('staff.review.opening')} />;
  if (detail.isError)
    return (
      <>
        {back}
        <PageHeading>{t('staff.review.submission')}</PageHeading>
        <div className="mt-4">
          <Alert
            title={
              detail.error instanceof ApiError && detail.error.status === 404
                ? t('staff.review.notFound')
                : t('staff.review.detailLoadFailed')
            }
          >
            <p>{errorMessage(detail.error)}</p>
          </Alert>
        </div>
      </>
    );
  const s = detail.data.submission;
  const who = s.enumerator?.name ?? channelLabel(t, s.channel);
  return (
    <>
      {back}
      <PageHeading title={t('staff.review.detailTitle')}>{t('staff.review.submissionBy', { who })}</PageHeading>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <span
          className={`rounded-full px-3 py-0.5 text-sm font-semibold ${REVIEW_STATUS_TONE[s.review.status]}`}
          data-review-status={s.review.status}
        >
          {t(REVIEW_STATUS_LABEL[s.review.status])}
        </span>
        {s.fraud && (
          <span className={`rounded-full px-3 py-0.5 text-sm font-semibold ${BAND_TONE[s.fraud.band] ?? ''}`}>
            {t('staff.review.fraudScore', {
              score: s.fraud.score,
              band: labelOf(t, 'staff.registry.band', s.fraud.band),
            })}
          </span>
        )}
      </div>
      <section className="card mt-4" aria-labelledby="facts-heading">
        <h2 id="facts-heading" className="text-lg font-bold">
          {t('staff.review.about')}
        </h2>
        <dl className="mt-2 grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
          <dt className="font-semibold text-stone-700">{t('staff.review.channel')}</dt>
          <dd>{channelLabel(t, s.channel)}</dd>
          <dt className="font-semibold text-stone-700">{t('staff.registry.lga')}</dt>
          <dd>{s.lga ? (lgaName(s.lga) ?? s.lga) : '—'}</dd>
          <dt className="font-semibold text-stone-700">{t('staff.review.started')}</dt>
          <dd>{formatDateTime(s.startedAt)}</dd>
          <dt className="font-semibold text-stone-700">{t('staff.review.completed')}</dt>
          <dd>{formatDateTime(s.completedAt)}</dd>
          <dt className="font-semibold text-stone-700">{t('staff.review.check')}</dt>
          <dd className="break-words">
            {s.status === 'rejected'
              ? t('staff.review.refused', {
                  reason: s.error
                    ? isErrorCode(s.error.code)
                      ? apiErrorText(s.error.code, s.error.message)
                      : s.error.message
                    : '',
                })
              : s.status === 'ingested'
                ? t('staff.review.accepted')
                : t('staff.review.beingChecked')}
          </dd>
          {s.replaces && (
            <>
              <dt className="font-semibold text-stone-700">{t('staff.review.corrects')}</dt>
              <dd>
                <Link to={`/review/${s.replaces}`} className="link">
                  {s.correctionOf ? t('staff.review.theirRegistration') : t('staff.review.theReturned')}
                </Link>
                {s.correctionOf && (
                  <span className="block text-sm text-stone-700" data-correction-request>
                    {t('staff.review.residentAsked')}
                  </span>
                )}
              </dd>
            </>
          )}
          {s.replacedBy && (
            <>
              <dt className="font-semibold text-stone-700">{t('staff.review.correctedBy')}</dt>
              <dd>
                <Link to={`/review/${s.replacedBy}`} className="link" data-replaced-by={s.replacedBy}>
                  {t('staff.review.theCorrection')}
                </Link>
              </dd>
            </>
          )}
          {s.review.comment && (
            <>
              <dt className="font-semibold text-stone-700">{t('staff.review.comment')}</dt>
              <dd className="break-words whitespace-pre-wrap">{s.review.comment}</dd>
            </>
          )}
        </dl>
        {s.fraud && s.fraud.signals.length > 0 && (
          <>
            <h3 className="mt-4 font-bold">{t('staff.review.whyFlagged')}</h3>
            <ul className="mt-1 list-disc pl-5 break-words" aria-label={t('staff.review.fraudReasons')}>
              {s.fraud.signals.map((signal, i) => (
                <li key={i}>{fraudSignalText(t, signal)}</li>
              ))}
            </ul>
          </>
        )}
      </section>
      {REVIEWER_ROLES.includes(user.role) && <DecisionForm submission={s} />}
      <section className="card mt-4" aria-labelledby="answers-heading">
        <h2 id="answers-heading" className="text-lg font-bold">
          {t('staff.review.answers')}
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
  const { t } = useT();
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
      <section className="card mt-4" aria-label={t('staff.decision.title')}>
        <Success
          title={t('staff.review.saved', { status: t(REVIEW_STATUS_LABEL[decide.data.submission.review.status]) })}
        />
      </section>
    ) : null;
  }
  return (
    <section className="card mt-4" aria-labelledby="decision-heading">
      <h2 id="decision-heading" className="text-lg font-bold">
        {t('staff.decision.title')}
      </h2>
      {decide.isSuccess && (
        <div className="mt-2">
          <Success
            title={t('staff.review.saved', { status: t(REVIEW_STATUS_LABEL[decide.data.submission.review.status]) })}
          />
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
          if (!decision) return setProblem(t('staff.review.chooseDecision'));
          if (COMMENT_REQUIRED[decision] && !comment.trim()) return setProblem(t('staff.review.sayWhy'));
          setProblem(null);
          decide.mutate(decision);
        }}
      >
        <fieldset>
          <legend className="font-semibold">{t('staff.review.decision')}</legend>
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
                {t(DECISION_LABEL[d])}
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <label htmlFor="review-comment" className="font-semibold">
            {decision && COMMENT_REQUIRED[decision]
              ? t('staff.review.commentRequired')
              : t('staff.review.commentOptional')}
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
            {t('staff.review.commentHint', { length: comment.length, max: MAX_REVIEW_COMMENT })}
          </p>
        </div>
        <button type="submit" className="btn-primary w-full sm:w-auto" disabled={decide.isPending}>
          {decide.isPending ? t('staff.review.saving') : t('staff.review.save')}
        </button>
      </form>
    </section>
  );
}
