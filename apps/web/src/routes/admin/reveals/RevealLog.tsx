import { Link } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { marketplaceApi, marketplaceKeys } from '../../../api/marketplace';
import { ListStates } from '../../../components/ListStates';
import { PageHeading } from '../../../components/Page';
import { formatDateTime } from '../../../lib/format';
import { Pager, useCursorPages } from '../../registry/shared';

/** The super admin's log of contact reveals: who saw whose contact, when, why and from where; newest first. */
export default function RevealLog() {
  const pages = useCursorPages();
  const query = useQuery({
    queryKey: marketplaceKeys.reveals(pages.cursor),
    queryFn: ({ signal }) => marketplaceApi.reveals(pages.cursor, signal),
    placeholderData: keepPreviousData,
  });
  const data = query.data;
  return (
    <>
      <PageHeading>Contact reveals</PageHeading>
      <p className="mt-2 text-stone-800">
        Every time a searcher saw a worker&rsquo;s name and contact details, newest first. The log cannot be changed.
      </p>
      <ListStates
        query={query}
        items={data?.items}
        errorTitle="Could not load the reveal log"
        empty="No contact has been revealed yet."
      />
      {data && data.items.length > 0 && (
        <ol
          className="mt-6 divide-y divide-stone-200 rounded-lg border border-stone-300 bg-white"
          aria-label="Reveals"
          data-testid="reveal-log"
        >
          {data.items.map((r) => (
            <li key={r.id} className="p-3 text-sm break-words" data-testid="reveal-log-item">
              <p>
                <span className="font-semibold">{r.searcher.name}</span>
                {r.searcher.organisation ? ` (${r.searcher.organisation})` : ''} · {formatDateTime(r.at)}
              </p>
              <p className="text-stone-700">
                {r.searcher.email}
                {r.ip ? ` · from ${r.ip}` : ''}
              </p>
              <p className="text-stone-700">
                Profile <span className="font-mono">{r.profileId}</span> ·{' '}
                <Link to={`/registry/${r.respondentId}`} className="link">
                  Open the worker&rsquo;s record
                </Link>
              </p>
              <p className="mt-1">Purpose: {r.purpose}</p>
            </li>
          ))}
        </ol>
      )}
      <Pager pages={pages} nextCursor={data?.nextCursor} olderLabel="Older" newerLabel="Newer" />
    </>
  );
}
