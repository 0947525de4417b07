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

const ACCOUNT: NavItem = { to: '/app', label: 'Account' };

/** Each role's places, its work first; every entry stays visible on a phone (the bar wraps). */
export const NAV_BY_ROLE: Partial<Record<Role, NavItem[]>> = {
  super_admin: [
    { to: '/admin', label: 'Admin' },
    { to: '/reports', label: 'Dashboard' },
    { to: '/team', label: 'Teams' },
    { to: '/review', label: 'Review' },
    { to: '/registry', label: 'Registry' },
    { to: '/verification', label: 'Verification' },
    { to: '/registry/duplicates', label: 'Duplicates' },
    ACCOUNT,
  ],
  supervisor: [
    { to: '/team', label: 'Team' },
    { to: '/review', label: 'Review' },
    { to: '/registry', label: 'Registry' },
    { to: '/messages', label: 'Messages' },
    { to: '/reports', label: 'Dashboard' },
    ACCOUNT,
  ],
  data_entry_clerk: [{ to: '/clerk', label: 'Paper forms' }, ACCOUNT],
  verification_assessor: [
    { to: '/verification', label: 'Verification' },
    { to: '/registry/duplicates', label: 'Duplicates' },
    { to: '/review', label: 'Review' },
    { to: '/registry', label: 'Registry' },
    { to: '/reports', label: 'Dashboard' },
    ACCOUNT,
  ],
  government_official: [
    { to: '/reports', label: 'Dashboard' },
    { to: '/registry', label: 'Registry' },
    { to: '/review', label: 'Submissions' },
    ACCOUNT,
  ],
  enumerator: [{ to: '/collect', label: 'Surveys' }, ACCOUNT],
  public_user: [{ to: '/app', label: 'My registration' }],
  searcher: [{ to: '/marketplace', label: 'Find workers' }, ACCOUNT],
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
  const { user } = useAuth();
  const unread = useUnreadCount(user?.role === 'supervisor');
  const items = ((user && NAV_BY_ROLE[user.role]) ?? [ACCOUNT]).map((item) =>
    item.to === '/messages' && unread > 0 ? { ...item, label: `${item.label} (${unread})` } : item,
  );
  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink />
      <header className="bg-green-900 text-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-1 px-4 pt-3 md:pb-3">
          <Brand to={user ? homeFor(user) : '/app'} />
          <NavBar label="Main" items={items} />
          <div className="ml-auto flex items-center gap-3">
            <span className="hidden max-w-[12rem] truncate text-green-50 sm:inline">{user?.fullName}</span>
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
