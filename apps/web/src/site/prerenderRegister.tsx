/**
 * Build-time rendering of the registration wizard's first screen (the account step, for a signed-out
 * visitor, inside the public layout's header and footer) in every language, with the app's own
 * components, so a phone on a slow network sees the form as soon as the HTML and stylesheet are in.
 * The page is the app's index.html with that screen inside #root (marked data-prerendered): the app's
 * JavaScript then loads what the same screen needs and replaces it in its first commit (main.tsx),
 * nothing moving. Written by apps/web/scripts/prerender.mjs to dist/prerendered/<locale>/register.html;
 * the API and NGINX send the one in the device's language (the oslrs_lang cookie, else the browser's
 * Accept-Language, else English).
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { Route, Routes } from 'react-router';
import { StaticRouter } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { LOCALES, type Locale } from '@oslrs/core';
import { queryKeys } from '../api/endpoints';
import { AuthProvider } from '../auth/AuthContext';
import { i18n, I18nProvider, t } from '../i18n';
import { PublicLayout } from '../routes/public/PublicLayout';
import RegisterWizard from '../routes/register/RegisterWizard';

/** The routes as router.tsx nests them (the public layout around the wizard), for a signed-out visitor. */
function RegisterFirstScreen() {
  const queryClient = new QueryClient();
  queryClient.setQueryData(queryKeys.me, null);
  return (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <AuthProvider>
          <StaticRouter location="/register">
            <Routes>
              <Route element={<PublicLayout />}>
                <Route path="register" element={<RegisterWizard />} />
              </Route>
            </Routes>
          </StaticRouter>
        </AuthProvider>
      </QueryClientProvider>
    </I18nProvider>
  );
}

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export interface RenderedAppPage {
  locale: Locale;
  /** Where the file goes under dist/: prerendered/<locale>/register.html */
  file: string;
  html: string;
}

/**
 * /register in every language. `shell` is the built index.html; `boot` the start script of
 * prerendered pages (src/boot.ts) and the chunks it imports; `modules(locale)` every module the
 * first screen needs, dependencies first: the app's entry and its imports, the wizard's route chunk
 * and that language's messages. The page names only the boot script: it loads them all, at once, after
 * the first paint.
 */
export function renderRegister(options: {
  shell: string;
  boot: { src: string; imports: string[] };
  modules: (locale: Locale) => string[];
}): RenderedAppPage[] {
  const { boot } = options;
  let shell = options.shell;
  for (const marker of ['<html lang="en">', '<div id="root"></div>', '</head>']) {
    if (!shell.includes(marker)) throw new Error(`dist/index.html has no ${marker}`);
  }
  // The app's entry script and its modulepreload links come out of the head: the boot script loads them.
  const entry = /\s*<script type="module" crossorigin src="([^"]+)"><\/script>/.exec(shell);
  if (!entry) throw new Error('dist/index.html has no module script');
  const main = entry[1]!;
  shell = shell.replace(entry[0], '').replace(/\s*<link rel="modulepreload" crossorigin href="[^"]+">/g, '');
  const out: RenderedAppPage[] = [];
  for (const locale of LOCALES) {
    i18n.activate(locale);
    // Until the app has taken over, the static form cannot be sent (src/prerendered.ts sends it once
    // the app is there): its button is type="button" and its inputs have no name, so a press before
    // any script neither reloads the page nor puts what was typed into an address (and a log). And it
    // is disabled until the boot script runs (src/prerendered.ts enables it once it listens for the
    // press): on a slow phone a press before that would be lost, where now it waits for the button.
    const screen = renderToStaticMarkup(<RegisterFirstScreen />)
      .replace(/(<input\b[^>]*?) name="[^"]*"/g, '$1')
      .replace(/<button type="submit"/g, '<button type="button" disabled="" data-until-boot=""');
    if (/<button type="submit"|<input\b[^>]* name=/.test(screen) || !screen.includes('<form')) {
      throw new Error('the prerendered account step still has a way to be sent without the app');
    }
    const modules = options.modules(locale);
    if (!modules.includes(main)) throw new Error(`the app's entry ${main} is not among the modules to load`);
    const start = [
      ...boot.imports.map((href) => `<link rel="modulepreload" crossorigin href="${href}">`),
      `<script type="module" crossorigin src="${boot.src}" data-main="${main}" data-preload="${modules.join(' ')}"></script>`,
    ].join('\n    ');
    // Function replacements: the text is inserted as it is ($ has no meaning in it).
    const title = escape(t('common.tabTitle', { page: t('register.title') }));
    const html = shell
      .replace('<html lang="en">', () => `<html lang="${locale}">`)
      .replace(/<title>[^<]*<\/title>/, () => `<title>${title}</title>`)
      .replace(
        /(<meta\s+name="description"\s+content=")[^"]*"/,
        (_, start: string) => `${start}${escape(t('public.home.lead'))}"`,
      )
      .replace('</head>', () => `  ${start}\n  </head>`)
      .replace('<div id="root"></div>', () => `<div id="root" data-prerendered="register">${screen}</div>`);
    out.push({ locale, file: `prerendered/${locale}/register.html`, html });
  }
  return out;
}
