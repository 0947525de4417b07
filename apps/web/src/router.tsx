import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { RequireAuth } from './auth/guards';
import { Loading } from './components/Loading';
import RouteError from './routes/RouteError';
import Home from './routes/public/Home';
import Login from './routes/public/Login';
import NotFound from './routes/public/NotFound';
import { PublicLayout } from './routes/public/PublicLayout';
import { collectRoutes } from './routes/collect/routes';

// The public pages ship in the first bundle; everything behind sign-in (and the password forms,
// which pull in the shared validation rules) loads on demand.
const Activate = lazy(() => import('./routes/public/Activate'));
const ForgotPassword = lazy(() => import('./routes/public/ForgotPassword'));
const ResetPassword = lazy(() => import('./routes/public/ResetPassword'));
const ConfirmRegistration = lazy(() => import('./routes/register/ConfirmRegistration'));
const RegisterWizard = lazy(() => import('./routes/register/RegisterWizard'));
const CompleteNin = lazy(() => import('./routes/register/CompleteNin'));
const ClerkEntry = lazy(() => import('./routes/clerk/ClerkEntry'));
const AppLayout = lazy(() => import('./routes/account/AppLayout'));
const StaffHome = lazy(() => import('./routes/account/StaffHome'));
const ChangePassword = lazy(() => import('./routes/account/ChangePassword'));
const AdminLayout = lazy(() => import('./routes/admin/AdminLayout'));
const StaffList = lazy(() => import('./routes/admin/staff/StaffList'));
const StaffInvite = lazy(() => import('./routes/admin/staff/StaffInvite'));
const StaffImport = lazy(() => import('./routes/admin/staff/StaffImport'));
const StaffDetail = lazy(() => import('./routes/admin/staff/StaffDetail'));
const QuestionnaireList = lazy(() => import('./routes/admin/questionnaires/QuestionnaireList'));
const QuestionnaireBuilder = lazy(() => import('./routes/admin/questionnaires/QuestionnaireBuilder'));
const QuestionnairePreview = lazy(() => import('./routes/admin/questionnaires/QuestionnairePreview'));
const FraudSettings = lazy(() => import('./routes/admin/fraud/FraudSettings'));
const ReviewList = lazy(() => import('./routes/review/ReviewList'));
const ReviewDetail = lazy(() => import('./routes/review/ReviewDetail'));

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

export const router = createBrowserRouter([
  {
    element: <PublicLayout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Home /> },
      {
        path: 'register',
        element: (
          <Lazy>
            <RegisterWizard />
          </Lazy>
        ),
      },
      {
        path: 'register/confirm',
        element: (
          <Lazy>
            <ConfirmRegistration />
          </Lazy>
        ),
      },
      {
        path: 'register/complete-nin',
        element: (
          <Lazy>
            <CompleteNin />
          </Lazy>
        ),
      },
      { path: 'login', element: <Login /> },
      {
        path: 'activate',
        element: (
          <Lazy>
            <Activate />
          </Lazy>
        ),
      },
      {
        path: 'forgot-password',
        element: (
          <Lazy>
            <ForgotPassword />
          </Lazy>
        ),
      },
      {
        path: 'reset-password',
        element: (
          <Lazy>
            <ResetPassword />
          </Lazy>
        ),
      },
      { path: '*', element: <NotFound /> },
    ],
  },
  {
    element: (
      <RequireAuth>
        <Lazy>
          <AppLayout />
        </Lazy>
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [
      { path: 'app', element: <StaffHome /> },
      { path: 'account/password', element: <ChangePassword /> },
      // Overseers (the pages themselves say so to any other role).
      {
        path: 'review',
        element: (
          <Lazy>
            <ReviewList />
          </Lazy>
        ),
      },
      {
        path: 'review/:id',
        element: (
          <Lazy>
            <ReviewDetail />
          </Lazy>
        ),
      },
    ],
  },
  {
    element: (
      <RequireAuth role="data_entry_clerk">
        <Lazy>
          <AppLayout />
        </Lazy>
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [{ path: 'clerk', element: <ClerkEntry /> }],
  },
  {
    path: 'admin',
    element: (
      <RequireAuth role="super_admin">
        <Lazy>
          <AdminLayout />
        </Lazy>
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/admin/staff" replace /> },
      { path: 'staff', element: <StaffList /> },
      { path: 'staff/new', element: <StaffInvite /> },
      { path: 'staff/import', element: <StaffImport /> },
      { path: 'staff/:id', element: <StaffDetail /> },
      { path: 'questionnaires', element: <QuestionnaireList /> },
      { path: 'questionnaires/:id', element: <QuestionnaireBuilder /> },
      { path: 'questionnaires/:id/preview', element: <QuestionnairePreview /> },
      { path: 'fraud', element: <FraudSettings /> },
      { path: '*', element: <NotFound home="/admin/staff" /> },
    ],
  },
  collectRoutes,
]);
