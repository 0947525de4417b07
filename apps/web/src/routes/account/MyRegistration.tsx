import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MyRegistration as Registration } from '@oslrs/core';
import { errorMessage, validationIssues } from '../../api/client';
import { marketplaceKeys, selfServiceApi, type Consent } from '../../api/marketplace';
import { Alert } from '../../components/Alert';
import { formatDate, formatDateTime } from '../../lib/format';
import { ProfileCard } from '../marketplace/ProfileCard';
import { MySlipLinks } from '../verify/DocumentLinks';

const BIO_MAX = 280;

/** What a correction's review state means to the resident. */
const CORRECTION_STATES: Record<string, string> = {
  pending: 'Waiting for review',
  approved: 'Accepted: your record was updated',
  rejected: 'Not accepted',
  returned: 'Sent back: see the comment',
  superseded: 'Replaced by a later request',
};

const STATUS_WORDS: Record<string, string> = {
  active: 'Registered',
  verified: 'Registered and verified',
  pending_nin_capture: 'Incomplete: your NIN is still needed',
  imported_unverified: 'Imported from a partner list, not yet verified',
  rejected: 'Rejected',
  merged: 'Merged into another registration',
};

/** A stored code as words: "self_employed" → "Self employed". */
const words = (s: string) => {
  const text = s.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
};

/** A resident's own registration: their record, their consents, their profile and who saw their contact. */
export function MyRegistration() {
  const query = useQuery({
    queryKey: marketplaceKeys.myRegistration,
    queryFn: ({ signal }) => selfServiceApi.registration(signal),
  });
  if (query.isPending) return <p className="mt-6">Loading your registration…</p>;
  if (query.isError) {
    return (
      <div className="mt-6">
        <Alert title="Your registration could not be loaded">
          <p>{errorMessage(query.error)}</p>
          <button type="button" className="btn-secondary mt-3" onClick={() => void query.refetch()}>
            Try again
          </button>
        </Alert>
      </div>
    );
  }
  const registration = query.data.registration;
  if (!registration) {
    return (
      <section className="card mt-6" aria-labelledby="my-registration" data-testid="no-registration">
        <h2 id="my-registration" className="text-xl font-bold">
          My registration
        </h2>
        <p className="mt-2">You have not registered your skills yet. It takes about 10 minutes.</p>
        <p className="mt-4">
          <Link to="/register" className="btn-primary">
            Register yourself
          </Link>
        </p>
      </section>
    );
  }
  return <RegistrationView registration={registration} />;
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card mt-6" aria-labelledby={id}>
      <h2 id={id} className="text-xl font-bold">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="mt-4 grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="font-semibold text-stone-700">{label}</dt>
          <dd className="break-words">{value ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

function RegistrationView({ registration: r }: { registration: Registration }) {
  const rec = r.record;
  const pending = r.corrections.some((c) => c.status === 'pending');
  return (
    <div data-testid="my-registration">
      <Section id="my-registration" title="My registration">
        <Facts
          rows={[
            ['Status', <span data-testid="registration-status">{STATUS_WORDS[r.status] ?? words(r.status)}</span>],
            [
              'Reference',
              <span className="font-mono break-all" data-testid="registration-reference">
                {r.reference}
              </span>,
            ],
            ['Registered on', formatDate(r.registeredAt)],
            ['Verified', r.verified ? 'Yes' : 'Not yet'],
          ]}
        />
        <p className="mt-4 text-sm text-stone-700">
          Quote the reference when you contact the registry&rsquo;s help desk.
        </p>
        <MySlipLinks />
      </Section>

      <Section id="my-record" title="What the registry holds about you">
        <Facts
          rows={[
            ['Surname', rec.surname],
            ['First name', rec.firstname],
            ['Gender', rec.gender && words(rec.gender)],
            ['Date of birth', rec.dob && formatDate(`${rec.dob.slice(0, 10)}T12:00:00Z`)],
            ['Phone', rec.phone],
            ['Email', rec.email],
            ['NIN', rec.nin ?? 'Not given yet'],
            ['Local Government Area', rec.lga?.name],
            ['Main occupation', rec.mainOccupation],
            ['Employment', rec.employmentType && words(rec.employmentType)],
            ['Experience', rec.experience && words(rec.experience)],
            ['Skills', rec.skills.length ? rec.skills.map((s) => s.label).join(', ') : 'None recorded'],
          ]}
        />
        <p className="mt-4">
          {pending ? (
            <span className="text-stone-800">
              A correction you sent is waiting for review; you can send another once it has been looked at.
            </span>
          ) : (
            <Link to="/app/correction" className="link font-semibold" data-testid="request-correction">
              Request a correction
            </Link>
          )}
        </p>
        {r.corrections.length > 0 && (
          <>
            <h3 className="mt-6 text-lg font-bold">Corrections you asked for</h3>
            <ul className="mt-2 divide-y divide-stone-200" data-testid="corrections">
              {r.corrections.map((c) => (
                <li key={c.id} className="py-2">
                  <p>
                    <span className="font-semibold">{CORRECTION_STATES[c.status] ?? words(c.status)}</span> · sent{' '}
                    {formatDateTime(c.submittedAt)}
                  </p>
                  {c.comment && <p className="text-stone-700">Registry&rsquo;s comment: {c.comment}</p>}
                </li>
              ))}
            </ul>
          </>
        )}
      </Section>

      <ConsentPanel registration={r} />
      {r.consent.marketplace && <BioEditor bio={r.bio} />}

      <Section id="my-profile" title="Your profile as the public sees it">
        {r.profile ? (
          <div className="mt-4">
            <ProfileCard profile={r.profile} headingLevel="h3" />
            <p className="mt-3">
              <Link to={`/marketplace/profiles/${r.profile.id}`} className="link" data-testid="my-public-profile">
                Open your public profile
              </Link>
            </p>
          </div>
        ) : (
          <p className="mt-2" data-testid="no-profile">
            {r.profileNote ??
              (r.consent.marketplace
                ? 'Your profile is not listed yet.'
                : 'You are not listed in the skills marketplace. Turn on the first consent above to be listed.')}
          </p>
        )}
      </Section>

      <Section id="my-reveals" title="Who has seen your contact details">
        {r.reveals.length === 0 ? (
          <p className="mt-2">Nobody has seen your name and contact details through the marketplace.</p>
        ) : (
          <ul className="mt-2 divide-y divide-stone-200" data-testid="my-reveals">
            {r.reveals.map((v, i) => (
              <li key={`${v.at}-${i}`} className="py-3">
                <p>
                  <span className="font-semibold">{v.searcherName}</span>
                  {v.organisation ? ` (${v.organisation})` : ''} · {formatDateTime(v.at)}
                </p>
                <p className="break-words text-stone-700">Reason given: {v.purpose}</p>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}

type Pending = { next: Consent; question: string; detail: string } | null;

function ConsentPanel({ registration: r }: { registration: Registration }) {
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<Pending>(null);
  // The change being saved, in the boxes at once (set in the click itself); a failure puts them back.
  const [saving, setSaving] = useState<Consent | null>(null);
  const save = useMutation({
    mutationFn: (next: Consent) => selfServiceApi.consent(next),
    onSettled: () => setSaving(null),
    onSuccess: ({ consent }) => {
      setPending(null);
      // The boxes show the saved consent at once; the profile and its note follow with the refetch.
      queryClient.setQueryData<{ registration: Registration | null }>(marketplaceKeys.myRegistration, (old) =>
        old?.registration ? { registration: { ...old.registration, consent } } : old,
      );
      void queryClient.invalidateQueries({ queryKey: marketplaceKeys.myRegistration });
      void queryClient.invalidateQueries({ queryKey: ['marketplace'] });
    },
  });
  const { marketplace, enriched } = saving ?? r.consent;

  const change = (next: Consent) => {
    save.reset();
    if (marketplace && !next.marketplace) {
      setPending({
        next: { marketplace: false, enriched: false },
        question: 'Withdraw from the skills marketplace?',
        detail:
          'Your anonymous profile is removed from the search at once, and employers can no longer see your name and contact details either.',
      });
    } else if (enriched && !next.enriched) {
      setPending({
        next,
        question: 'Stop sharing your name and contact details?',
        detail:
          'Registered employers will no longer be able to see your name, phone number and email. Your anonymous profile stays listed.',
      });
    } else {
      setPending(null);
      setSaving(next);
      save.mutate(next);
    }
  };

  return (
    <Section id="my-consent" title="Your consent">
      <p className="mt-2 text-stone-800">You can change these at any time.</p>
      <fieldset className="mt-4 space-y-4" disabled={saving !== null}>
        <legend className="sr-only">Consents</legend>
        <label className="flex cursor-pointer items-start gap-3">
          <input
            type="checkbox"
            name="consentMarketplace"
            className="mt-1 size-5 shrink-0 accent-green-800"
            checked={marketplace}
            onChange={(e) => change({ marketplace: e.target.checked, enriched: e.target.checked && enriched })}
          />
          <span>
            <span className="font-semibold">List me in the anonymous skills marketplace</span>
            <span className="hint">Your profession, skills, LGA and experience; never your name or contact.</span>
          </span>
        </label>
        <label className={`flex items-start gap-3 ${marketplace ? 'cursor-pointer' : 'opacity-60'}`}>
          <input
            type="checkbox"
            name="consentEnriched"
            className="mt-1 size-5 shrink-0 accent-green-800"
            checked={enriched}
            disabled={!marketplace}
            aria-describedby="consent-enriched-hint"
            onChange={(e) => change({ marketplace, enriched: e.target.checked })}
          />
          <span>
            <span className="font-semibold">Show my name and contact details to registered employers</span>
            <span id="consent-enriched-hint" className="hint">
              {marketplace
                ? 'Each employer gives a reason, and you see below who looked and why.'
                : 'Only possible while you are listed in the marketplace.'}
            </span>
          </span>
        </label>
      </fieldset>
      {pending && (
        <div
          className="mt-4 rounded-md border-l-4 border-amber-500 bg-amber-50 p-4"
          role="alertdialog"
          aria-labelledby="consent-confirm-q"
          aria-describedby="consent-confirm-d"
          data-testid="consent-confirm"
        >
          <p id="consent-confirm-q" className="font-semibold">
            {pending.question}
          </p>
          <p id="consent-confirm-d" className="mt-1">
            {pending.detail}
          </p>
          <div className="mt-3 flex flex-wrap gap-3">
            <button
              type="button"
              className="btn-danger"
              aria-busy={save.isPending || undefined}
              onClick={() => {
                setSaving(pending.next);
                save.mutate(pending.next);
              }}
              autoFocus
            >
              Yes, withdraw
            </button>
            <button type="button" className="btn-secondary" onClick={() => setPending(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {save.isSuccess && (
        <p className="mt-3" role="status">
          Your consent was saved.{' '}
          {save.data.listed ? 'You are listed in the marketplace.' : 'You are not listed in the marketplace.'}
        </p>
      )}
      {save.isError && (
        <div className="mt-3">
          <Alert title="Your consent was not changed">
            <p>{validationIssues(save.error)[0]?.message ?? errorMessage(save.error)}</p>
          </Alert>
        </div>
      )}
    </Section>
  );
}

function BioEditor({ bio }: { bio: string | null }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState(bio ?? '');
  const save = useMutation({
    mutationFn: (next: string | null) => selfServiceApi.bio(next),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: marketplaceKeys.myRegistration });
      void queryClient.invalidateQueries({ queryKey: ['marketplace'] });
    },
  });
  const trimmed = text.trim();
  return (
    <Section id="my-bio" title="About you (shown on your profile)">
      <form
        className="mt-3 space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(trimmed || null);
        }}
      >
        <label htmlFor="my-bio-text" className="label">
          A few words for employers
        </label>
        <span id="my-bio-hint" className="hint">
          For example the work you do best and where you can travel to. No phone numbers or addresses: this is public.
          At most {BIO_MAX} characters ({BIO_MAX - text.length} left).
        </span>
        <textarea
          id="my-bio-text"
          name="bio"
          className="input min-h-24"
          maxLength={BIO_MAX}
          aria-describedby="my-bio-hint"
          value={text}
          onChange={(e) => {
            save.reset();
            setText(e.target.value);
          }}
        />
        {save.isError && (
          <Alert title="Your text was not saved">
            <p>{validationIssues(save.error)[0]?.message ?? errorMessage(save.error)}</p>
          </Alert>
        )}
        {save.isSuccess && <p role="status">Saved.</p>}
        <div className="flex flex-wrap gap-3">
          <button
            type="submit"
            className="btn-primary"
            aria-busy={save.isPending || undefined}
            disabled={trimmed === (bio ?? '')}
          >
            Save
          </button>
          {bio && (
            <button type="button" className="btn-secondary" onClick={() => save.mutate(null)}>
              Remove
            </button>
          )}
        </div>
      </form>
    </Section>
  );
}
