import { Suspense } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { useAuth } from '../../auth/AuthContext';
import { Brand } from '../../components/Brand';
import { Loading } from '../../components/Loading';
import { SkipLink } from '../../components/Page';
import { SignOutButton } from '../../components/SignOutButton';
import { OpsAlerts } from './ops/OpsAlerts';

const NAV = [
  { to: '/admin/staff', label: 'Staff' },
  { to: '/admin/staff/new', label: 'Invite staff' },
  { to: '/admin/staff/import', label: 'Import staff' },
  { to: '/admin/questionnaires', label: 'Questionnaires' },
  { to: '/admin/fraud', label: 'Fraud signals' },
  { to: '/admin/audit', label: 'Audit log' },
  { to: '/registry', label: 'Registry' },
] as const;

/** Which nav entry the current path belongs to: a staff member's page counts as "Staff", a builder as "Questionnaires". */
function currentNav(pathname: string): string | undefined {
  if (pathname.startsWith('/admin/staff/new')) return '/admin/staff/new';
  if (pathname.startsWith('/admin/staff/import')) return '/admin/staff/import';
  if (pathname.startsWith('/admin/staff')) return '/admin/staff';
  if (pathname.startsWith('/admin/questionnaires')) return '/admin/questionnaires';
  if (pathname.startsWith('/admin/fraud')) return '/admin/fraud';
  if (pathname.startsWith('/admin/audit')) return '/admin/audit';
  return undefined;
}

export default function AdminLayout() {
  const { user } = useAuth();
  const { pathname } = useLocation();
  const current = currentNav(pathname);
  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink />
      <header className="bg-green-900 text-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 pt-3 md:pb-3">
          <Brand to="/admin/staff" suffix="Admin" />
          {/* On phones the nav drops to its own full-width row under the name and "Sign out". */}
          <nav aria-label="Admin" className="order-last -mx-4 w-[calc(100%+2rem)] md:order-none md:mx-0 md:w-auto">
            <ul className="flex overflow-x-auto border-t border-green-800 px-2 md:border-0 md:px-0">
              {NAV.map((item) => (
                <li key={item.to}>
                  <Link
                    to={item.to}
                    aria-current={current === item.to ? 'page' : undefined}
                    className="block rounded-sm px-3 py-3 font-semibold whitespace-nowrap text-white no-underline hover:underline aria-[current=page]:underline aria-[current=page]:decoration-amber-300 aria-[current=page]:decoration-4 aria-[current=page]:underline-offset-8 md:py-2"
                  >
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="ml-auto flex items-center gap-3">
            {/* The name leads to the account page (details, change password). */}
            <Link
              to="/app"
              className="max-w-[12rem] truncate rounded-sm text-green-50 underline-offset-4 hover:underline"
              title="Your account"
            >
              {user?.fullName}
            </Link>
            <SignOutButton className="btn min-h-10 border border-white/70 bg-transparent px-3 py-1.5 text-white hover:bg-green-800" />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:py-8">
        <OpsAlerts />
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
