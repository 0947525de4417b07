import { Suspense } from 'react';
import { Link, Outlet } from 'react-router';
import { useAuth } from '../../auth/AuthContext';
import { Brand } from '../../components/Brand';
import { Loading } from '../../components/Loading';
import { NavBar } from '../../components/NavBar';
import { SkipLink } from '../../components/Page';
import { SignOutButton } from '../../components/SignOutButton';
import { LanguageSwitch, useT } from '../../i18n';
import { OpsAlerts } from './ops/OpsAlerts';

/** Every entry stays visible on a phone: the bar wraps instead of scrolling sideways. */
const NAV = [
  { to: '/admin', id: 'overview' },
  { to: '/reports', id: 'dashboard' },
  { to: '/admin/staff', id: 'staff' },
  { to: '/admin/staff/new', id: 'invite' },
  { to: '/admin/staff/import', id: 'import' },
  { to: '/admin/questionnaires', id: 'questionnaires' },
  { to: '/admin/fraud', id: 'fraud' },
  { to: '/team', id: 'teams' },
  { to: '/review', id: 'review' },
  { to: '/registry', id: 'registry' },
  { to: '/admin/audit', id: 'audit' },
  { to: '/admin/reveals', id: 'reveals' },
  { to: '/admin/imports', id: 'imports' },
  { to: '/admin/partners', id: 'partners' },
] as const;

export default function AdminLayout() {
  const { user } = useAuth();
  const { t } = useT();
  const items = [
    ...NAV.map(({ to, id }) => ({ to, label: t(`staff.admin.nav.${id}`) })),
    { to: '/admin/ussd', label: t('ussd.sim.nav') },
  ];
  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink />
      <header className="bg-green-900 text-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 pt-3 md:pb-3">
          <Brand to="/admin" suffix={t('staff.admin.nav.brand')} />
          <NavBar label={t('staff.admin.nav.label')} items={items} />
          <div className="ml-auto flex flex-wrap items-center gap-3">
            <LanguageSwitch />
            {/* The name leads to the account page (details, change password). */}
            <Link
              to="/app"
              className="max-w-[12rem] truncate rounded-sm text-green-50 underline-offset-4 hover:underline"
              title={t('staff.admin.nav.account')}
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
