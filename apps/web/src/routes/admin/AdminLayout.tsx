import { Suspense } from 'react';
import { Link, Outlet } from 'react-router';
import { useAuth } from '../../auth/AuthContext';
import { Brand } from '../../components/Brand';
import { Loading } from '../../components/Loading';
import { NavBar } from '../../components/NavBar';
import { SkipLink } from '../../components/Page';
import { SignOutButton } from '../../components/SignOutButton';
import { OpsAlerts } from './ops/OpsAlerts';
import { useT } from '../../i18n';

/** Every entry stays visible on a phone: the bar wraps instead of scrolling sideways. */
const NAV = [
  { to: '/admin', label: 'Overview' },
  { to: '/reports', label: 'Dashboard' },
  { to: '/admin/staff', label: 'Staff' },
  { to: '/admin/staff/new', label: 'Invite staff' },
  { to: '/admin/staff/import', label: 'Import staff' },
  { to: '/admin/questionnaires', label: 'Questionnaires' },
  { to: '/admin/fraud', label: 'Fraud signals' },
  { to: '/team', label: 'Teams' },
  { to: '/review', label: 'Review' },
  { to: '/registry', label: 'Registry' },
  { to: '/admin/audit', label: 'Audit log' },
  { to: '/admin/reveals', label: 'Contact reveals' },
  { to: '/admin/imports', label: 'Import lists' },
  { to: '/admin/partners', label: 'Partner keys' },
] as const;

export default function AdminLayout() {
  const { user } = useAuth();
  const { t } = useT();
  const items = [...NAV, { to: '/admin/ussd', label: t('ussd.sim.nav') }];
  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink />
      <header className="bg-green-900 text-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 pt-3 md:pb-3">
          <Brand to="/admin" suffix="Admin" />
          <NavBar label="Admin" items={items} />
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
