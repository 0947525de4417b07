import { ListStates } from '../../components/ListStates';
import { Link } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { lgaName } from '@oslrs/core';
import { queryKeys, registry } from '../../api/endpoints';
import { PageHeading } from '../../components/Page';
import { formatDate } from '../../lib/format';
import { ASSESSORS, BandBadge, Pager, RespondentItem, RoleGate, useCursorPages } from './shared';

/** The assessor's queue: flagged records (medium band or above) first, then a random sample of clean ones. */
export default function VerificationQueue() {
  return (
    <RoleGate roles={ASSESSORS} title="Verification queue">
      <Queue />
    </RoleGate>
  );
}

function Queue() {
  const pages = useCursorPages();
  const query = useQuery({
    queryKey: queryKeys.verificationQueue(pages.cursor),
    queryFn: ({ signal }) => registry.queue(pages.cursor, signal),
    placeholderData: keepPreviousData,
  });
  const data = query.data;
  return (
    <>
      <PageHeading>Verification queue</PageHeading>
      <p className="mt-2 text-stone-800">
        Records with a submission flagged medium or above, then {data ? `${data.samplePercent} %` : 'a share'} of clean
        records picked at random. Open a record to verify or reject it.
      </p>
      <p className="mt-2">
        <Link to="/registry/duplicates" className="link">
          Likely duplicates
        </Link>
      </p>
      <ListStates
        query={query}
        items={data?.items}
        errorTitle="Could not load the queue"
        empty="Nothing waiting. Well done."
      />
      {data && data.items.length > 0 && (
        <ul
          className="mt-6 divide-y divide-stone-200 rounded-lg border border-stone-300 bg-white"
          aria-label="Waiting records"
        >
          {data.items.map((r) => (
            <RespondentItem
              key={r.id}
              person={r}
              facts={
                <>
                  {r.lga ? (lgaName(r.lga) ?? r.lga) : 'No LGA'} · registered {formatDate(r.createdAt)} ·{' '}
                  {r.reason === 'flagged' ? 'flagged' : 'random sample'}
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
