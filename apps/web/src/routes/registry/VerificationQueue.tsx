import { ListStates } from '../../components/ListStates';
import { Link } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { lgaName } from '@oslrs/core';
import { queryKeys, registry } from '../../api/endpoints';
import { PageHeading } from '../../components/Page';
import { formatDate } from '../../lib/format';
import { useT } from '../../i18n';
import { ASSESSORS, BandBadge, Pager, RespondentItem, RoleGate, useCursorPages } from './shared';

/** The assessor's queue: flagged records (medium band or above) first, then a random sample of clean ones. */
export default function VerificationQueue() {
  const { t } = useT();
  return (
    <RoleGate roles={ASSESSORS} title={t('staff.verification.title')}>
      <Queue />
    </RoleGate>
  );
}

function Queue() {
  const { t } = useT();
  const pages = useCursorPages();
  const query = useQuery({
    queryKey: queryKeys.verificationQueue(pages.cursor),
    queryFn: ({ signal }) => registry.queue(pages.cursor, signal),
    placeholderData: keepPreviousData,
  });
  const data = query.data;
  return (
    <>
      <PageHeading>{t('staff.verification.title')}</PageHeading>
      <p className="mt-2 text-stone-800">
        {data ? t('staff.verification.intro', { percent: data.samplePercent }) : t('staff.verification.introLoading')}
      </p>
      <p className="mt-2">
        <Link to="/registry/duplicates" className="link">
          {t('staff.duplicates.title')}
        </Link>
      </p>
      <ListStates
        query={query}
        items={data?.items}
        errorTitle={t('staff.queue.loadFailed')}
        empty={t('staff.verification.empty')}
      />
      {data && data.items.length > 0 && (
        <ul
          className="mt-6 divide-y divide-stone-200 rounded-lg border border-stone-300 bg-white"
          aria-label={t('staff.verification.listLabel')}
        >
          {data.items.map((r) => (
            <RespondentItem
              key={r.id}
              person={r}
              facts={
                <>
                  {r.lga ? (lgaName(r.lga) ?? r.lga) : t('staff.registry.noLga')} ·{' '}
                  {t('staff.registry.registeredOn', { date: formatDate(r.createdAt) })} ·{' '}
                  {r.reason === 'flagged' ? t('staff.verification.flagged') : t('staff.verification.sample')}
                </>
              }
              badge={<BandBadge band={r.band} />}
            />
          ))}
        </ul>
      )}
      <Pager pages={pages} nextCursor={data?.nextCursor} />
    </>
  );
}
