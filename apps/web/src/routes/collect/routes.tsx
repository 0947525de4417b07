import { lazy, Suspense } from 'react';
import type { RouteObject } from 'react-router';
import { RequireAuth } from '../../auth/guards';
import { Loading } from '../../components/Loading';
import { withAppText } from '../../i18n';
import RouteError from '../RouteError';
import NotFound from '../public/NotFound';

// The whole collect area loads on demand; the service worker keeps every chunk for offline use.
const CollectLayout = lazy(withAppText(() => import('./CollectLayout')));
const CollectHome = lazy(() => import('./CollectHome'));
const Survey = lazy(() => import('./Survey'));
const FieldMessages = lazy(() => import('./FieldMessages'));

/** /collect: field staff's offline surveys (the layout admits enumerators and data entry clerks). */
export const collectRoutes: RouteObject = {
  path: 'collect',
  element: (
    <RequireAuth>
      <Suspense fallback={<Loading />}>
        <CollectLayout />
      </Suspense>
    </RequireAuth>
  ),
  errorElement: <RouteError />,
  children: [
    { index: true, element: <CollectHome /> },
    { path: 'survey/:draftId', element: <Survey /> },
    { path: 'messages', element: <FieldMessages /> },
    { path: '*', element: <NotFound home="/collect" /> },
  ],
};
