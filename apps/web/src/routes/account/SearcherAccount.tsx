import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../api/client';
import { marketplaceKeys, searcherApi } from '../../api/marketplace';
import { Alert } from '../../components/Alert';
import { formatDate } from '../../lib/format';

/** A searcher's standing: email confirmed, reveals left today, blocked or not. */
export function SearcherAccount() {
  const query = useQuery({
    queryKey: marketplaceKeys.searcher,
    queryFn: ({ signal }) => searcherApi.me(signal),
  });
  const s = query.data?.searcher;
  return (
    <section className="card mt-6" aria-labelledby="searcher-account">
      <h2 id="searcher-account" className="text-xl font-bold">
        Your searcher account
      </h2>
      {query.isPending && <p className="mt-2">Loading…</p>}
      {query.isError && (
        <div className="mt-3">
          <Alert title="Your account could not be loaded">
            <p>{errorMessage(query.error)}</p>
          </Alert>
        </div>
      )}
      {s && (
        <dl className="mt-4 grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]" data-testid="searcher-status">
          <dt className="font-semibold text-stone-700">Organisation</dt>
          <dd>{s.organisation ?? '—'}</dd>
          <dt className="font-semibold text-stone-700">Email confirmed</dt>
          <dd>{s.emailVerified ? 'Yes' : 'Not yet: open the link we emailed you'}</dd>
          <dt className="font-semibold text-stone-700">Contacts seen today</dt>
          <dd>
            {s.revealsToday} of {s.revealsPerDay}
          </dd>
          <dt className="font-semibold text-stone-700">Terms accepted</dt>
          <dd>
            {formatDate(s.termsAcceptedAt)} (version {s.termsVersion})
          </dd>
          {s.blocked && (
            <>
              <dt className="font-semibold text-stone-700">Access</dt>
              <dd className="text-red-800">This account may no longer see contact details. Contact the registry.</dd>
            </>
          )}
        </dl>
      )}
      <p className="mt-6">
        <Link to="/marketplace" className="btn-primary">
          Find skilled workers
        </Link>
      </p>
    </section>
  );
}
