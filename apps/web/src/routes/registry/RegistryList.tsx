import { ListStates } from '../../components/ListStates';
import { useSetParam } from '../../lib/useSetParam';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { isLgaCode, lgaName, LGAS, RESPONDENT_STATUSES, type RespondentStatus } from '@oslrs/core';
import { useAuth } from '../../auth/AuthContext';
import { queryKeys, registry } from '../../api/endpoints';
import { SelectField, TextField } from '../../components/Field';
import { PageHeading } from '../../components/Page';
import { formatDate } from '../../lib/format';
import {
  ASSESSORS,
  OVERSEERS,
  Pager,
  RespondentStatus as StatusBadge,
  RoleGate,
  RespondentItem,
  useCursorPages,
} from './shared';

const SEARCH_DELAY_MS = 300;
const STATUS_OPTIONS = [
  { value: '', label: 'All' },
  ...RESPONDENT_STATUSES.map((s) => ({ value: s, label: s.replace(/_/g, ' ') })),
];
const LGA_OPTIONS = [{ value: '', label: 'All' }, ...LGAS.map((l) => ({ value: l.code, label: l.name }))];

/** Browse and search the registry (supervisors: their LGA). Every page shown is audited by the API. */
export default function RegistryList() {
  return (
    <RoleGate roles={OVERSEERS} title="Registry">
      <Registry />
    </RoleGate>
  );
}

function Registry() {
  const { user } = useAuth();
  const [params] = useSearchParams();
  const setParam = useSetParam();
  const status = params.get('status');
  const lga = params.get('lga');
  const q = params.get('q')?.trim() ?? '';
  const filters = {
    status:
      status && (RESPONDENT_STATUSES as readonly string[]).includes(status) ? (status as RespondentStatus) : undefined,
    lga: lga && isLgaCode(lga) ? lga : undefined,
    q: q.length >= 2 ? q : undefined,
  };
  const pages = useCursorPages();
  const [draft, setDraft] = useState(q);
  const { reset } = pages;
  useEffect(() => {
    const wanted = draft.trim();
    if (wanted === q) return;
    const timer = setTimeout(() => {
      reset();
      setParam('q', wanted, { replace: true });
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft, q, setParam, reset]);

  const update = (key: string, value: string) => {
    pages.reset();
    setParam(key, value);
  };

  const params_ = { ...filters, cursor: pages.cursor, limit: 25 };
  const query = useQuery({
    queryKey: queryKeys.registryList(params_),
    queryFn: ({ signal }) => registry.list(params_, signal),
    placeholderData: keepPreviousData,
  });
  const data = query.data;
  const statewide = user?.role !== 'supervisor';

  return (
    <>
      <PageHeading>Registry</PageHeading>
      <p className="mt-2 text-stone-800">
        {statewide
          ? 'Every respondent in the state, newest first.'
          : `Respondents in ${lgaName(user?.lga ?? '') ?? 'your LGA'}, newest first.`}{' '}
        Each page you open is recorded in the audit log.
      </p>
      {user && ASSESSORS.includes(user.role) && (
        <p className="mt-2 flex flex-wrap gap-x-4">
          <Link to="/verification" className="link">
            Verification queue
          </Link>
          <Link to="/registry/duplicates" className="link">
            Likely duplicates
          </Link>
        </p>
      )}
      <form
        role="search"
        aria-label="Search the registry"
        className="mt-6 grid grid-cols-1 gap-4 rounded-lg border border-stone-300 bg-white p-4 sm:grid-cols-3"
        onSubmit={(e) => e.preventDefault()}
      >
        <TextField
          className="sm:col-span-3"
          label="Search: a name, or an exact NIN or phone number"
          name="q"
          type="search"
          autoComplete="off"
          spellCheck={false}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <SelectField
          label="Status"
          name="status"
          value={filters.status ?? ''}
          onChange={(e) => update('status', e.target.value)}
          options={STATUS_OPTIONS}
        />
        {statewide && (
          <SelectField
            label="LGA"
            name="lga"
            value={filters.lga ?? ''}
            onChange={(e) => update('lga', e.target.value)}
            options={LGA_OPTIONS}
          />
        )}
      </form>

      <ListStates
        query={query}
        items={data?.items}
        errorTitle="Could not load the registry"
        empty="No respondents match."
      />
      {data && data.items.length > 0 && (
        <ul
          className="mt-6 divide-y divide-stone-200 rounded-lg border border-stone-300 bg-white"
          aria-label="Respondents"
        >
          {data.items.map((r) => (
            <RespondentItem
              key={r.id}
              person={r}
              facts={
                <>
                  {r.lga ? (lgaName(r.lga) ?? r.lga) : 'No LGA'} · {r.source} · registered {formatDate(r.createdAt)}
                  {r.nin ? ` · NIN ${r.nin}` : ' · no NIN yet'}
                </>
              }
              badge={<StatusBadge status={r.status} />}
            />
          ))}
        </ul>
      )}
      <Pager pages={pages} nextCursor={data?.nextCursor} />
    </>
  );
}
