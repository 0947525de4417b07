import { lazy, Suspense, useState, type ComponentType, type ReactNode } from 'react';
import { createBrowserRouter } from 'react-router';
import { RequireAuth } from './auth/guards';
import { Loading } from './components/Loading';
import RouteError from './routes/RouteError';
import Home from './routes/public/Home';
import Login from './routes/public/Login';
import NotFound from './routes/public/NotFound';
import { PublicLayout } from './routes/public/PublicLayout';
import { collectRoutes } from './routes/collect/routes';
import { withAppText, withStaffText } from './i18n';

/**
 * A lazy route component that can also be loaded ahead (`preload()`): once loaded it renders at once
 * instead of suspending, so a page served prerendered (/register) gets its real screen in React's
 * first commit, which replaces the static copy (main.tsx). Each mounted instance keeps the component
 * it started with (switching from the lazy wrapper to the module would remount it).
 */
function preloadable<P extends object>(importer: () => Promise<{ default: ComponentType<P> }>) {
  let loaded: ComponentType<P> | undefined;
  const load = () =>
    importer().then((module) => {
      loaded = module.default;
      return module;
    });
  const Lazy = lazy(load);
  function Preloadable(props: P) {
    const [Component] = useState<ComponentType<P>>(() => loaded ?? Lazy);
    return <Component {...props} />;
  }
  return Object.assign(Preloadable, { preload: load });
}

/** Routes served prerendered, by path: what their first screen needs besides the first bundle. */
const PRERENDERED: Record<string, () => Promise<unknown>> = {
  '/register': () => RegisterWizard.preload(),
};

/** Loads the route module of a prerendered page ahead of the first render (nothing for any other path). */
export function preloadRoute(pathname: string): Promise<void> {
  const preload = PRERENDERED[pathname.replace(/\/+$/, '') || '/'];
  return preload ? preload().then(() => undefined) : Promise.resolve();
}

// The public pages ship in the first bundle; everything behind sign-in (and the password forms,
// which pull in the shared validation rules) loads on demand; staff pages with the staff part of the
// catalogue (withStaffText).
const Activate = lazy(() => import('./routes/public/Activate'));
const ForgotPassword = lazy(() => import('./routes/public/ForgotPassword'));
const ResetPassword = lazy(() => import('./routes/public/ResetPassword'));
const ConfirmRegistration = lazy(withAppText(() => import('./routes/register/ConfirmRegistration')));
const RegisterWizard = preloadable(() => import('./routes/register/RegisterWizard'));
const CompleteNin = lazy(withAppText(() => import('./routes/register/CompleteNin')));
const ClerkEntry = lazy(withAppText(() => import('./routes/clerk/ClerkEntry')));
const AppLayout = lazy(withStaffText(() => import('./routes/account/AppLayout')));
const StaffHome = lazy(withStaffText(() => import('./routes/account/StaffHome')));
const ChangePassword = lazy(withAppText(() => import('./routes/account/ChangePassword')));
const AdminLayout = lazy(withStaffText(() => import('./routes/admin/AdminLayout')));
const StaffList = lazy(withStaffText(() => import('./routes/admin/staff/StaffList')));
const StaffInvite = lazy(withStaffText(() => import('./routes/admin/staff/StaffInvite')));
const StaffImport = lazy(withStaffText(() => import('./routes/admin/staff/StaffImport')));
const StaffDetail = lazy(withStaffText(() => import('./routes/admin/staff/StaffDetail')));
const QuestionnaireList = lazy(withStaffText(() => import('./routes/admin/questionnaires/QuestionnaireList')));
const QuestionnaireBuilder = lazy(withStaffText(() => import('./routes/admin/questionnaires/QuestionnaireBuilder')));
const QuestionnairePreview = lazy(withStaffText(() => import('./routes/admin/questionnaires/QuestionnairePreview')));
const FraudSettings = lazy(withStaffText(() => import('./routes/admin/fraud/FraudSettings')));
const AuditLog = lazy(withStaffText(() => import('./routes/admin/audit/AuditLog')));
const PartnerKeys = lazy(withStaffText(() => import('./routes/admin/partners/PartnerKeys')));
const Imports = lazy(withStaffText(() => import('./routes/admin/imports/Imports')));
const RegistryList = lazy(withStaffText(() => import('./routes/registry/RegistryList')));
const RespondentView = lazy(withStaffText(() => import('./routes/registry/RespondentView')));
const VerificationQueue = lazy(withStaffText(() => import('./routes/registry/VerificationQueue')));
const Duplicates = lazy(withStaffText(() => import('./routes/registry/Duplicates')));
const AdminOverview = lazy(withStaffText(() => import('./routes/admin/overview/AdminOverview')));
const TeamPage = lazy(withStaffText(() => import('./routes/supervision/TeamPage')));
const MessagesPage = lazy(withStaffText(() => import('./routes/supervision/MessagesPage')));
const ReviewList = lazy(withStaffText(() => import('./routes/review/ReviewList')));
const ReviewDetail = lazy(withStaffText(() => import('./routes/review/ReviewDetail')));
const ReportsDashboard = lazy(withStaffText(() => import('./routes/reports/ReportsDashboard')));
const Insights = lazy(withStaffText(() => import('./routes/public/Insights')));
const PartnerApiDocs = lazy(withStaffText(() => import('./routes/public/PartnerApiDocs')));
const ExportPage = lazy(withStaffText(() => import('./routes/reports/ExportPage')));
const Marketplace = lazy(withAppText(() => import('./routes/marketplace/Marketplace')));
const ProfilePage = lazy(withAppText(() => import('./routes/marketplace/ProfilePage')));
const SearcherRegister = lazy(withAppText(() => import('./routes/marketplace/SearcherRegister')));
const SearcherVerify = lazy(withAppText(() => import('./routes/marketplace/SearcherVerify')));
const CorrectionPage = lazy(withAppText(() => import('./routes/account/CorrectionPage')));
const RevealLog = lazy(withStaffText(() => import('./routes/admin/reveals/RevealLog')));
const UssdSimulator = lazy(withStaffText(() => import('./routes/admin/ussd/UssdSimulator')));

const VerifyRegistration = lazy(
  withAppText(() => import('./routes/verify/VerifyPage').then((m) => ({ default: m.VerifyRegistration }))),
);
const VerifyCard = lazy(
  withAppText(() => import('./routes/verify/VerifyPage').then((m) => ({ default: m.VerifyCard }))),
);

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
      {
        path: 'partner-api',
        element: (
          <Lazy>
            <PartnerApiDocs />
          </Lazy>
        ),
      },
      {
        path: 'insights',
        element: (
          <Lazy>
            <Insights />
          </Lazy>
        ),
      },
      {
        path: 'marketplace',
        element: (
          <Lazy>
            <Marketplace />
          </Lazy>
        ),
      },
      {
        path: 'marketplace/profiles/:id',
        element: (
          <Lazy>
            <ProfilePage />
          </Lazy>
        ),
      },
      {
        path: 'marketplace/register',
        element: (
          <Lazy>
            <SearcherRegister />
          </Lazy>
        ),
      },
      {
        path: 'marketplace/verify',
        element: (
          <Lazy>
            <SearcherVerify />
          </Lazy>
        ),
      },
      // The pages a slip's and a staff ID card's QR codes open.
      {
        path: 'verify/r/:reference',
        element: (
          <Lazy>
            <VerifyRegistration />
          </Lazy>
        ),
      },
      {
        path: 'verify/:cardNumber',
        element: (
          <Lazy>
            <VerifyCard />
          </Lazy>
        ),
      },
      { path: 'login', element: <Login /> },
      { path: 'my-registration/sign-in', element: <Login door="resident" /> },
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
    ],
  },
  {
    element: (
      <RequireAuth role="public_user">
        <Lazy>
          <AppLayout />
        </Lazy>
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [
      {
        path: 'app/correction',
        element: (
          <Lazy>
            <CorrectionPage />
          </Lazy>
        ),
      },
    ],
  },
  {
    element: (
      <RequireAuth role="data_entry_clerk">
        <Lazy>
          <AppLayout wide />
        </Lazy>
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [{ path: 'clerk', element: <ClerkEntry /> }],
  },
  {
    element: (
      <RequireAuth role={['supervisor', 'super_admin']}>
        <Lazy>
          <AppLayout wide />
        </Lazy>
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [{ path: 'team', element: <TeamPage /> }],
  },
  {
    element: (
      <RequireAuth role={['government_official', 'verification_assessor', 'super_admin', 'supervisor']}>
        <Lazy>
          <AppLayout wide />
        </Lazy>
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [{ path: 'reports/export', element: <ExportPage /> }],
  },
  {
    element: (
      <RequireAuth role="supervisor">
        <Lazy>
          <AppLayout />
        </Lazy>
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [{ path: 'messages', element: <MessagesPage /> }],
  },
  {
    element: (
      <RequireAuth>
        <Lazy>
          <AppLayout wide />
        </Lazy>
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [
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
      // Oversight: each page says so when the role may not open it.
      {
        path: 'reports',
        element: (
          <Lazy>
            <ReportsDashboard />
          </Lazy>
        ),
      },
      {
        path: 'registry',
        element: (
          <Lazy>
            <RegistryList />
          </Lazy>
        ),
      },
      {
        path: 'registry/duplicates',
        element: (
          <Lazy>
            <Duplicates />
          </Lazy>
        ),
      },
      {
        path: 'registry/:id',
        element: (
          <Lazy>
            <RespondentView />
          </Lazy>
        ),
      },
      {
        path: 'verification',
        element: (
          <Lazy>
            <VerificationQueue />
          </Lazy>
        ),
      },
    ],
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
      { index: true, element: <AdminOverview /> },
      { path: 'staff', element: <StaffList /> },
      { path: 'staff/new', element: <StaffInvite /> },
      { path: 'staff/import', element: <StaffImport /> },
      { path: 'staff/:id', element: <StaffDetail /> },
      { path: 'questionnaires', element: <QuestionnaireList /> },
      { path: 'questionnaires/:id', element: <QuestionnaireBuilder /> },
      { path: 'questionnaires/:id/preview', element: <QuestionnairePreview /> },
      { path: 'fraud', element: <FraudSettings /> },
      { path: 'audit', element: <AuditLog /> },
      { path: 'partners', element: <PartnerKeys /> },
      { path: 'imports', element: <Imports /> },
      {
        path: 'reveals',
        element: (
          <Lazy>
            <RevealLog />
          </Lazy>
        ),
      },
      {
        path: 'ussd',
        element: (
          <Lazy>
            <UssdSimulator />
          </Lazy>
        ),
      },
      { path: '*', element: <NotFound home="/admin" /> },
    ],
  },
  collectRoutes,
]);
