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
import {
  BAND_TONE,
  channelLabel,
  fraudSignalText,
  OVERSEER_ROLES,
  REVIEW_STATUS_LABEL,
  REVIEW_STATUS_TONE,
} from './reviewLabels';
import { useT } from '../../i18n';
import { labelOf } from '../../lib/labels';

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
  const { t } = useT();
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
        <PageHeading>{t('staff.review.title')}</PageHeading>
        <p className="mt-4 text-stone-800">{t('staff.review.notAllowed')}</p>
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
      <PageHeading>{t('staff.review.title')}</PageHeading>
      <p className="mt-2 text-stone-800">
        {user.role === 'supervisor' && user.lga
          ? t('staff.review.introLga', { lga: lgaName(user.lga) ?? user.lga })
          : t('staff.review.introState')}{' '}
        {user.role === 'government_official' ? t('staff.review.readOnly') : ''}
      </p>
      <form
        className="card mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4"
        aria-label={t('staff.review.filters')}
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectField
          label={t('staff.review.order')}
          value={filters.sort}
          onChange={(e) => set('sort', e.target.value === 'score' ? '' : e.target.value)}
          options={[
            { value: 'score', label: t('staff.review.orderScore') },
            { value: 'recent', label: t('staff.review.orderRecent') },
          ]}
        />
        <SelectField
          label={t('staff.review.statusLabel')}
          value={filters.status ?? ''}
          onChange={(e) => set('status', e.target.value)}
          options={[
            { value: '', label: t('staff.review.any') },
            ...REVIEW_STATUSES.map((s) => ({ value: s, label: t(REVIEW_STATUS_LABEL[s]) })),
          ]}
        />
        <SelectField
          label={t('staff.review.band')}
          value={filters.band ?? ''}
          onChange={(e) => set('band', e.target.value)}
          options={[
            { value: '', label: t('staff.review.any') },
            ...FRAUD_BANDS.map((b) => ({ value: b, label: t(`staff.review.bandOption.${b}`) })),
          ]}
        />
        {allLgas && (
          <SelectField
            label={t('staff.registry.lga')}
            value={filters.lga ?? ''}
            onChange={(e) => set('lga', e.target.value)}
            options={[{ value: '', label: t('staff.review.allLgas') }, ...LGA_OPTIONS]}
          />
        )}
      </form>
      {list.isError && (
        <div className="mt-4">
          <Alert title={t('staff.review.loadFailed')}>
            <p>{errorMessage(list.error)}</p>
          </Alert>
        </div>
      )}
      {list.isPending ? (
        <p className="mt-6 text-stone-800">{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p className="mt-6 text-stone-800">{t('staff.review.empty')}</p>
      ) : (
        <ul className="mt-6 space-y-3" aria-label={t('staff.review.listLabel')}>
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
          {list.isFetchingNextPage ? t('common.loading') : t('staff.review.more')}
        </button>
      )}
    </>
  );
}

function ReviewRow({ item }: { item: ReviewItem }) {
  const { t } = useT();
  const who = item.enumerator?.name ?? channelLabel(t, item.channel);
  return (
    <li className="card" data-review-item={item.id} data-review-status={item.review.status}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <Link to={`/review/${item.id}`} className="link font-semibold break-words">
          {who}
          <span className="sr-only">
            {' — '}
            {t('staff.review.completedSr', { date: formatDateTime(item.completedAt) })}
          </span>
        </Link>
        <span className={`rounded-full px-3 py-0.5 text-sm font-semibold ${REVIEW_STATUS_TONE[item.review.status]}`}>
          {t(REVIEW_STATUS_LABEL[item.review.status])}
        </span>
      </div>
      <p className="text-sm text-stone-700">
        {channelLabel(t, item.channel)} · {item.lga ? (lgaName(item.lga) ?? item.lga) : t('staff.registry.noLga')} ·{' '}
        {t('staff.review.completedOn', { date: formatDateTime(item.completedAt) })}
        {item.correctionOf
          ? ` · ${t('staff.review.residentCorrection')}`
          : item.replaces
            ? ` · ${t('staff.review.aCorrection')}`
            : ''}
      </p>
      {item.fraud ? (
        <div className="mt-2">
          <span
            className={`rounded-full px-3 py-0.5 text-sm font-semibold ${BAND_TONE[item.fraud.band] ?? ''}`}
            data-band={item.fraud.band}
          >
            {t('staff.review.fraudScore', {
              score: item.fraud.score,
              band: labelOf(t, 'staff.registry.band', item.fraud.band),
            })}
          </span>
          {item.fraud.signals.length > 0 && (
            <ul className="mt-1 list-disc pl-5 text-sm break-words text-stone-800">
              {item.fraud.signals.map((s, i) => (
                <li key={i}>{fraudSignalText(t, s)}</li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <p className="mt-2 text-sm text-stone-700">{t('staff.review.notScored')}</p>
      )}
    </li>
  );
}
