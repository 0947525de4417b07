import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { isLgaCode, lgaName, STAFF_ROLES, STAFF_STATUSES, type Staff } from '@oslrs/core';
import { errorMessage } from '../../../api/client';
import { queryKeys, staff as staffApi, type StaffListParams } from '../../../api/endpoints';
import { Alert } from '../../../components/Alert';
import { SelectField, TextField } from '../../../components/Field';
import { PageHeading } from '../../../components/Page';
import { DataTable, TableHead } from '../../../components/Table';
import { useT, type Translate } from '../../../i18n';
import { useMediaQuery } from '../../../lib/useMediaQuery';
import { LGA_OPTIONS, roleLabel, roleOptions, statusOptions } from './staffOptions';
import { StaffCardsLink } from '../../verify/DocumentLinks';
import { StatusBadge } from './StatusBadge';

const PAGE_SIZES = [25, 50, 100] as const;
const SEARCH_DELAY_MS = 300;

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** The list's state lives in the URL, so reload, back/forward and shared links all work. */
function readParams(params: URLSearchParams): StaffListParams {
  const page = Number(params.get('page'));
  const pageSize = Number(params.get('pageSize'));
  const lga = params.get('lga');
  const q = params.get('q')?.trim();
  return {
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    pageSize: (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : 25,
    status: oneOf(params.get('status'), STAFF_STATUSES),
    role: oneOf(params.get('role'), STAFF_ROLES),
    lga: lga && isLgaCode(lga) ? lga : undefined,
    q: q ? q : undefined,
    // "Count exactly" asks the server for the exact total of a large set (otherwise estimated).
    count: params.get('count') === 'exact' ? 'exact' : undefined,
  };
}

/**
 * A list's total in the active language: "10,234" when counted, "about 10,000" (two significant
 * figures) when the server estimated it (a large set, see the API's `totalExact`).
 */
function formatTotal({ t, number }: Translate, total: number, exact: boolean): string {
  if (exact) return number(total);
  const step = total < 100 ? 1 : 10 ** (Math.floor(Math.log10(total)) - 1);
  return t('staff.admin.list.about', { n: number(Math.round(total / step) * step) });
}

export default function StaffList() {
  const tr = useT();
  const { t } = tr;
  const [params, setParams] = useSearchParams();
  const list = readParams(params);
  const q = list.q ?? '';

  /** Change some search params; any filter change goes back to page 1. */
  function update(changes: Record<string, string | undefined>, options: { replace?: boolean } = {}) {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        if (!('page' in changes)) next.delete('page');
        // An exact count is asked for once: the server then reuses it for the next pages (until a write).
        if (!('count' in changes)) next.delete('count');
        return next;
      },
      { replace: options.replace ?? false },
    );
  }

  // The search box types freely; the URL (and the request) follows after a short pause.
  const [draft, setDraft] = useState(q);
  const [syncedQ, setSyncedQ] = useState(q);
  if (q !== syncedQ) {
    // The URL changed under us (back button, "Clear filters"): show what it says.
    setSyncedQ(q);
    if (draft.trim() !== q) setDraft(q);
  }
  useEffect(() => {
    const wanted = draft.trim();
    if (wanted === q) return;
    const timer = setTimeout(() => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (wanted) next.set('q', wanted);
          else next.delete('q');
          next.delete('page');
          next.delete('count');
          return next;
        },
        { replace: true },
      );
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft, q, setParams]);

  const query = useQuery({
    queryKey: queryKeys.staffList(list),
    queryFn: ({ signal }) => staffApi.list(list, signal),
    placeholderData: keepPreviousData,
  });
  const summary = useQuery({
    queryKey: ['staff', 'summary'],
    queryFn: ({ signal }) => staffApi.summary(signal),
    staleTime: 60_000,
  });
  const data = query.data;
  const totalPages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  // An estimated total (a large set) may be off either way: a full page means there may be a next one.
  const estimated = data ? !data.totalExact : false;
  const lastPage = data ? (estimated ? data.items.length < data.pageSize : list.page >= totalPages) : true;
  const filtered = Boolean(list.status || list.role || list.lga || list.q);
  const wide = useMediaQuery('(min-width: 48rem)');

  return (
    <>
      <PageHeading>{t('staff.admin.list.title')}</PageHeading>
      {summary.data?.fieldStaffThresholdPassed && (
        <div className="mt-4">
          <Alert
            title={t('staff.admin.list.fieldStaff', {
              count: tr.number(summary.data.fieldStaff),
              threshold: tr.number(summary.data.fieldStaffThresholdPassed),
            })}
          >
            <p>{t('staff.admin.list.fieldStaffBody')}</p>
          </Alert>
        </div>
      )}

      <form
        role="search"
        aria-label={t('staff.admin.list.filter')}
        className="mt-6 grid grid-cols-2 gap-4 rounded-lg border border-stone-300 bg-white p-4 lg:grid-cols-6"
        onSubmit={(e) => e.preventDefault()}
      >
        <TextField
          className="col-span-2"
          label={t('staff.admin.list.search')}
          name="q"
          type="search"
          autoComplete="off"
          spellCheck={false}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <SelectField
          label={t('staff.admin.field.status')}
          name="status"
          value={list.status ?? ''}
          onChange={(e) => update({ status: e.target.value })}
          options={[{ value: '', label: t('staff.admin.list.all') }, ...statusOptions()]}
        />
        <SelectField
          label={t('staff.admin.field.role')}
          name="role"
          value={list.role ?? ''}
          onChange={(e) => update({ role: e.target.value })}
          options={[{ value: '', label: t('staff.admin.list.all') }, ...roleOptions()]}
        />
        <SelectField
          label={t('staff.admin.field.lga')}
          name="lga"
          value={list.lga ?? ''}
          onChange={(e) => update({ lga: e.target.value })}
          options={[{ value: '', label: t('staff.admin.list.all') }, ...LGA_OPTIONS]}
        />
        <SelectField
          label={t('staff.admin.list.perPage')}
          name="pageSize"
          value={String(list.pageSize)}
          onChange={(e) => update({ pageSize: e.target.value === '25' ? undefined : e.target.value })}
          options={PAGE_SIZES.map((n) => ({ value: String(n), label: tr.number(n) }))}
        />
      </form>
      <StaffCardsLink filters={{ status: list.status, role: list.role, lga: list.lga, q: list.q }} />

      <div className="mt-6 flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-3">
          <p role="status" className="text-lg font-semibold">
            {data
              ? t('staff.admin.list.count', { count: data.total, total: formatTotal(tr, data.total, data.totalExact) })
              : query.isError
                ? ''
                : t('staff.admin.list.loading')}
          </p>
          {estimated && (
            <button
              type="button"
              className="link"
              disabled={list.count === 'exact' && query.isFetching}
              onClick={() => update({ count: 'exact', page: list.page > 1 ? String(list.page) : undefined })}
            >
              {t('staff.admin.list.countExactly')}
            </button>
          )}
        </div>
        {filtered && (
          <button
            type="button"
            className="btn-secondary"
            onClick={() => {
              setDraft('');
              update({ status: undefined, role: undefined, lga: undefined, q: undefined });
            }}
          >
            {t('staff.admin.list.clearFilters')}
          </button>
        )}
      </div>

      {query.isError && !data && (
        <div className="mt-4">
          <Alert title={t('staff.admin.list.loadFailed')}>
            <p>{errorMessage(query.error)}</p>
            <button type="button" className="btn-secondary mt-2" onClick={() => void query.refetch()}>
              {t('common.retry')}
            </button>
          </Alert>
        </div>
      )}

      {data && data.items.length === 0 && (
        <div className="mt-4 rounded-lg border border-dashed border-stone-400 bg-white p-8 text-center text-stone-800">
          {data.total > 0 ? (
            <p>
              {t('staff.admin.list.emptyPage', { page: tr.number(list.page) })}{' '}
              <button type="button" className="link" onClick={() => update({ page: undefined })}>
                {t('staff.admin.list.firstPage')}
              </button>
            </p>
          ) : filtered ? (
            <p>{t('staff.admin.list.noMatch')}</p>
          ) : (
            <p>
              {t('staff.admin.list.none')}{' '}
              <Link to="/admin/staff/new" className="link">
                {t('staff.admin.list.inviteFirst')}
              </Link>{' '}
              {t('staff.admin.list.or')}{' '}
              <Link to="/admin/staff/import" className="link">
                {t('staff.admin.list.importCsv')}
              </Link>
              .
            </p>
          )}
        </div>
      )}

      {data && data.items.length > 0 && (
        <div
          className={`mt-4 ${query.isPlaceholderData ? 'opacity-60' : ''}`}
          aria-busy={query.isFetching || undefined}
        >
          {wide ? <StaffTable items={data.items} /> : <StaffCards items={data.items} />}
        </div>
      )}

      {data && data.total > 0 && (
        <nav aria-label={t('staff.admin.list.pages')} className="mt-6 flex items-center justify-between gap-3">
          <PageButton disabled={list.page <= 1} onClick={() => update({ page: String(list.page - 1) })}>
            {t('staff.admin.list.previous')}
          </PageButton>
          <p className="text-stone-800">
            {t('staff.admin.list.pageOf', {
              page: tr.number(list.page),
              pages: estimated ? formatTotal(tr, totalPages, false) : tr.number(totalPages),
            })}
          </p>
          <PageButton disabled={lastPage} onClick={() => update({ page: String(list.page + 1) })}>
            {t('staff.admin.list.next')}
          </PageButton>
        </nav>
      )}
    </>
  );
}

/** aria-disabled rather than disabled, so focus stays on the button when you reach the last page. */
function PageButton({ disabled, onClick, children }: { disabled: boolean; onClick: () => void; children: string }) {
  return (
    <button
      type="button"
      className="btn-secondary aria-disabled:cursor-not-allowed aria-disabled:opacity-60"
      aria-disabled={disabled || undefined}
      onClick={() => {
        if (!disabled) onClick();
      }}
    >
      {children}
    </button>
  );
}

function lgaLabel(member: Staff): string {
  if (!member.lga) return '—';
  return member.lgaName ?? lgaName(member.lga) ?? member.lga;
}

function StaffTable({ items }: { items: Staff[] }) {
  const { t, date } = useT();
  return (
    <DataTable caption={t('staff.admin.list.members')} className="rounded-lg border border-stone-300 bg-white">
      <TableHead
        columns={[
          t('staff.admin.list.colName'),
          t('staff.admin.field.email'),
          t('staff.admin.field.role'),
          t('staff.admin.field.lga'),
          t('staff.admin.field.status'),
          t('staff.admin.list.colCreated'),
        ]}
        className="bg-stone-100 text-stone-900"
        cellClassName="px-4 py-3 font-semibold"
      />
      <tbody className="divide-y divide-stone-200">
        {items.map((member) => (
          <tr key={member.id} className="hover:bg-stone-50">
            <th scope="row" className="px-4 py-3 font-normal">
              <Link to={`/admin/staff/${member.id}`} className="link">
                {member.fullName}
              </Link>
            </th>
            <td className="px-4 py-3 break-all">{member.email}</td>
            <td className="px-4 py-3">{roleLabel(member.role)}</td>
            <td className="px-4 py-3">{lgaLabel(member)}</td>
            <td className="px-4 py-3">
              <StatusBadge status={member.status} />
            </td>
            <td className="px-4 py-3 whitespace-nowrap">{date(member.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

function StaffCards({ items }: { items: Staff[] }) {
  const { t, date } = useT();
  return (
    <ul className="space-y-3" aria-label={t('staff.admin.list.members')}>
      {items.map((member) => (
        <li key={member.id} className="rounded-lg border border-stone-300 bg-white p-4">
          <div className="flex items-start justify-between gap-3">
            <Link to={`/admin/staff/${member.id}`} className="link text-lg">
              {member.fullName}
            </Link>
            <StatusBadge status={member.status} />
          </div>
          <p className="mt-1 break-all text-stone-800">{member.email}</p>
          <p className="mt-1 text-stone-800">
            {roleLabel(member.role)} · {lgaLabel(member)}
          </p>
          <p className="mt-1 text-sm text-stone-700">
            {t('staff.admin.list.created', { date: date(member.createdAt) })}
          </p>
        </li>
      ))}
    </ul>
  );
}
