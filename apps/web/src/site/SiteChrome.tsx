/**
 * The public site's header and footer pieces, shared by the prerendered pages and the web app's
 * PublicLayout. Links to prerendered pages are full page loads (`reloadDocument`): those pages are
 * static HTML, not routes of the app.
 */
import { Link } from 'react-router';
import { LOCALE_NAMES, LOCALES, type Locale } from '@oslrs/core';
import { useT } from '../i18n';
import { sitePath, type SitePage } from './pages';

export const HEADER_LINK = 'rounded-sm font-semibold text-white underline underline-offset-4';

/** The two doors: residents to their own registration, staff to theirs (one login API behind both). */
export function Doors() {
  const { t } = useT();
  return (
    <div className="flex flex-wrap items-center justify-end gap-x-4 gap-y-1 text-sm sm:text-base">
      <Link to="/my-registration/sign-in" className={HEADER_LINK}>
        {t('public.doors.resident')}
      </Link>
      <Link to="/login" className="rounded-sm text-green-50 underline underline-offset-4">
        {t('public.doors.staff')}
      </Link>
    </div>
  );
}

const NAV: SitePage[] = ['about', 'participate', 'faq', 'contact'];

/** The site's sections, under the header. */
export function SiteNav({ locale, current }: { locale: Locale; current?: SitePage }) {
  const { t } = useT();
  return (
    <nav aria-label={t('public.nav.label')} className="bg-green-950/40">
      <ul className="mx-auto flex max-w-5xl flex-wrap gap-x-5 gap-y-1 px-4 py-2 text-sm">
        {NAV.map((page) => (
          <li key={page}>
            <Link
              to={sitePath(page, locale)}
              reloadDocument
              aria-current={page === current ? 'page' : undefined}
              className="rounded-sm text-green-50 underline-offset-4 hover:underline aria-[current=page]:font-semibold aria-[current=page]:text-white aria-[current=page]:underline"
            >
              {t(`public.nav.${page}`)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** On a prerendered page: a plain link to the same page in the other language(s) (site.js remembers the choice). */
export function LanguageLinks({ locale, page }: { locale: Locale; page: SitePage }) {
  const { t } = useT();
  return (
    <p className="text-sm">
      <span className="sr-only">{t('common.language')}: </span>
      {LOCALES.filter((l) => l !== locale).map((l) => (
        <a
          key={l}
          href={sitePath(page, l)}
          hrefLang={l}
          lang={l}
          data-lang={l}
          className="rounded border border-white/70 px-2 py-1 font-semibold text-white no-underline hover:bg-green-800"
        >
          {LOCALE_NAMES[l]}
        </a>
      ))}
    </p>
  );
}

export function SiteFooter({ locale }: { locale: Locale }) {
  const { t } = useT();
  const links: SitePage[] = ['about', 'participate', 'faq', 'privacy', 'terms', 'contact'];
  return (
    <footer className="border-t border-stone-300 bg-white">
      <div className="mx-auto max-w-5xl px-4 py-6 text-sm text-stone-700">
        <nav aria-label={t('public.footer.nav')}>
          <ul className="mb-4 flex flex-wrap gap-x-5 gap-y-2">
            {links.map((page) => (
              <li key={page}>
                <Link to={sitePath(page, locale)} reloadDocument className="link">
                  {t(`public.nav.${page}`)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <p>{t('public.footer.service')}</p>
        <p className="mt-1">{t('public.footer.privacy')}</p>
      </div>
    </footer>
  );
}
