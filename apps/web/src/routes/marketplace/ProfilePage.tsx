import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RevealResponse } from '@oslrs/core';
import { ApiError } from '../../api/client';
import { marketplaceApi, marketplaceKeys, searcherApi } from '../../api/marketplace';
import { useAuth } from '../../auth/AuthContext';
import { Alert, Success } from '../../components/Alert';
import { PageHeading } from '../../components/Page';
import { ProfileFacts, professionText, VerifiedBadge } from './ProfileCard';
import { revealErrorText, searchErrorText } from './words';
import { useT } from '../../i18n';
import { sectorName } from '../../lib/taxonomy';

const PURPOSE_MIN = 10;
const PURPOSE_MAX = 300;

/** One anonymous profile, and (for a verified searcher) the way to its contact details. */
export default function ProfilePage() {
  const { t } = useT();
  const { id = '' } = useParams();
  const query = useQuery({
    queryKey: marketplaceKeys.profile(id),
    queryFn: ({ signal }) => marketplaceApi.profile(id, signal),
  });
  const profile = query.data?.profile;
  const notFound = query.error instanceof ApiError && query.error.code === 'PROFILE_NOT_FOUND';

  return (
    <div className="mx-auto max-w-3xl px-4 py-8">
      <p>
        <Link to="/marketplace" className="link">
          {t('marketplace.back')}
        </Link>
      </p>
      {profile ? (
        <>
          <div className="mt-4 flex flex-wrap items-center gap-3">
            <PageHeading>{professionText(t, profile)}</PageHeading>
            {profile.verified && <VerifiedBadge />}
          </div>
          <section className="card mt-6" aria-label={t('marketplace.profile')}>
            <ProfileFacts profile={profile} />
            {profile.skills.length > 0 && (
              <p className="mt-3 text-sm text-stone-700">
                {t('marketplace.sectors', {
                  sectors: [
                    ...new Map(profile.skills.map((s) => [s.sector, sectorName(t, s.sector, s.sectorName)])).values(),
                  ].join(', '),
                })}
              </p>
            )}
          </section>
          <ContactPanel profileId={profile.id} />
        </>
      ) : (
        <>
          <div className="mt-4">
            <PageHeading>{notFound ? t('marketplace.profileNotFound') : t('marketplace.workerProfile')}</PageHeading>
          </div>
          {query.isPending && <p className="mt-6">{t('common.loading')}</p>}
          {query.isError && (
            <div className="mt-6">
              <Alert title={notFound ? t('marketplace.notListed') : t('marketplace.profileFailed')}>
                <p>{notFound ? t('marketplace.notListedBody') : searchErrorText(query.error)}</p>
              </Alert>
            </div>
          )}
        </>
      )}
    </div>
  );
}

function ContactPanel({ profileId }: { profileId: string }) {
  const { t } = useT();
  const { user } = useAuth();
  const location = useLocation();
  const here = encodeURIComponent(location.pathname);
  const searcher = user?.role === 'searcher';
  const status = useQuery({
    queryKey: marketplaceKeys.searcher,
    queryFn: ({ signal }) => searcherApi.me(signal),
    enabled: searcher,
  });

  let body;
  if (user === undefined) body = <p>{t('common.session.checking')}</p>;
  else if (!user) {
    body = (
      <>
        <p>{t('marketplace.contact.anonymous')}</p>
        <div className="mt-4 flex flex-wrap gap-3">
          <Link to={`/login?next=${here}`} className="btn-primary" data-testid="reveal-sign-in">
            {t('marketplace.contact.signIn')}
          </Link>
          <Link to="/marketplace/register" className="btn-secondary" data-testid="reveal-register">
            {t('marketplace.contact.register')}
          </Link>
        </div>
      </>
    );
  } else if (!searcher) {
    body = <p>{t('marketplace.contact.notSearcher')}</p>;
  } else if (status.isPending) body = <p>{t('marketplace.contact.loadingAccount')}</p>;
  else if (status.isError) {
    body = (
      <Alert title={t('marketplace.contact.checkFailed')}>
        <p>{revealErrorText(status.error)}</p>
      </Alert>
    );
  } else if (status.data.searcher.blocked) {
    body = (
      <Alert title={t('marketplace.contact.unavailable')}>
        <p>{revealErrorText(new ApiError({ status: 403, code: 'SEARCHER_BLOCKED', message: '' }))}</p>
      </Alert>
    );
  } else if (!status.data.searcher.emailVerified) {
    body = <p data-testid="reveal-unverified">{t('marketplace.contact.confirmEmail', { email: user.email })}</p>;
  } else {
    body = (
      <RevealForm profileId={profileId} left={status.data.searcher.revealsPerDay - status.data.searcher.revealsToday} />
    );
  }

  return (
    <section className="card mt-6" aria-labelledby="contact-heading">
      <h2 id="contact-heading" className="text-xl font-bold">
        {t('marketplace.contact.heading')}
      </h2>
      <div className="mt-3 space-y-3">{body}</div>
    </section>
  );
}

function RevealForm({ profileId, left }: { profileId: string; left: number }) {
  const { t } = useT();
  const [purpose, setPurpose] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const reveal = useMutation({
    mutationFn: () => marketplaceApi.reveal(profileId, purpose.trim()),
    // The count of reveals left today has changed (or the account's standing, after a 403).
    onSettled: () => void queryClient.invalidateQueries({ queryKey: marketplaceKeys.searcher }),
  });

  if (reveal.data) return <Revealed contact={reveal.data} />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = purpose.trim();
    if (text.length < PURPOSE_MIN) {
      setProblem(t('marketplace.reveal.purposeShort', { min: PURPOSE_MIN }));
      return;
    }
    setProblem(null);
    reveal.mutate();
  };

  return (
    <form noValidate onSubmit={submit} className="space-y-4">
      <p>{t('marketplace.reveal.intro', { left })}</p>
      <div>
        <label htmlFor="reveal-purpose" className="label">
          {t('marketplace.reveal.purpose')}
        </label>
        <span id="reveal-purpose-hint" className="hint">
          {t('marketplace.reveal.purposeHint')}
        </span>
        {problem && (
          <span id="reveal-purpose-error" role="alert" className="field-error">
            {problem}
          </span>
        )}
        <textarea
          id="reveal-purpose"
          name="purpose"
          className="input min-h-24"
          maxLength={PURPOSE_MAX}
          value={purpose}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'reveal-purpose-hint reveal-purpose-error' : 'reveal-purpose-hint'}
          onChange={(e) => setPurpose(e.target.value)}
        />
      </div>
      {reveal.isError && (
        <Alert title={t('marketplace.reveal.failed')}>
          <p data-testid="reveal-error">{revealErrorText(reveal.error)}</p>
        </Alert>
      )}
      <button
        type="submit"
        className="btn-primary"
        aria-busy={reveal.isPending || undefined}
        data-testid="reveal-submit"
      >
        {reveal.isPending ? t('marketplace.reveal.pending') : t('marketplace.contact.heading')}
      </button>
    </form>
  );
}

function Revealed({ contact }: { contact: RevealResponse }) {
  const { t } = useT();
  return (
    <Success title={t('marketplace.reveal.title')}>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1" data-testid="revealed-contact">
        <dt className="font-semibold">{t('marketplace.contact.name')}</dt>
        <dd data-testid="revealed-name">{contact.name}</dd>
        <dt className="font-semibold">{t('marketplace.contact.phone')}</dt>
        <dd data-testid="revealed-phone">
          {contact.phone ? (
            <a className="link" href={`tel:${contact.phone}`}>
              {contact.phone}
            </a>
          ) : (
            t('marketplace.notGiven')
          )}
        </dd>
        <dt className="font-semibold">{t('marketplace.contact.email')}</dt>
        <dd className="break-all" data-testid="revealed-email">
          {contact.email ? (
            <a className="link" href={`mailto:${contact.email}`}>
              {contact.email}
            </a>
          ) : (
            t('marketplace.notGiven')
          )}
        </dd>
      </dl>
      <p data-testid="reveals-remaining">{t('marketplace.reveal.remaining', { count: contact.remainingToday })}</p>
    </Success>
  );
}
