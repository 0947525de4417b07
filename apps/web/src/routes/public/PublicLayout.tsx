import { Link, Outlet, useLocation } from 'react-router';
import { homeFor, useAuth } from '../../auth/AuthContext';
import { Brand } from '../../components/Brand';
import { SkipLink } from '../../components/Page';
import { SignOutButton } from '../../components/SignOutButton';
import { LanguageSwitch, useT } from '../../i18n';
import { Doors, HEADER_LINK, SiteFooter } from '../../site/SiteChrome';

/** Who is signed in, in the public header: searchers (whose home is the marketplace) get their account and sign-out here. */
function AccountNav() {
  const { t } = useT();
  const { user } = useAuth();
  const { pathname, search } = useLocation();
  const marketplace = pathname === '/marketplace' || pathname.startsWith('/marketplace/');
  if (!user) {
    return marketplace ? (
      <Link to={`/login?next=${encodeURIComponent(pathname + search)}`} className={HEADER_LINK}>
        {t('public.nav.signIn')}
      </Link>
    ) : (
      <Doors />
    );
  }
  const searcher = user.role === 'searcher';
  return (
    <div className="flex flex-wrap items-center justify-end gap-x-4 gap-y-1">
      <span className="hidden max-w-[12rem] truncate text-green-50 sm:inline" data-testid="signed-in-as">
        {user.fullName}
      </span>
      <Link to={searcher ? '/app' : homeFor(user)} className={HEADER_LINK}>
        {searcher || user.role === 'public_user' ? t('public.nav.yourAccount') : t('public.nav.yourWorkspace')}
      </Link>
      {(marketplace || searcher) && (
        <SignOutButton className="btn min-h-10 border border-white/70 bg-transparent px-3 py-1.5 text-white hover:bg-green-800" />
      )}
    </div>
  );
}

export function PublicLayout() {
  const { t } = useT();
  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink />
      <header className="bg-green-900 text-white">
        <div className="mx-auto flex max-w-5xl items-center justify-between gap-4 px-4 py-3">
          <Brand />
          <div className="flex items-center gap-3">
            <LanguageSwitch />
            <nav aria-label={t('public.nav.account')}>
              <AccountNav />
            </nav>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="w-full flex-1">
        <Outlet />
      </main>
      <Footer />
    </div>
  );
}

/** The site footer: links to the prerendered pages in the chosen language. */
export function Footer() {
  const { locale } = useT();
  return <SiteFooter locale={locale} />;
}
