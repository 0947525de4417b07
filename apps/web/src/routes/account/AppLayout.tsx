import { Link, Outlet } from 'react-router';
import type { Role } from '@oslrs/core';
import { useAuth } from '../../auth/AuthContext';
import { Brand } from '../../components/Brand';
import { SkipLink } from '../../components/Page';
import { SignOutButton } from '../../components/SignOutButton';
import { Footer } from '../public/PublicLayout';

/** Oversight pages by role (the registry, the assessor's queues). */
const OVERSIGHT_NAV: { to: string; label: string; roles: readonly Role[] }[] = [
  {
    to: '/registry',
    label: 'Registry',
    roles: ['super_admin', 'supervisor', 'verification_assessor', 'government_official'],
  },
  { to: '/verification', label: 'Verification', roles: ['super_admin', 'verification_assessor'] },
  { to: '/registry/duplicates', label: 'Duplicates', roles: ['super_admin', 'verification_assessor'] },
];

/** The frame for signed-in staff outside the admin area (/app, /account/*, /registry, /verification). */
export default function AppLayout() {
  const { user } = useAuth();
  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink />
      <header className="bg-green-900 text-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <Brand to="/app" />
          <div className="flex items-center gap-3">
            {user?.role === 'super_admin' && (
              <Link to="/admin/staff" className="rounded-sm font-semibold text-white underline underline-offset-4">
                Staff admin
              </Link>
            )}
            <span className="hidden text-green-50 sm:inline">{user?.fullName}</span>
            <SignOutButton className="btn border border-white/70 bg-transparent text-white hover:bg-green-800" />
          </div>
        </div>
      </header>
      {user && OVERSIGHT_NAV.some((n) => n.roles.includes(user.role)) && (
        <nav aria-label="Oversight" className="border-b border-stone-300 bg-white">
          <ul className="mx-auto flex max-w-5xl flex-wrap gap-x-4 px-4 py-2">
            {OVERSIGHT_NAV.filter((n) => n.roles.includes(user.role)).map((n) => (
              <li key={n.to}>
                <Link to={n.to} className="link font-semibold">
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-3xl flex-1 px-4 py-8">
        <Outlet />
      </main>
      <Footer />
    </div>
  );
}
