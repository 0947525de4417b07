import { Link, useSearchParams } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import {
  FRAUD_BANDS,
  isLgaCode,
  lgaName,
  REVIEW_STATUSES,
  type FraudBand,
  type ReviewItem,
  type ReviewStatus,
} from '@oslrs/core';
import { errorMessage } from '../../api/client';
import { queryKeys, review, type ReviewListParams } from '../../api/endpoints';
import { useAuth } from '../../auth/AuthContext';
import { Alert } from '../../components/Alert';
import { SelectField } from '../../components/Field';
import { PageHeading } from '../../components/Page';
import { formatDateTime } from '../../lib/format';
import { LGA_OPTIONS } from '../admin/staff/staffOptions';
import { BAND_TONE, CHANNEL_LABEL, OVERSEER_ROLES, REVIEW_STATUS_LABEL, REVIEW_STATUS_TONE } from './reviewLabels';

const PAGE = 25;

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** The filters live in the URL: reload, back/forward and shared links keep them. */
function readParams(params: URLSearchParams, allLgas: boolean): ReviewListParams {
  const lga = params.get('lga');
  return {
    status: oneOf<ReviewStatus>(params.get('status'), REVIEW_STATUSES),
    band: oneOf<FraudBand>(params.get('band'), FRAUD_BANDS),
    lga: allLgas && lga && isLgaCode(lga) ? lga : undefined,
    sort: params.get('sort') === 'recent' ? 'recent' : 'score',
  };
}

export default function ReviewList() {
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const allLgas = user?.role !== 'supervisor';
  const filters = readParams(params, allLgas);
  const list = useInfiniteQuery({
    queryKey: queryKeys.reviewList(filters),
    queryFn: ({ pageParam, signal }) =>
      review.list({ ...filters, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) }, signal),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: !!user && OVERSEER_ROLES.includes(user.role),
  });
  if (!user) return null;
  if (!OVERSEER_ROLES.includes(user.role)) {
    return (
      <>
        <PageHeading>Review submissions</PageHeading>
        <p className="mt-4 text-stone-800">
          Reviewing collected submissions is for supervisors, verification assessors, officials and super admins. Your
          role cannot open this page.
        </p>
      </>
    );
  }

  function set(name: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeading>Review submissions</PageHeading>
      <p className="mt-2 text-stone-800">
        {user.role === 'supervisor' && user.lga
          ? `Submissions collected in ${lgaName(user.lga) ?? user.lga}.`
          : 'Submissions from every LGA.'}{' '}
        {user.role === 'government_official'
          ? 'You can read them; decisions are made by supervisors and assessors.'
          : ''}
      </p>
      <form
        className="card mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4"
        aria-label="Filter submissions"
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectField
          label="Order"
          value={filters.sort}
          onChange={(e) => set('sort', e.target.value === 'score' ? '' : e.target.value)}
          options={[
            { value: 'score', label: 'Most suspicious first' },
            { value: 'recent', label: 'Newest first' },
          ]}
        />
        <SelectField
          label="Review status"
          value={filters.status ?? ''}
          onChange={(e) => set('status', e.target.value)}
          options={[
            { value: '', label: 'Any' },
            ...REVIEW_STATUSES.map((s) => ({ value: s, label: REVIEW_STATUS_LABEL[s] })),
          ]}
        />
        <SelectField
          label="Fraud band"
          value={filters.band ?? ''}
          onChange={(e) => set('band', e.target.value)}
          options={[
            { value: '', label: 'Any' },
            ...FRAUD_BANDS.map((b) => ({ value: b, label: b[0]!.toUpperCase() + b.slice(1) })),
          ]}
        />
        {allLgas && (
          <SelectField
            label="LGA"
            value={filters.lga ?? ''}
            onChange={(e) => set('lga', e.target.value)}
            options={[{ value: '', label: 'All LGAs' }, ...LGA_OPTIONS]}
          />
        )}
      </form>
      {list.isError && (
        <div className="mt-4">
          <Alert title="Could not load submissions">
            <p>{errorMessage(list.error)}</p>
          </Alert>
        </div>
      )}
      {list.isPending ? (
        <p className="mt-6 text-stone-800">Loading…</p>
      ) : items.length === 0 ? (
        <p className="mt-6 text-stone-800">No submissions match these filters.</p>
      ) : (
        <ul className="mt-6 space-y-3" aria-label="Submissions">
          {items.map((item) => (
            <ReviewRow key={item.id} item={item} />
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <button
          type="button"
          className="btn-secondary mt-4 w-full sm:w-auto"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {list.isFetchingNextPage ? 'Loading…' : 'Show more'}
        </button>
      )}
    </>
  );
}

function ReviewRow({ item }: { item: ReviewItem }) {
  const who = item.enumerator?.name ?? CHANNEL_LABEL[item.channel] ?? item.channel;
  return (
    <li className="card" data-review-item={item.id} data-review-status={item.review.status}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <Link to={`/review/${item.id}`} className="link font-semibold break-words">
          {who}
          <span className="sr-only"> — submission completed {formatDateTime(item.completedAt)}</span>
        </Link>
        <span className={`rounded-full px-3 py-0.5 text-sm font-semibold ${REVIEW_STATUS_TONE[item.review.status]}`}>
          {REVIEW_STATUS_LABEL[item.review.status]}
        </span>
      </div>
      <p className="text-sm text-stone-700">
        {CHANNEL_LABEL[item.channel] ?? item.channel} · {item.lga ? (lgaName(item.lga) ?? item.lga) : 'No LGA'} ·
        completed {formatDateTime(item.completedAt)}
        {item.correctionOf ? " · the resident's correction request" : item.replaces ? ' · a correction' : ''}
      </p>
      {item.fraud ? (
        <div className="mt-2">
          <span
            className={`rounded-full px-3 py-0.5 text-sm font-semibold ${BAND_TONE[item.fraud.band] ?? ''}`}
            data-band={item.fraud.band}
          >
            Fraud score {item.fraud.score} · {item.fraud.band}
          </span>
          {item.fraud.reasons.length > 0 && (
            <ul className="mt-1 list-disc pl-5 text-sm break-words text-stone-800">
              {item.fraud.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <p className="mt-2 text-sm text-stone-700">Not scored yet.</p>
      )}
    </li>
  );
}
