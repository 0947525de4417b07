import { Link, Outlet } from 'react-router';
import { homeFor, useAuth } from '../../auth/AuthContext';
import { Brand } from '../../components/Brand';
import { SkipLink } from '../../components/Page';

export function PublicLayout() {
  const { user } = useAuth();
  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink />
      <header className="bg-green-900 text-white">
        <div className="mx-auto flex max-w-5xl items-center justify-between gap-4 px-4 py-3">
          <Brand />
          <nav aria-label="Account">
            {user ? (
              <Link to={homeFor(user)} className="rounded-sm font-semibold text-white underline underline-offset-4">
                Your workspace
              </Link>
            ) : (
              <Link to="/login" className="rounded-sm font-semibold text-white underline underline-offset-4">
                Staff sign in
              </Link>
            )}
          </nav>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="w-full flex-1">
        <Outlet />
      </main>
      <Footer />
    </div>
  );
}

export function Footer() {
  return (
    <footer className="border-t border-stone-300 bg-white">
      <div className="mx-auto max-w-5xl px-4 py-6 text-sm text-stone-700">
        <p>Oyo State Labour &amp; Skills Registry — a service of the Oyo State Government.</p>
        <p className="mt-1">We never ask for your BVN, and your contact details are shared only with your consent.</p>
      </div>
    </footer>
  );
}
