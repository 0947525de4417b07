import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import type { Role } from '@oslrs/core';
import { HOME_BY_ROLE, homeFor, useAuth } from './AuthContext';
import { Brand } from '../components/Brand';
import { PageHeading } from '../components/Page';
import { SignOutButton } from '../components/SignOutButton';
import { Alert } from '../components/Alert';
import { Loading } from '../components/Loading';
import { errorMessage } from '../api/client';
import { LanguageSwitch, useT } from '../i18n';

/** Shown while the session is checked, or when the check failed for a reason other than "signed out". */
export function SessionGate({ children }: { children: ReactNode }) {
  const { t } = useT();
  const { user, error, retry } = useAuth();
  if (user !== undefined) return children;
  if (error) {
    return (
      <div className="mx-auto max-w-lg p-6">
        <Alert title={t('common.session.checkFailed')}>
          <p>{errorMessage(error)}</p>
          <button type="button" className="btn-secondary mt-3" onClick={retry}>
            {t('common.retry')}
          </button>
        </Alert>
      </div>
    );
  }
  return <Loading label={t('common.session.checking')} />;
}

/**
 * Only signed-in people see the children; others go to /login and come back afterwards.
 * With `role`, a signed-in person without (one of) that role is told so, with a link to their own
 * home, instead of being silently sent elsewhere.
 */
export function RequireAuth({ role, children }: { role?: Role | readonly Role[]; children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  const roles = role === undefined ? undefined : typeof role === 'string' ? [role] : role;
  return (
    <SessionGate>
      {user ? (
        // The generated first-admin password: nothing else opens until it is changed.
        user.mustChangePassword && location.pathname !== '/account/password' ? (
          <Navigate to="/account/password" replace />
        ) : roles && !roles.includes(user.role) ? (
          <NoAccess />
        ) : (
          children
        )
      ) : (
        <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />
      )}
    </SessionGate>
  );
}

/** A page the signed-in person's role may not open. */
export function NoAccess() {
  const { t } = useT();
  const { user } = useAuth();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="bg-green-900 text-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <Brand to={user ? homeFor(user) : '/'} />
          <div className="flex items-center gap-2">
            <LanguageSwitch className="shrink-0" />
            <SignOutButton className="btn border border-white/70 bg-transparent text-white hover:bg-green-800" />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-lg px-4 py-10" data-no-access="">
        <PageHeading title={t('common.noAccess.title')}>{t('common.noAccess.heading')}</PageHeading>
        <p className="mt-4 text-stone-800">{t('common.noAccess.body')}</p>
        {user && (
          <p className="mt-6">
            <Link to={homeFor(user)} className="btn-primary">
              {t('common.noAccess.home')}
            </Link>
          </p>
        )}
      </main>
    </div>
  );
}

/** A `next` destination is honoured only when it is a path on this site the person may open. */
export function safeNext(next: string | null, role: Role): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  // Never back to a one-time link (activation, registration confirmation, reset) or the sign-in itself.
  if (['/login', '/activate', '/register/confirm', '/reset-password'].some((p) => next.startsWith(p))) return null;
  if (next.startsWith('/admin') && role !== 'super_admin') return null;
  // The generic account page is nobody's work: staff (a clerk, an enumerator) land on their own page
  // instead, as when a session that ended on /app is signed back into.
  if (/^\/app\/?(?:[?#]|$)/.test(next) && HOME_BY_ROLE[role] !== '/app') return null;
  return next;
}
