import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { MarketplaceProfile } from '@oslrs/core';
import { useT } from '../../i18n';
import { experienceName, skillName } from '../../lib/taxonomy';

/** The profession in the reader's language when it is a skill of the taxonomy, else as the worker gave it. */
export function professionText(t: (id: string) => string, profile: MarketplaceProfile): string {
  return profile.professionSkill ? skillName(t, profile.professionSkill, profile.profession) : profile.profession;
}

export function VerifiedBadge() {
  const { t } = useT();
  return (
    <span
      className="inline-flex items-center gap-1 rounded-full bg-green-100 px-2.5 py-0.5 text-sm font-semibold text-green-900"
      data-testid="verified-badge"
    >
      <span aria-hidden="true">✓</span> {t('marketplace.verified')}
    </span>
  );
}

/** What the public sees of a worker: never a name or a contact. */
export function ProfileFacts({ profile }: { profile: MarketplaceProfile }) {
  const { t } = useT();
  return (
    <>
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-stone-800">
        <dt className="font-semibold">{t('marketplace.area')}</dt>
        <dd>{profile.lga.name}</dd>
        <dt className="font-semibold">{t('marketplace.experience')}</dt>
        <dd>
          {profile.experience
            ? experienceName(t, profile.experience.band, profile.experience.label)
            : t('marketplace.notGiven')}
        </dd>
      </dl>
      {profile.skills.length > 0 && (
        <ul className="mt-3 flex flex-wrap gap-2" aria-label={t('marketplace.skills')}>
          {profile.skills.map((s) => (
            <li key={s.slug} className="rounded-full border border-stone-300 bg-stone-50 px-2.5 py-0.5 text-sm">
              {skillName(t, s.slug, s.label)}
            </li>
          ))}
        </ul>
      )}
      {profile.bio && <p className="mt-3 break-words text-stone-800">{profile.bio}</p>}
    </>
  );
}

/** One search result (or a resident's own profile): the profession links to the profile page. */
export function ProfileCard({
  profile,
  headingLevel = 'h2',
  footer,
}: {
  profile: MarketplaceProfile;
  headingLevel?: 'h2' | 'h3';
  footer?: ReactNode;
}) {
  const Heading = headingLevel;
  const { t } = useT();
  return (
    <article className="card" data-testid="profile-card" data-profile-id={profile.id}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <Heading className="text-lg font-bold">
          <Link to={`/marketplace/profiles/${profile.id}`} className="link">
            {professionText(t, profile)}
          </Link>
        </Heading>
        {profile.verified && <VerifiedBadge />}
      </div>
      <ProfileFacts profile={profile} />
      {footer}
    </article>
  );
}
