import { Suspense } from 'react';
import { Outlet } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import type { Role } from '@oslrs/core';
import { messagesApi } from '../../api/supervision';
import { homeFor, useAuth } from '../../auth/AuthContext';
import { Brand } from '../../components/Brand';
import { Loading } from '../../components/Loading';
import { NavBar, type NavItem } from '../../components/NavBar';
import { SkipLink } from '../../components/Page';
import { SignOutButton } from '../../components/SignOutButton';
import { Footer } from '../public/PublicLayout';
import { LanguageSwitch, useT } from '../../i18n';

const ACCOUNT: NavItem = { to: '/app', label: 'staff.nav.account' };

/** Each role's places, its work first (labels are message ids); every entry stays visible on a phone (the bar wraps). */
export const NAV_BY_ROLE: Partial<Record<Role, NavItem[]>> = {
  super_admin: [
    { to: '/admin', label: 'staff.nav.admin' },
    { to: '/reports', label: 'staff.nav.dashboard' },
    { to: '/team', label: 'staff.nav.teams' },
    { to: '/review', label: 'staff.nav.review' },
    { to: '/registry', label: 'staff.nav.registry' },
    { to: '/verification', label: 'staff.nav.verification' },
    { to: '/registry/duplicates', label: 'staff.nav.duplicates' },
    ACCOUNT,
  ],
  supervisor: [
    { to: '/team', label: 'staff.nav.team' },
    { to: '/review', label: 'staff.nav.review' },
    { to: '/registry', label: 'staff.nav.registry' },
    { to: '/messages', label: 'staff.nav.messages' },
    { to: '/reports', label: 'staff.nav.dashboard' },
    ACCOUNT,
  ],
  data_entry_clerk: [{ to: '/clerk', label: 'staff.nav.paperForms' }, ACCOUNT],
  verification_assessor: [
    { to: '/verification', label: 'staff.nav.verification' },
    { to: '/registry/duplicates', label: 'staff.nav.duplicates' },
    { to: '/review', label: 'staff.nav.review' },
    { to: '/registry', label: 'staff.nav.registry' },
    { to: '/reports', label: 'staff.nav.dashboard' },
    ACCOUNT,
  ],
  government_official: [
    { to: '/reports', label: 'staff.nav.dashboard' },
    { to: '/registry', label: 'staff.nav.registry' },
    { to: '/review', label: 'staff.nav.submissions' },
    ACCOUNT,
  ],
  enumerator: [{ to: '/collect', label: 'staff.nav.surveys' }, ACCOUNT],
  public_user: [{ to: '/app', label: 'staff.nav.myRegistration' }],
  searcher: [{ to: '/marketplace', label: 'staff.nav.findWorkers' }, ACCOUNT],
};

/** The frame for signed-in staff outside the admin and collect areas (/app, /account/*, /team, /messages, …). */
/** A supervisor's unread messages, for the nav (the same cheap, ETag-revalidated poll as the PWA's). */
function useUnreadCount(enabled: boolean): number {
  const unread = useQuery({
    queryKey: ['messages', 'unread'],
    queryFn: ({ signal }) => messagesApi.unread(signal),
    enabled,
    refetchInterval: 60_000,
  });
  return unread.data?.unread ?? 0;
}

export default function AppLayout({ wide = false }: { wide?: boolean }) {
  const { t } = useT();
  const { user } = useAuth();
  const unread = useUnreadCount(user?.role === 'supervisor');
  const items = ((user && NAV_BY_ROLE[user.role]) ?? [ACCOUNT]).map((item) => ({
    ...item,
    label: item.to === '/messages' && unread > 0 ? t('staff.nav.messagesUnread', { count: unread }) : t(item.label),
  }));
  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink />
      <header className="bg-green-900 text-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-1 px-4 pt-3 md:pb-3">
          <Brand to={user ? homeFor(user) : '/app'} />
          <NavBar label={t('common.nav.main')} items={items} />
          <div className="ml-auto flex items-center gap-2 sm:gap-3">
            <span className="hidden max-w-[12rem] truncate text-green-50 sm:inline">{user?.fullName}</span>
            <LanguageSwitch className="shrink-0" />
            <SignOutButton className="btn min-h-10 border border-white/70 bg-transparent px-3 py-1.5 text-white hover:bg-green-800" />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className={`mx-auto w-full flex-1 px-4 py-8 ${wide ? 'max-w-5xl' : 'max-w-3xl'}`}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <Footer />
    </div>
  );
}
