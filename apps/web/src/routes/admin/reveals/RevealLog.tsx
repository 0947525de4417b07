import { Link } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { marketplaceApi, marketplaceKeys } from '../../../api/marketplace';
import { ListStates } from '../../../components/ListStates';
import { PageHeading } from '../../../components/Page';
import { useT } from '../../../i18n';
import { Pager, useCursorPages } from '../../registry/shared';

/** The super admin's log of contact reveals: who saw whose contact, when, why and from where; newest first. */
export default function RevealLog() {
  const { t, date } = useT();
  const pages = useCursorPages();
  const query = useQuery({
    queryKey: marketplaceKeys.reveals(pages.cursor),
    queryFn: ({ signal }) => marketplaceApi.reveals(pages.cursor, signal),
    placeholderData: keepPreviousData,
  });
  const data = query.data;
  return (
    <>
      <PageHeading>{t('staff.admin.reveals.title')}</PageHeading>
      <p className="mt-2 text-stone-800">{t('staff.admin.reveals.intro')}</p>
      <ListStates
        query={query}
        items={data?.items}
        errorTitle={t('staff.admin.reveals.loadFailed')}
        empty={t('staff.admin.reveals.empty')}
      />
      {data && data.items.length > 0 && (
        <ol
          className="mt-6 divide-y divide-stone-200 rounded-lg border border-stone-300 bg-white"
          aria-label={t('staff.admin.reveals.list')}
          data-testid="reveal-log"
        >
          {data.items.map((r) => (
            <li key={r.id} className="p-3 text-sm break-words" data-testid="reveal-log-item">
              <p>
                <span className="font-semibold">{r.searcher.name}</span>
                {r.searcher.organisation ? ` (${r.searcher.organisation})` : ''} ·{' '}
                {date(r.at, { dateStyle: 'medium', timeStyle: 'short' })}
              </p>
              <p className="text-stone-700">
                {r.searcher.email}
                {r.ip ? ` · ${t('staff.admin.audit.fromIp', { ip: r.ip })}` : ''}
              </p>
              <p className="text-stone-700">
                {t('staff.admin.reveals.profile')} <span className="font-mono">{r.profileId}</span> ·{' '}
                <Link to={`/registry/${r.respondentId}`} className="link">
                  {t('staff.admin.reveals.open')}
                </Link>
              </p>
              <p className="mt-1">{t('staff.admin.reveals.purpose', { purpose: r.purpose })}</p>
            </li>
          ))}
        </ol>
      )}
      <Pager
        pages={pages}
        nextCursor={data?.nextCursor}
        olderLabel={t('staff.admin.log.older')}
        newerLabel={t('staff.admin.log.newer')}
      />
    </>
  );
}
