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
import { useT } from '../../i18n';
import { labelOf } from '../../lib/labels';
import { ASSESSORS, Pager, RespondentStatus, RoleGate, personName, useCursorPages } from './shared';

/** Likely duplicates among people without a NIN: side by side; mark them distinct or merge. Nothing merges by itself. */
export default function Duplicates() {
  const { t } = useT();
  return (
    <RoleGate roles={ASSESSORS} title={t('staff.duplicates.title')}>
      <DuplicateQueue />
    </RoleGate>
  );
}

function DuplicateQueue() {
  const { t } = useT();
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
          ? t('staff.duplicates.markedDistinct')
          : t('staff.duplicates.merged', { count: r.movedSubmissions }),
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.registryAll });
    },
  });
  const data = query.data;
  return (
    <>
      <PageHeading>{t('staff.duplicates.title')}</PageHeading>
      <p className="mt-2 text-stone-800">{t('staff.duplicates.intro')}</p>
      {done && (
        <div className="mt-4">
          <Success title={done} />
        </div>
      )}
      {resolve.isError && (
        <div className="mt-4">
          <Alert title={t('staff.duplicates.notSaved')}>
            <p>{errorMessage(resolve.error)}</p>
          </Alert>
        </div>
      )}
      <ListStates
        query={query}
        items={data?.items}
        errorTitle={t('staff.queue.loadFailed')}
        empty={t('staff.duplicates.empty')}
      />
      <ul className="mt-6 space-y-6" aria-label={t('staff.duplicates.pairs')}>
        {data?.items.map((pair) => (
          <li key={pair.id} className="card">
            <h2 className="text-lg font-bold">
              {t('staff.duplicates.looksAlike', {
                reasons: pair.reasons.map((r) => labelOf(t, 'staff.duplicates.reason', r)).join('; '),
              })}
            </h2>
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
              {t('staff.duplicates.distinct')}
            </button>
          </li>
        ))}
      </ul>
      <Pager pages={pages} nextCursor={data?.nextCursor} />
    </>
  );
}

function Side({ side, onKeep, disabled }: { side: DuplicatePair['a']; onKeep: () => void; disabled: boolean }) {
  const { t } = useT();
  return (
    <div className="rounded-md border border-stone-300 p-3">
      <p className="font-semibold break-words">
        <Link to={`/registry/${side.id}`} className="link">
          {personName(side)}
        </Link>
      </p>
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm break-words">
        <dt>{t('staff.registry.statusLabel')}</dt>
        <dd>
          <RespondentStatus status={side.status} />
        </dd>
        <dt>NIN</dt>
        <dd>{side.nin ?? t('staff.duplicates.noNin')}</dd>
        <dt>{t('staff.respondent.phone')}</dt>
        <dd>{side.phone ?? '—'}</dd>
        <dt>{t('staff.duplicates.born')}</dt>
        <dd>{side.dob ?? '—'}</dd>
        <dt>{t('staff.registry.lga')}</dt>
        <dd>{side.lga ? (lgaName(side.lga) ?? side.lga) : '—'}</dd>
        <dt>{t('staff.respondent.registered')}</dt>
        <dd>
          {formatDate(side.createdAt)} ({labelOf(t, 'staff.registry.channel', side.source)})
        </dd>
        <dt>{t('staff.duplicates.surveys')}</dt>
        <dd>{side.submissionCount}</dd>
      </dl>
      <button type="button" className="btn-primary mt-3" disabled={disabled} onClick={onKeep}>
        {t('staff.duplicates.keep')}
      </button>
    </div>
  );
}
