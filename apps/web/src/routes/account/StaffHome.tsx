import { Link } from 'react-router';
import { lgaName, type Role } from '@oslrs/core';
import { homeFor, useAuth } from '../../auth/AuthContext';
import { PageHeading } from '../../components/Page';
import { MyRegistration } from './MyRegistration';
import { SearcherAccount } from './SearcherAccount';
import { useT } from '../../i18n';

/** The start button's words for each staff role (message ids). */
const START_LABEL: Partial<Record<Role, string>> = {
  super_admin: 'staff.home.start.super_admin',
  supervisor: 'staff.home.start.supervisor',
  enumerator: 'staff.home.start.enumerator',
  data_entry_clerk: 'staff.home.start.data_entry_clerk',
  verification_assessor: 'staff.home.start.verification_assessor',
  government_official: 'staff.home.start.government_official',
};

export default function StaffHome() {
  const { t } = useT();
  const { user } = useAuth();
  if (!user) return null;
  const lga = user.lga ? (lgaName(user.lga) ?? user.lga) : null;
  return (
    <>
      <PageHeading title={t('staff.home.title')}>{t('staff.home.welcome', { name: user.fullName })}</PageHeading>
      {/* A resident comes for their registration: it leads, their sign-in details follow. */}
      {user.role === 'public_user' && <MyRegistration />}
      <section className="card mt-6">
        <h2 id="you" className="text-xl font-bold">
          {user.role === 'public_user' ? t('staff.home.title') : t('staff.home.details')}
        </h2>
        <dl className="mt-4 grid gap-x-6 gap-y-3 sm:grid-cols-[max-content_1fr]">
          <dt className="font-semibold text-stone-700">{t('staff.home.name')}</dt>
          <dd>{user.fullName}</dd>
          <dt className="font-semibold text-stone-700">{t('staff.home.email')}</dt>
          <dd className="break-all">{user.email}</dd>
          <dt className="font-semibold text-stone-700">{t('staff.home.role')}</dt>
          <dd>{t(`common.role.${user.role}`)}</dd>
          {user.role !== 'public_user' && user.role !== 'searcher' && (
            <>
              <dt className="font-semibold text-stone-700">{t('staff.home.lga')}</dt>
              <dd>{lga ?? t('staff.home.noLga')}</dd>
            </>
          )}
        </dl>
        <p className="mt-6">
          <Link to="/account/password" className="link">
            {t('staff.home.changePassword')}
          </Link>
        </p>
      </section>
      {user.role === 'public_user' ? null : user.role === 'searcher' ? (
        <SearcherAccount />
      ) : homeFor(user) !== '/app' ? (
        <p className="mt-6">
          <Link to={homeFor(user)} className="btn-primary">
            {t(START_LABEL[user.role] ?? 'staff.home.start.other')}
          </Link>
        </p>
      ) : (
        <p className="mt-6 text-stone-800">{t('staff.home.noTools')}</p>
      )}
    </>
  );
}
