import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import type { Role } from '@oslrs/core';
import { homeFor, useAuth } from './AuthContext';
import { Brand } from '../components/Brand';
import { PageHeading } from '../components/Page';
import { SignOutButton } from '../components/SignOutButton';
import { Alert } from '../components/Alert';
import { Loading } from '../components/Loading';
import { errorMessage } from '../api/client';

/** Shown while the session is checked, or when the check failed for a reason other than "signed out". */
export function SessionGate({ children }: { children: ReactNode }) {
  const { user, error, retry } = useAuth();
  if (user !== undefined) return children;
  if (error) {
    return (
      <div className="mx-auto max-w-lg p-6">
        <Alert title="Could not check your sign-in">
          <p>{errorMessage(error)}</p>
          <button type="button" className="btn-secondary mt-3" onClick={retry}>
            Try again
          </button>
        </Alert>
      </div>
    );
  }
  return <Loading label="Checking your sign-in…" />;
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
  const { user } = useAuth();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="bg-green-900 text-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <Brand to={user ? homeFor(user) : '/'} />
          <SignOutButton className="btn border border-white/70 bg-transparent text-white hover:bg-green-800" />
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-lg px-4 py-10" data-no-access="">
        <PageHeading title="No access">You don&rsquo;t have access to this page</PageHeading>
        <p className="mt-4 text-stone-800">
          This page is for another role. If you think you should be able to open it, ask the registry&rsquo;s super
          admin.
        </p>
        {user && (
          <p className="mt-6">
            <Link to={homeFor(user)} className="btn-primary">
              Go to your start page
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
  return next;
}
