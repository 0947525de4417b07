import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { SkipLink, useDocumentTitle } from '../components/Page';
import { useT } from '../i18n';

/** A page's code could not be fetched: usually a release replaced the files this tab was using. */
function isChunkLoadError(error: unknown): boolean {
  return (
    error instanceof Error &&
    /dynamically imported module|Importing a module script failed|error loading dynamically imported module/i.test(
      error.message,
    )
  );
}

/** Shown instead of a blank screen when a page fails to load or render. */
export default function RouteError() {
  const { t } = useT();
  const error = useRouteError();
  const chunk = isChunkLoadError(error);
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const title = notFound
    ? t('common.routeError.notFound')
    : chunk
      ? t('common.routeError.chunk')
      : t('common.routeError.crash');
  useDocumentTitle(title);
  return (
    <div className="min-h-dvh">
      <SkipLink />
      <header className="bg-green-900 px-4 py-4 text-lg font-bold text-white">OSLRS</header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-2xl px-4 py-10">
        <h1 className="text-2xl font-bold text-stone-900 sm:text-3xl">{title}</h1>
        <p className="mt-4 text-stone-800">
          {chunk
            ? t('common.routeError.chunkBody')
            : notFound
              ? t('common.routeError.notFoundBody')
              : t('common.routeError.crashBody')}
        </p>
        <div className="mt-6 flex flex-wrap gap-3">
          <button type="button" className="btn-primary" onClick={() => window.location.reload()}>
            {t('common.routeError.reload')}
          </button>
          <Link to="/" className="btn-secondary" reloadDocument>
            {t('common.routeError.home')}
          </Link>
        </div>
      </main>
    </div>
  );
}
