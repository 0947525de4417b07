import { ListStates } from '../../../components/ListStates';
import { useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AuditQuery } from '@oslrs/core';
import { auditLog, queryKeys } from '../../../api/endpoints';
import { TextField } from '../../../components/Field';
import { PageHeading } from '../../../components/Page';
import { useT } from '../../../i18n';
import { Pager, useCursorPages } from '../../registry/shared';
import { roleLabel } from '../staff/staffOptions';

type Filters = Pick<AuditQuery, 'actor' | 'action' | 'targetType' | 'targetId' | 'from' | 'to'>;
const EMPTY: Record<keyof Filters, string> = { actor: '', action: '', targetType: '', targetId: '', from: '', to: '' };

/** A datetime-local value (West Africa Time, UTC+1) as an ISO instant. */
const toIso = (local: string) => (local ? new Date(`${local}:00+01:00`).toISOString() : undefined);

/** The super admin's audit log: filters, newest first, "Older" pages (keyset: as fast at page 10,000 as at page 1). */
export default function AuditLog() {
  const { t, date } = useT();
  const [draft, setDraft] = useState(EMPTY);
  const [filters, setFilters] = useState<Filters>({});
  const pages = useCursorPages();
  const params: AuditQuery = { ...filters, cursor: pages.cursor, limit: 50 };
  const query = useQuery({
    queryKey: queryKeys.audit(params),
    queryFn: ({ signal }) => auditLog.page(params, signal),
    placeholderData: keepPreviousData,
  });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    pages.reset();
    setFilters({
      actor: draft.actor.trim() || undefined,
      action: draft.action.trim() || undefined,
      targetType: draft.targetType.trim() || undefined,
      targetId: draft.targetId.trim() || undefined,
      from: toIso(draft.from),
      to: toIso(draft.to),
    });
  };
  const field = (key: keyof Filters, label: string, type = 'text') => (
    <TextField
      label={label}
      name={key}
      type={type}
      autoComplete="off"
      spellCheck={false}
      value={draft[key]}
      onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))}
    />
  );
  const data = query.data;
  return (
    <>
      <PageHeading>{t('staff.admin.audit.title')}</PageHeading>
      <p className="mt-2 text-stone-800">{t('staff.admin.audit.intro')}</p>
      <form
        aria-label={t('staff.admin.audit.filter')}
        className="mt-6 grid grid-cols-1 gap-4 rounded-lg border border-stone-300 bg-white p-4 sm:grid-cols-2 lg:grid-cols-3"
        onSubmit={apply}
      >
        {field('actor', t('staff.admin.audit.actor'))}
        {field('action', t('staff.admin.audit.action', { example: 'respondent.viewed' }))}
        {field('targetType', t('staff.admin.audit.targetType', { example: 'respondent' }))}
        {field('targetId', t('staff.admin.audit.targetId'))}
        {field('from', t('staff.admin.audit.from'), 'datetime-local')}
        {field('to', t('staff.admin.audit.before'), 'datetime-local')}
        <div className="flex flex-wrap items-end gap-3">
          <button type="submit" className="btn-primary">
            {t('staff.admin.audit.apply')}
          </button>
          <button
            type="button"
            className="btn-secondary"
            onClick={() => {
              setDraft(EMPTY);
              setFilters({});
              pages.reset();
            }}
          >
            {t('staff.admin.audit.clear')}
          </button>
        </div>
      </form>
      <ListStates
        query={query}
        items={data?.items}
        errorTitle={t('staff.admin.audit.loadFailed')}
        empty={t('staff.admin.audit.empty')}
      />
      {data && data.items.length > 0 && (
        <ol
          className="mt-6 divide-y divide-stone-200 rounded-lg border border-stone-300 bg-white"
          aria-label={t('staff.admin.audit.entries')}
        >
          {data.items.map((e) => (
            <li key={e.id} className="p-3 text-sm break-words">
              <p>
                <span className="font-semibold">{e.action}</span> ·{' '}
                {date(e.at, { dateStyle: 'medium', timeStyle: 'short' })}
              </p>
              <p className="text-stone-700">
                {t('staff.admin.audit.by', {
                  actor: e.actorRole ? roleLabel(e.actorRole) : t('staff.admin.audit.system'),
                })}
                {e.actorId ? ` (${e.actorId})` : ''}
                {e.ip ? ` ${t('staff.admin.audit.fromIp', { ip: e.ip })}` : ''}
                {e.targetType ? ` · ${e.targetType}` : ''}
                {e.targetId ? ` ${e.targetId}` : ''}
              </p>
              {e.after !== undefined && (
                <pre className="mt-1 overflow-x-auto rounded bg-stone-50 p-2 text-xs whitespace-pre-wrap">
                  {JSON.stringify(e.after)}
                </pre>
              )}
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
