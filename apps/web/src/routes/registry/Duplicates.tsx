import { ListStates } from '../../components/ListStates';
import { useState } from 'react';
import { Link } from 'react-router';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lgaName, type DuplicatePair, type ResolveDuplicateBody } from '@oslrs/core';
import { errorMessage } from '../../api/client';
import { queryKeys, registry } from '../../api/endpoints';
import { Alert, Success } from '../../components/Alert';
import { PageHeading } from '../../components/Page';
import { formatDate } from '../../lib/format';
import { ASSESSORS, Pager, RespondentStatus, RoleGate, personName, useCursorPages } from './shared';

const REASONS: Record<string, string> = {
  phone: 'same phone number',
  name_dob_lga: 'same name, date of birth and LGA',
};

/** Likely duplicates among people without a NIN: side by side; mark them distinct or merge. Nothing merges by itself. */
export default function Duplicates() {
  return (
    <RoleGate roles={ASSESSORS} title="Likely duplicates">
      <DuplicateQueue />
    </RoleGate>
  );
}

function DuplicateQueue() {
  const pages = useCursorPages();
  const queryClient = useQueryClient();
  const [done, setDone] = useState<string>();
  const query = useQuery({
    queryKey: queryKeys.duplicates(pages.cursor),
    queryFn: ({ signal }) => registry.duplicates(pages.cursor, signal),
    placeholderData: keepPreviousData,
  });
  const resolve = useMutation({
    mutationFn: ({ id, body }: { id: string; body: ResolveDuplicateBody }) => registry.resolve(id, body),
    onSuccess: (r) => {
      setDone(
        r.status === 'distinct'
          ? 'Marked as two different people.'
          : `Merged: ${r.movedSubmissions} submission(s) moved to the kept record.`,
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.registryAll });
    },
  });
  const data = query.data;
  return (
    <>
      <PageHeading>Likely duplicates</PageHeading>
      <p className="mt-2 text-stone-800">
        People without a NIN who may have been registered twice. Compare the two records; merging keeps every submission
        on the record you keep and marks the other as merged.
      </p>
      {done && (
        <div className="mt-4">
          <Success title={done} />
        </div>
      )}
      {resolve.isError && (
        <div className="mt-4">
          <Alert title="Not saved">
            <p>{errorMessage(resolve.error)}</p>
          </Alert>
        </div>
      )}
      <ListStates
        query={query}
        items={data?.items}
        errorTitle="Could not load the queue"
        empty="No likely duplicates waiting."
      />
      <ul className="mt-6 space-y-6" aria-label="Pairs">
        {data?.items.map((pair) => (
          <li key={pair.id} className="card">
            <h2 className="text-lg font-bold">Looks alike: {pair.reasons.map((r) => REASONS[r] ?? r).join('; ')}</h2>
            <div className="mt-4 grid grid-cols-1 gap-4 sm:grid-cols-2">
              {(['a', 'b'] as const).map((k) => (
                <Side
                  key={k}
                  side={pair[k]}
                  disabled={resolve.isPending}
                  onKeep={() => resolve.mutate({ id: pair.id, body: { action: 'merge', keep: pair[k].id } })}
                />
              ))}
            </div>
            <button
              type="button"
              className="btn-secondary mt-4"
              disabled={resolve.isPending}
              onClick={() => resolve.mutate({ id: pair.id, body: { action: 'distinct' } })}
            >
              Different people
            </button>
          </li>
        ))}
      </ul>
      <Pager pages={pages} nextCursor={data?.nextCursor} />
    </>
  );
}

function Side({ side, onKeep, disabled }: { side: DuplicatePair['a']; onKeep: () => void; disabled: boolean }) {
  return (
    <div className="rounded-md border border-stone-300 p-3">
      <p className="font-semibold break-words">
        <Link to={`/registry/${side.id}`} className="link">
          {personName(side)}
        </Link>
      </p>
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm break-words">
        <dt>Status</dt>
        <dd>
          <RespondentStatus status={side.status} />
        </dd>
        <dt>NIN</dt>
        <dd>{side.nin ?? 'none'}</dd>
        <dt>Phone</dt>
        <dd>{side.phone ?? '—'}</dd>
        <dt>Born</dt>
        <dd>{side.dob ?? '—'}</dd>
        <dt>LGA</dt>
        <dd>{side.lga ? (lgaName(side.lga) ?? side.lga) : '—'}</dd>
        <dt>Registered</dt>
        <dd>
          {formatDate(side.createdAt)} ({side.source})
        </dd>
        <dt>Surveys</dt>
        <dd>{side.submissionCount}</dd>
      </dl>
      <button type="button" className="btn-primary mt-3" disabled={disabled} onClick={onKeep}>
        Merge, keep this one
      </button>
    </div>
  );
}
