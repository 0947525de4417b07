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
import { useT } from '../../i18n';
import { labelOf } from '../../lib/labels';
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

/** Browse and search the registry (supervisors: their LGA). Every page shown is audited by the API. */
export default function RegistryList() {
  const { t } = useT();
  return (
    <RoleGate roles={OVERSEERS} title={t('staff.registry.title')}>
      <Registry />
    </RoleGate>
  );
}

function Registry() {
  const { t } = useT();
  const statusOptions = [
    { value: '', label: t('common.all') },
    ...RESPONDENT_STATUSES.map((s) => ({ value: s, label: labelOf(t, 'staff.registry.status', s) })),
  ];
  const lgaOptions = [{ value: '', label: t('common.all') }, ...LGAS.map((l) => ({ value: l.code, label: l.name }))];
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
      <PageHeading>{t('staff.registry.title')}</PageHeading>
      <p className="mt-2 text-stone-800">
        {statewide
          ? t('staff.registry.introState')
          : t('staff.registry.introLga', { lga: lgaName(user?.lga ?? '') ?? t('staff.registry.yourLga') })}{' '}
        {t('staff.registry.audited')}
      </p>
      {user && ASSESSORS.includes(user.role) && (
        <p className="mt-2 flex flex-wrap gap-x-4">
          <Link to="/verification" className="link">
            {t('staff.verification.title')}
          </Link>
          <Link to="/registry/duplicates" className="link">
            {t('staff.duplicates.title')}
          </Link>
        </p>
      )}
      <form
        role="search"
        aria-label={t('staff.registry.searchLabel')}
        className="mt-6 grid grid-cols-1 gap-4 rounded-lg border border-stone-300 bg-white p-4 sm:grid-cols-3"
        onSubmit={(e) => e.preventDefault()}
      >
        <TextField
          className="sm:col-span-3"
          label={t('staff.registry.search')}
          name="q"
          type="search"
          autoComplete="off"
          spellCheck={false}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <SelectField
          label={t('staff.registry.statusLabel')}
          name="status"
          value={filters.status ?? ''}
          onChange={(e) => update('status', e.target.value)}
          options={statusOptions}
        />
        {statewide && (
          <SelectField
            label={t('staff.registry.lga')}
            name="lga"
            value={filters.lga ?? ''}
            onChange={(e) => update('lga', e.target.value)}
            options={lgaOptions}
          />
        )}
      </form>

      <ListStates
        query={query}
        items={data?.items}
        errorTitle={t('staff.registry.loadFailed')}
        empty={t('staff.registry.empty')}
      />
      {data && data.items.length > 0 && (
        <ul
          className="mt-6 divide-y divide-stone-200 rounded-lg border border-stone-300 bg-white"
          aria-label={t('staff.registry.listLabel')}
        >
          {data.items.map((r) => (
            <RespondentItem
              key={r.id}
              person={r}
              facts={
                <>
                  {r.lga ? (lgaName(r.lga) ?? r.lga) : t('staff.registry.noLga')} ·{' '}
                  {labelOf(t, 'staff.registry.channel', r.source)} ·{' '}
                  {t('staff.registry.registeredOn', { date: formatDate(r.createdAt) })} ·{' '}
                  {r.nin ? t('staff.registry.ninValue', { nin: r.nin }) : t('staff.registry.noNinYet')}
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
