import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { SkipLink, useDocumentTitle } from '../components/Page';

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
  const error = useRouteError();
  const chunk = isChunkLoadError(error);
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const title = notFound ? 'Page not found' : chunk ? 'This page could not be loaded' : 'Something went wrong';
  useDocumentTitle(title);
  return (
    <div className="min-h-dvh">
      <SkipLink />
      <header className="bg-green-900 px-4 py-4 text-lg font-bold text-white">OSLRS</header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-2xl px-4 py-10">
        <h1 className="text-2xl font-bold text-stone-900 sm:text-3xl">{title}</h1>
        <p className="mt-4 text-stone-800">
          {chunk
            ? 'The connection dropped, or OSLRS has just been updated. Reloading the page usually fixes this.'
            : notFound
              ? 'There is no page at this address.'
              : 'An unexpected error stopped this page. Reload to try again; if it keeps happening, tell the registry team what you were doing.'}
        </p>
        <div className="mt-6 flex flex-wrap gap-3">
          <button type="button" className="btn-primary" onClick={() => window.location.reload()}>
            Reload the page
          </button>
          <Link to="/" className="btn-secondary" reloadDocument>
            Go to the home page
          </Link>
        </div>
      </main>
    </div>
  );
}
