import { Link } from 'react-router';
import { lgaName, ROLE_LABELS, type Role } from '@oslrs/core';
import { homeFor, useAuth } from '../../auth/AuthContext';
import { PageHeading } from '../../components/Page';
import { MyRegistration } from './MyRegistration';
import { SearcherAccount } from './SearcherAccount';

const START_LABEL: Partial<Record<Role, string>> = {
  super_admin: 'Go to the admin overview',
  supervisor: 'Go to your team',
  enumerator: 'Collect surveys',
  data_entry_clerk: 'Enter paper forms',
  verification_assessor: 'Go to the verification queue',
  government_official: 'Go to the dashboard',
};

export default function StaffHome() {
  const { user } = useAuth();
  if (!user) return null;
  const lga = user.lga ? (lgaName(user.lga) ?? user.lga) : null;
  return (
    <>
      <PageHeading title="Your account">Welcome, {user.fullName}</PageHeading>
      {/* A resident comes for their registration: it leads, their sign-in details follow. */}
      {user.role === 'public_user' && <MyRegistration />}
      <section className="card mt-6">
        <h2 id="you" className="text-xl font-bold">
          {user.role === 'public_user' ? 'Your account' : 'Your details'}
        </h2>
        <dl className="mt-4 grid gap-x-6 gap-y-3 sm:grid-cols-[max-content_1fr]">
          <dt className="font-semibold text-stone-700">Name</dt>
          <dd>{user.fullName}</dd>
          <dt className="font-semibold text-stone-700">Email</dt>
          <dd className="break-all">{user.email}</dd>
          <dt className="font-semibold text-stone-700">Role</dt>
          <dd>{ROLE_LABELS[user.role]}</dd>
          {user.role !== 'public_user' && user.role !== 'searcher' && (
            <>
              <dt className="font-semibold text-stone-700">LGA</dt>
              <dd>{lga ?? 'Not assigned to an LGA'}</dd>
            </>
          )}
        </dl>
        <p className="mt-6">
          <Link to="/account/password" className="link">
            Change password
          </Link>
        </p>
      </section>
      {user.role === 'public_user' ? null : user.role === 'searcher' ? (
        <SearcherAccount />
      ) : homeFor(user) !== '/app' ? (
        <p className="mt-6">
          <Link to={homeFor(user)} className="btn-primary">
            {START_LABEL[user.role] ?? 'Go to your work'}
          </Link>
        </p>
      ) : (
        <p className="mt-6 text-stone-800">
          The tools for your role will appear here as they are switched on. If you think you should already have access
          to something, contact the registry&rsquo;s super admin.
        </p>
      )}
    </>
  );
}
