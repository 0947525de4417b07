import { startTransition, StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router/dom';
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from './api/client';
import { queryKeys } from './api/endpoints';
import { AuthProvider, sessionQuery } from './auth/AuthContext';
import { I18nProvider, startI18n } from './i18n';
import { endPrerendered, watchPrerendered } from './prerendered';
import { preloadRoute, router } from './router';
import './index.css';

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    // A read refused with 401 means the session ended (expired, signed out elsewhere): the guards
    // then send the person to the sign-in page.
    onError: (error, query) => {
      if (error instanceof ApiError && error.status === 401 && query.queryKey[0] !== queryKeys.me[0]) {
        queryClient.setQueryData(queryKeys.me, null);
      }
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // Client errors (4xx) will not fix themselves; retry only network and server trouble.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

/** After the first commit's effects: what was done on a prerendered page's static copy has been taken over. */
function TakenOver() {
  useEffect(endPrerendered, []);
  return null;
}

// The chosen language's messages load (a small lazy chunk) before the first paint, so no page
// flashes English before switching. A page served prerendered (#root[data-prerendered]: /register,
// apps/web/src/site/prerenderRegister.tsx) is already on screen: its route module and who is signed
// in load first too, so that React's first commit, which replaces the static copy, draws the same
// screen (nothing moves; what was typed there carries over, src/prerendered.ts). A failed preload
// leaves it to the route's own loading and error states.
async function start(container: HTMLElement) {
  const prerendered = watchPrerendered(container);
  await Promise.all([
    startI18n(),
    ...(prerendered
      ? [preloadRoute(location.pathname).catch(() => undefined), queryClient.prefetchQuery(sessionQuery)]
      : []),
  ]);
  // Rendered in a transition: React works in slices of a few milliseconds and lets the browser in
  // between (a phone's main thread is never held long; a key pressed meanwhile is handled at once), then
  // commits in one go. A page served prerendered keeps its static copy on screen until then.
  const app = createRoot(container);
  startTransition(() =>
    app.render(
      <StrictMode>
        <TakenOver />
        <I18nProvider>
          <QueryClientProvider client={queryClient}>
            <AuthProvider>
              <RouterProvider router={router} />
            </AuthProvider>
          </QueryClientProvider>
        </I18nProvider>
      </StrictMode>,
    ),
  );
}

// In a task of its own, after the modules' evaluation: two shorter blocks of the main thread, not one.
setTimeout(() => void start(root), 0);
