import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { Role } from '@oslrs/core';
import { useAuth } from '../../auth/AuthContext';
import { PageHeading } from '../../components/Page';
import { t as translate, useT } from '../../i18n';
import { labelOf } from '../../lib/labels';

/** Who opens the registry (supervisors: their LGA only) and who works the assessor queues. */
export const OVERSEERS: readonly Role[] = ['super_admin', 'supervisor', 'verification_assessor', 'government_official'];
export const ASSESSORS: readonly Role[] = ['super_admin', 'verification_assessor'];

/** A page this role may not open says so, instead of silently sending the person elsewhere. */
export function RoleGate({ roles, title, children }: { roles: readonly Role[]; title: string; children: ReactNode }) {
  const { t } = useT();
  const { user } = useAuth();
  if (!user) return null;
  if (roles.includes(user.role)) return children;
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <div className="card mt-6" role="status">
        <p>
          {t('staff.gate.body', {
            roles: roles.map((r) => t(`common.role.${r}`)).join(', '),
            role: t(`common.role.${user.role}`),
          })}
        </p>
        <p className="mt-4">
          <Link to="/app" className="link">
            {t('staff.gate.back')}
          </Link>
        </p>
      </div>
    </>
  );
}

/**
 * Keyset paging in the browser: the cursors of the pages seen so far, so "Newer" goes back and
 * "Older" goes on. `reset` starts again at the first page (a filter changed).
 */
export function useCursorPages() {
  const [stack, setStack] = useState<string[]>([]);
  const cursor = stack[stack.length - 1];
  return {
    cursor,
    page: stack.length + 1,
    next: (c: string) => setStack((s) => [...s, c]),
    previous: () => setStack((s) => s.slice(0, -1)),
    reset: () => setStack([]),
  };
}

export function Pager({
  pages,
  nextCursor,
  olderLabel,
  newerLabel,
}: {
  pages: ReturnType<typeof useCursorPages>;
  nextCursor: string | null | undefined;
  olderLabel?: string;
  newerLabel?: string;
}) {
  const { t } = useT();
  if (pages.page === 1 && !nextCursor) return null;
  return (
    <nav aria-label={t('common.pages')} className="mt-6 flex flex-wrap items-center gap-3">
      <button type="button" className="btn-secondary" disabled={pages.page === 1} onClick={pages.previous}>
        {newerLabel ?? t('common.previousPage')}
      </button>
      <span className="text-stone-700">{t('common.page', { page: pages.page })}</span>
      <button
        type="button"
        className="btn-secondary"
        disabled={!nextCursor}
        onClick={() => nextCursor && pages.next(nextCursor)}
      >
        {olderLabel ?? t('common.nextPage')}
      </button>
    </nav>
  );
}

const STATUS_STYLES: Record<string, string> = {
  active: 'bg-stone-100 text-stone-900 ring-stone-300',
  pending_nin_capture: 'bg-amber-100 text-amber-950 ring-amber-300',
  imported_unverified: 'bg-amber-100 text-amber-950 ring-amber-300',
  verified: 'bg-green-100 text-green-950 ring-green-300',
  rejected: 'bg-red-100 text-red-950 ring-red-300',
  merged: 'bg-stone-200 text-stone-900 ring-stone-400',
};

export function RespondentStatus({ status }: { status: string }) {
  const { t } = useT();
  return (
    <span
      data-testid="respondent-status"
      className={`inline-block rounded-full px-2.5 py-0.5 text-sm font-medium ring-1 ring-inset ${STATUS_STYLES[status] ?? STATUS_STYLES.active}`}
    >
      {labelOf(t, 'staff.registry.status', status)}
    </span>
  );
}

const BAND_STYLES: Record<string, string> = {
  clean: 'bg-stone-100 text-stone-900 ring-stone-300',
  low: 'bg-amber-50 text-amber-950 ring-amber-200',
  medium: 'bg-amber-100 text-amber-950 ring-amber-400',
  high: 'bg-red-100 text-red-950 ring-red-300',
  critical: 'bg-red-200 text-red-950 ring-red-500',
};

export function BandBadge({ band, score }: { band: string; score?: number }) {
  const { t } = useT();
  return (
    <span
      className={`inline-block rounded-full px-2.5 py-0.5 text-sm font-medium ring-1 ring-inset ${BAND_STYLES[band] ?? BAND_STYLES.clean}`}
    >
      {score !== undefined
        ? t('staff.registry.fraudScore', { band: labelOf(t, 'staff.registry.band', band), score })
        : t('staff.registry.fraud', { band: labelOf(t, 'staff.registry.band', band) })}
    </span>
  );
}

export function personName(r: { surname: string | null; firstname: string | null }): string {
  return [r.firstname, r.surname].filter(Boolean).join(' ') || translate('staff.registry.noName');
}

/** One respondent in a list: the name (a link to the record), a line of facts, and a badge. */
export function RespondentItem({
  person,
  facts,
  badge,
}: {
  person: { id: string; surname: string | null; firstname: string | null };
  facts: ReactNode;
  badge: ReactNode;
}) {
  return (
    <li className="flex flex-wrap items-center justify-between gap-2 p-4">
      <div className="min-w-0">
        <Link to={`/registry/${person.id}`} className="link font-semibold break-words">
          {personName(person)}
        </Link>
        <p className="text-sm break-words text-stone-700">{facts}</p>
      </div>
      {badge}
    </li>
  );
}
