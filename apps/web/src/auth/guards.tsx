import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { Role } from '@oslrs/core';
import { useAuth } from './AuthContext';
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
 * With `role`, a signed-in person without that role is sent to their own home instead.
 */
export function RequireAuth({ role, children }: { role?: Role; children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  return (
    <SessionGate>
      {user ? (
        role && user.role !== role ? (
          <Navigate to="/app" replace />
        ) : (
          children
        )
      ) : (
        <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />
      )}
    </SessionGate>
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
