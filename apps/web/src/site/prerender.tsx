/**
 * Build-time rendering of the public site (see pages.ts): built by `vite build --ssr` with the app's
 * own plugins (the PO catalogues) and run by apps/web/scripts/prerender.mjs, which writes the pages
 * into dist/site/<locale>/<page>.html. The pages carry no app JavaScript: only /site.js, which
 * remembers the language chosen with the language link.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { StaticRouter } from 'react-router';
import type { Messages } from '@lingui/core';
import { LOCALES, type Locale } from '@oslrs/core';
import en from '../../../../packages/core/src/i18n/locales/en.po';
import yo from '../../../../packages/core/src/i18n/locales/yo.po';
import enSite from '../../../../packages/core/src/i18n/locales/en.po?part=site';
import yoSite from '../../../../packages/core/src/i18n/locales/yo.po?part=site';
import { i18n, I18nProvider, t } from '../i18n';
import { Brand } from '../components/Brand';
import { SkipLink } from '../components/Page';
import Home from '../routes/public/Home';
import { ContentPage } from './ContentPage';
import { Doors, LanguageLinks, SiteFooter, SiteNav } from './SiteChrome';
import { SITE_PAGES, sitePath, type SiteContacts, type SitePage } from './pages';

export { renderRegister } from './prerenderRegister';

i18n.load('en', { ...(en as Messages), ...(enSite as Messages) });
i18n.load('yo', { ...(yo as Messages), ...(yoSite as Messages) });

function Page({ page, locale, contacts }: { page: SitePage; locale: Locale; contacts: SiteContacts }) {
  return (
    <I18nProvider>
      <StaticRouter location={sitePath(page, locale)}>
        <div className="flex min-h-dvh flex-col">
          <SkipLink />
          <header className="bg-green-900 text-white">
            <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-4 px-4 py-3">
              <Brand to={sitePath('home', locale)} />
              <div className="flex flex-wrap items-center justify-end gap-3">
                <LanguageLinks locale={locale} page={page} />
                <Doors />
              </div>
            </div>
            <SiteNav locale={locale} current={page} />
          </header>
          <main id="main" tabIndex={-1} className="w-full flex-1">
            {page === 'home' ? <Home /> : <ContentPage page={page} locale={locale} contacts={contacts} />}
          </main>
          <SiteFooter locale={locale} />
        </div>
      </StaticRouter>
    </I18nProvider>
  );
}

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export interface RenderedPage {
  page: SitePage;
  locale: Locale;
  /** Where the file goes under dist/: site/<locale>/<page>.html */
  file: string;
  html: string;
}

/** Every page in every language; `head` is what the built index.html links (the stylesheet). */
export function renderSite(options: { head: string; contacts: SiteContacts }): RenderedPage[] {
  const out: RenderedPage[] = [];
  for (const locale of LOCALES) {
    i18n.activate(locale);
    for (const page of SITE_PAGES) {
      const body = renderToStaticMarkup(<Page page={page} locale={locale} contacts={options.contacts} />);
      const site = t('public.home.title');
      const title = page === 'home' ? `OSLRS — ${site}` : `${t(`public.${page}.title`)} — OSLRS`;
      const alternates = LOCALES.map(
        (l) => `<link rel="alternate" hreflang="${l}" href="${sitePath(page, l)}" />`,
      ).join('\n    ');
      const html = `<!doctype html>
<html lang="${locale}">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escape(title)}</title>
    <meta name="description" content="${escape(t('public.home.lead'))}" />
    <meta name="theme-color" content="#14532d" />
    <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
    <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
    <link rel="canonical" href="${sitePath(page, locale)}" />
    ${alternates}
    <link rel="alternate" hreflang="x-default" href="${sitePath(page, 'en')}" />
    ${options.head}
    <script src="/site.js" defer></script>
  </head>
  <body>
    ${body}
  </body>
</html>
`;
      out.push({ page, locale, file: `site/${locale}/${page}.html`, html });
    }
  }
  return out;
}
