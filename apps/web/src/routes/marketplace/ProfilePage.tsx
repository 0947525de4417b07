import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RevealResponse } from '@oslrs/core';
import { ApiError } from '../../api/client';
import { marketplaceApi, marketplaceKeys, searcherApi } from '../../api/marketplace';
import { useAuth } from '../../auth/AuthContext';
import { Alert, Success } from '../../components/Alert';
import { PageHeading } from '../../components/Page';
import { ProfileFacts, VerifiedBadge } from './ProfileCard';
import { revealErrorText, searchErrorText } from './words';

const PURPOSE_MIN = 10;
const PURPOSE_MAX = 300;

/** One anonymous profile, and (for a verified searcher) the way to its contact details. */
export default function ProfilePage() {
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
          Back to the search
        </Link>
      </p>
      {profile ? (
        <>
          <div className="mt-4 flex flex-wrap items-center gap-3">
            <PageHeading>{profile.profession}</PageHeading>
            {profile.verified && <VerifiedBadge />}
          </div>
          <section className="card mt-6" aria-label="Profile">
            <ProfileFacts profile={profile} />
            {profile.skills.length > 0 && (
              <p className="mt-3 text-sm text-stone-700">
                Sectors: {[...new Set(profile.skills.map((s) => s.sectorName))].join(', ')}
              </p>
            )}
          </section>
          <ContactPanel profileId={profile.id} />
        </>
      ) : (
        <>
          <div className="mt-4">
            <PageHeading>{notFound ? 'Profile not found' : 'Worker profile'}</PageHeading>
          </div>
          {query.isPending && <p className="mt-6">Loading…</p>}
          {query.isError && (
            <div className="mt-6">
              <Alert title={notFound ? 'This profile is not listed' : 'The profile could not be loaded'}>
                <p>
                  {notFound
                    ? 'This worker is not (or no longer) listed in the marketplace. They may have withdrawn their consent.'
                    : searchErrorText(query.error)}
                </p>
              </Alert>
            </div>
          )}
        </>
      )}
    </div>
  );
}

function ContactPanel({ profileId }: { profileId: string }) {
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
  if (user === undefined) body = <p>Checking your sign-in…</p>;
  else if (!user) {
    body = (
      <>
        <p>Registered employers and searchers can see the name and phone number of workers who agreed to share them.</p>
        <div className="mt-4 flex flex-wrap gap-3">
          <Link to={`/login?next=${here}`} className="btn-primary" data-testid="reveal-sign-in">
            Sign in to see contact details
          </Link>
          <Link to="/marketplace/register" className="btn-secondary" data-testid="reveal-register">
            Register as a searcher
          </Link>
        </div>
      </>
    );
  } else if (!searcher) {
    body = (
      <p>
        Contact details are shown only to searcher accounts. You are signed in with another kind of account; residents
        and registry staff cannot reveal contacts here.
      </p>
    );
  } else if (status.isPending) body = <p>Loading your account…</p>;
  else if (status.isError) {
    body = (
      <Alert title="Your account could not be checked">
        <p>{revealErrorText(status.error)}</p>
      </Alert>
    );
  } else if (status.data.searcher.blocked) {
    body = (
      <Alert title="Contact details are not available">
        <p>{revealErrorText(new ApiError({ status: 403, code: 'SEARCHER_BLOCKED', message: '' }))}</p>
      </Alert>
    );
  } else if (!status.data.searcher.emailVerified) {
    body = (
      <p data-testid="reveal-unverified">
        Confirm your email address before you can see contact details: open the link we emailed to {user.email} when you
        registered, then come back to this page.
      </p>
    );
  } else {
    body = (
      <RevealForm profileId={profileId} left={status.data.searcher.revealsPerDay - status.data.searcher.revealsToday} />
    );
  }

  return (
    <section className="card mt-6" aria-labelledby="contact-heading">
      <h2 id="contact-heading" className="text-xl font-bold">
        Show contact details
      </h2>
      <div className="mt-3 space-y-3">{body}</div>
    </section>
  );
}

function RevealForm({ profileId, left }: { profileId: string; left: number }) {
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
      setProblem(`Say in a few words why you need this contact (at least ${PURPOSE_MIN} characters).`);
      return;
    }
    setProblem(null);
    reveal.mutate();
  };

  return (
    <form noValidate onSubmit={submit} className="space-y-4">
      <p>
        The worker is told who saw their contact details, and when. Every request is recorded. You can see {left} more
        today.
      </p>
      <div>
        <label htmlFor="reveal-purpose" className="label">
          Why do you want to contact this worker?
        </label>
        <span id="reveal-purpose-hint" className="hint">
          For example: &ldquo;Quote for tiling a three-bedroom flat in Ibadan&rdquo;.
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
        <Alert title="Contact details not shown">
          <p data-testid="reveal-error">{revealErrorText(reveal.error)}</p>
        </Alert>
      )}
      <button
        type="submit"
        className="btn-primary"
        aria-busy={reveal.isPending || undefined}
        data-testid="reveal-submit"
      >
        {reveal.isPending ? 'Getting contact details…' : 'Show contact details'}
      </button>
    </form>
  );
}

function Revealed({ contact }: { contact: RevealResponse }) {
  return (
    <Success title="Contact details">
      <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1" data-testid="revealed-contact">
        <dt className="font-semibold">Name</dt>
        <dd data-testid="revealed-name">{contact.name}</dd>
        <dt className="font-semibold">Phone</dt>
        <dd data-testid="revealed-phone">
          {contact.phone ? (
            <a className="link" href={`tel:${contact.phone}`}>
              {contact.phone}
            </a>
          ) : (
            'Not given'
          )}
        </dd>
        <dt className="font-semibold">Email</dt>
        <dd className="break-all" data-testid="revealed-email">
          {contact.email ? (
            <a className="link" href={`mailto:${contact.email}`}>
              {contact.email}
            </a>
          ) : (
            'Not given'
          )}
        </dd>
      </dl>
      <p data-testid="reveals-remaining">
        You can see {contact.remainingToday} more {contact.remainingToday === 1 ? 'contact' : 'contacts'} today. Use
        these details only for the purpose you gave.
      </p>
    </Success>
  );
}
