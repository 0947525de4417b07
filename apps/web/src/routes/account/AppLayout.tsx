import { Link, Outlet } from 'react-router';
import { useAuth } from '../../auth/AuthContext';
import { Brand } from '../../components/Brand';
import { SkipLink } from '../../components/Page';
import { SignOutButton } from '../../components/SignOutButton';
import { Footer } from '../public/PublicLayout';

/** The frame for signed-in staff outside the admin area (/app, /account/*). */
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
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-3xl flex-1 px-4 py-8">
        <Outlet />
      </main>
      <Footer />
    </div>
  );
}
