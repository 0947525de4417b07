import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../api/client';
import { marketplaceKeys, searcherApi } from '../../api/marketplace';
import { Alert } from '../../components/Alert';
import { useT } from '../../i18n';
import { formatDate } from '../../lib/format';

/** A searcher's standing: email confirmed, reveals left today, blocked or not. */
export function SearcherAccount() {
  const { t, number } = useT();
  const query = useQuery({
    queryKey: marketplaceKeys.searcher,
    queryFn: ({ signal }) => searcherApi.me(signal),
  });
  const s = query.data?.searcher;
  return (
    <section className="card mt-6" aria-labelledby="searcher-account">
      <h2 id="searcher-account" className="text-xl font-bold">
        {t('account.searcher.title')}
      </h2>
      {query.isPending && <p className="mt-2">{t('common.loading')}</p>}
      {query.isError && (
        <div className="mt-3">
          <Alert title={t('account.searcher.loadFailed')}>
            <p>{errorMessage(query.error)}</p>
          </Alert>
        </div>
      )}
      {s && (
        <dl className="mt-4 grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]" data-testid="searcher-status">
          <dt className="font-semibold text-stone-700">{t('account.searcher.organisation')}</dt>
          <dd>{s.organisation ?? '—'}</dd>
          <dt className="font-semibold text-stone-700">{t('account.searcher.emailConfirmed')}</dt>
          <dd>{s.emailVerified ? t('account.my.yes') : t('account.searcher.emailNotYet')}</dd>
          <dt className="font-semibold text-stone-700">{t('account.searcher.seenToday')}</dt>
          <dd>{t('account.searcher.seenCount', { seen: number(s.revealsToday), limit: number(s.revealsPerDay) })}</dd>
          <dt className="font-semibold text-stone-700">{t('account.searcher.terms')}</dt>
          <dd>{t('account.searcher.termsOn', { date: formatDate(s.termsAcceptedAt), version: s.termsVersion })}</dd>
          {s.blocked && (
            <>
              <dt className="font-semibold text-stone-700">{t('account.searcher.access')}</dt>
              <dd className="text-red-800">{t('account.searcher.blocked')}</dd>
            </>
          )}
        </dl>
      )}
      <p className="mt-6">
        <Link to="/marketplace" className="btn-primary">
          {t('account.searcher.find')}
        </Link>
      </p>
    </section>
  );
}
