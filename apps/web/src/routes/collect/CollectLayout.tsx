import { Suspense, useEffect, useSyncExternalStore } from 'react';
import { Outlet } from 'react-router';
import type { Role } from '@oslrs/core';
import { useAuth } from '../../auth/AuthContext';
import { NoAccess } from '../../auth/guards';
import { Brand } from '../../components/Brand';
import { Loading } from '../../components/Loading';
import { SkipLink } from '../../components/Page';
import { SignOutButton } from '../../components/SignOutButton';
import { useFieldDataRefresh, useSyncEngine } from '../../offline/hooks';
import { isUpdateReady, registerServiceWorker, subscribeUpdateReady } from '../../offline/serviceWorker';
import { installFieldTools } from '../../offline/tools';
import { useT } from '../../i18n';
import { SyncBar } from './SyncBar';

/** Who may collect surveys on a device. */
export const COLLECT_ROLES: readonly Role[] = ['enumerator', 'data_entry_clerk'];

/** The frame of the collect area (/collect/*): works offline once visited, sends the outbox while open. */
export default function CollectLayout() {
  const { user } = useAuth();
  const { t } = useT();
  const allowed = Boolean(user && COLLECT_ROLES.includes(user.role));
  const userId = allowed ? user?.id : undefined;

  useEffect(() => {
    if (allowed) registerServiceWorker();
  }, [allowed]);
  useEffect(() => (userId ? installFieldTools(userId) : undefined), [userId]);
  useFieldDataRefresh();
  useSyncEngine(userId);
  const updateReady = useSyncExternalStore(subscribeUpdateReady, isUpdateReady, isUpdateReady);

  if (!user) return null; // RequireAuth above decides
  if (!allowed) return <NoAccess />;

  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink />
      <header className="bg-green-900 text-white">
        <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <Brand to="/collect" suffix={t('collect.layout.brand')} />
          <div className="flex items-center gap-3">
            <span className="hidden text-green-50 sm:inline">{user.fullName}</span>
            <SignOutButton className="btn border border-white/70 bg-transparent text-white hover:bg-green-800" />
          </div>
        </div>
      </header>
      <SyncBar userId={user.id} />
      {updateReady && (
        <div className="border-b border-sky-300 bg-sky-50">
          <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-3 px-4 py-2 text-sky-950">
            <p>{t('collect.layout.updateReady')}</p>
            <button type="button" className="btn-secondary" onClick={() => window.location.reload()}>
              {t('collect.layout.reload')}
            </button>
          </div>
        </div>
      )}
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-3xl flex-1 px-4 py-6">
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
