import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MyRegistration as Registration } from '@oslrs/core';
import { errorMessage, validationIssues } from '../../api/client';
import { marketplaceKeys, selfServiceApi, type Consent } from '../../api/marketplace';
import { Alert } from '../../components/Alert';
import { useT } from '../../i18n';
import { formatDate, formatDateTime } from '../../lib/format';
import { ProfileCard } from '../marketplace/ProfileCard';
import { MySlipLinks } from '../verify/DocumentLinks';
import { experienceName, skillName } from '../../lib/taxonomy';

const BIO_MAX = 280;

/** A stored code as words: "self_employed" → "Self employed". */
const words = (s: string) => {
  const text = s.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
};

/** The catalogue's words for a stored code (`<prefix>.<code>`), else the code as words. */
function useCodeText(): (prefix: string, code: string) => string {
  const { t } = useT();
  return (prefix, code) => {
    const id = `${prefix}.${code}`;
    const text = t(id);
    return text === id ? words(code) : text;
  };
}

/** A resident's own registration: their record, their consents, their profile and who saw their contact. */
export function MyRegistration() {
  const { t } = useT();
  const query = useQuery({
    queryKey: marketplaceKeys.myRegistration,
    queryFn: ({ signal }) => selfServiceApi.registration(signal),
  });
  if (query.isPending) return <p className="mt-6">{t('account.my.loading')}</p>;
  if (query.isError) {
    return (
      <div className="mt-6">
        <Alert title={t('account.my.loadFailed')}>
          <p>{errorMessage(query.error)}</p>
          <button type="button" className="btn-secondary mt-3" onClick={() => void query.refetch()}>
            {t('common.retry')}
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
          {t('account.my.title')}
        </h2>
        <p className="mt-2">{t('account.my.notRegistered')}</p>
        <p className="mt-4">
          <Link to="/register" className="btn-primary">
            {t('account.my.register')}
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
  const { t } = useT();
  const code = useCodeText();
  const rec = r.record;
  const pending = r.corrections.some((c) => c.status === 'pending');
  return (
    <div data-testid="my-registration">
      <Section id="my-registration" title={t('account.my.title')}>
        <Facts
          rows={[
            [
              t('account.my.status'),
              <span data-testid="registration-status">{code('account.my.statusWord', r.status)}</span>,
            ],
            [
              t('account.my.reference'),
              <span className="font-mono break-all" data-testid="registration-reference">
                {r.reference}
              </span>,
            ],
            [t('account.my.registeredOn'), formatDate(r.registeredAt)],
            [t('account.my.verified'), r.verified ? t('account.my.yes') : t('account.my.notYet')],
          ]}
        />
        <p className="mt-4 text-sm text-stone-700">{t('account.my.quoteReference')}</p>
        <MySlipLinks />
      </Section>

      <Section id="my-record" title={t('account.my.record')}>
        <Facts
          rows={[
            [t('account.my.surname'), rec.surname],
            [t('account.my.firstname'), rec.firstname],
            [t('account.my.gender'), rec.gender && code('account.my.genderWord', rec.gender)],
            [t('account.my.dob'), rec.dob && formatDate(`${rec.dob.slice(0, 10)}T12:00:00Z`)],
            [t('account.my.phone'), rec.phone],
            [t('account.my.email'), rec.email],
            [t('account.my.nin'), rec.nin ?? t('account.my.ninMissing')],
            [t('account.my.lga'), rec.lga?.name],
            [
              t('account.my.occupation'),
              rec.mainOccupationSkill
                ? skillName(t, rec.mainOccupationSkill, rec.mainOccupation ?? undefined)
                : rec.mainOccupation,
            ],
            [t('account.my.employment'), rec.employmentType && code('account.my.employmentWord', rec.employmentType)],
            [
              t('account.my.experience'),
              rec.experienceBand
                ? experienceName(t, rec.experienceBand, rec.experience ?? undefined)
                : rec.experience && words(rec.experience),
            ],
            [
              t('account.my.skills'),
              rec.skills.length
                ? rec.skills.map((s) => skillName(t, s.slug, s.label)).join(', ')
                : t('account.my.noSkills'),
            ],
          ]}
        />
        <p className="mt-4">
          {pending ? (
            <span className="text-stone-800">{t('account.my.correctionWaiting')}</span>
          ) : (
            <Link to="/app/correction" className="link font-semibold" data-testid="request-correction">
              {t('account.my.requestCorrection')}
            </Link>
          )}
        </p>
        {r.corrections.length > 0 && (
          <>
            <h3 className="mt-6 text-lg font-bold">{t('account.my.corrections')}</h3>
            <ul className="mt-2 divide-y divide-stone-200" data-testid="corrections">
              {r.corrections.map((c) => (
                <li key={c.id} className="py-2">
                  <p>
                    <span className="font-semibold">{code('account.my.correctionState', c.status)}</span> ·{' '}
                    {t('account.my.sentOn', { when: formatDateTime(c.submittedAt) })}
                  </p>
                  {c.comment && (
                    <p className="text-stone-700">{t('account.my.registryComment', { comment: c.comment })}</p>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
      </Section>

      <ConsentPanel registration={r} />
      {r.consent.marketplace && <BioEditor bio={r.bio} />}

      <Section id="my-profile" title={t('account.my.profile')}>
        {r.profile ? (
          <div className="mt-4">
            <ProfileCard profile={r.profile} headingLevel="h3" />
            <p className="mt-3">
              <Link to={`/marketplace/profiles/${r.profile.id}`} className="link" data-testid="my-public-profile">
                {t('account.my.openProfile')}
              </Link>
            </p>
          </div>
        ) : (
          <p className="mt-2" data-testid="no-profile">
            {r.profileNote
              ? t(`account.my.profileNote.${r.profileNote}`)
              : r.consent.marketplace
                ? t('account.my.notListedYet')
                : t('account.my.notListed')}
          </p>
        )}
      </Section>

      <Section id="my-reveals" title={t('account.my.reveals')}>
        {r.reveals.length === 0 ? (
          <p className="mt-2">{t('account.my.noReveals')}</p>
        ) : (
          <ul className="mt-2 divide-y divide-stone-200" data-testid="my-reveals">
            {r.reveals.map((v, i) => (
              <li key={`${v.at}-${i}`} className="py-3">
                <p>
                  <span className="font-semibold">{v.searcherName}</span>
                  {v.organisation ? ` (${v.organisation})` : ''} · {formatDateTime(v.at)}
                </p>
                <p className="break-words text-stone-700">{t('account.my.revealReason', { reason: v.purpose })}</p>
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
  const { t } = useT();
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
        question: t('account.consent.withdrawQuestion'),
        detail: t('account.consent.withdrawDetail'),
      });
    } else if (enriched && !next.enriched) {
      setPending({
        next,
        question: t('account.consent.stopSharingQuestion'),
        detail: t('account.consent.stopSharingDetail'),
      });
    } else {
      setPending(null);
      setSaving(next);
      save.mutate(next);
    }
  };

  return (
    <Section id="my-consent" title={t('account.consent.title')}>
      <p className="mt-2 text-stone-800">{t('account.consent.anyTime')}</p>
      <fieldset className="mt-4 space-y-4" disabled={saving !== null}>
        <legend className="sr-only">{t('account.consent.legend')}</legend>
        <label className="flex cursor-pointer items-start gap-3">
          <input
            type="checkbox"
            name="consentMarketplace"
            className="mt-1 size-5 shrink-0 accent-green-800"
            checked={marketplace}
            onChange={(e) => change({ marketplace: e.target.checked, enriched: e.target.checked && enriched })}
          />
          <span>
            <span className="font-semibold">{t('account.consent.marketplace')}</span>
            <span className="hint">{t('account.consent.marketplaceHint')}</span>
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
            <span className="font-semibold">{t('account.consent.enriched')}</span>
            <span id="consent-enriched-hint" className="hint">
              {marketplace ? t('account.consent.enrichedHint') : t('account.consent.enrichedOff')}
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
              {t('account.consent.confirm')}
            </button>
            <button type="button" className="btn-secondary" onClick={() => setPending(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
      {save.isSuccess && (
        <p className="mt-3" role="status">
          {t('account.consent.saved')} {save.data.listed ? t('account.consent.listed') : t('account.consent.unlisted')}
        </p>
      )}
      {save.isError && (
        <div className="mt-3">
          <Alert title={t('account.consent.failed')}>
            <p>{validationIssues(save.error)[0]?.message ?? errorMessage(save.error)}</p>
          </Alert>
        </div>
      )}
    </Section>
  );
}

function BioEditor({ bio }: { bio: string | null }) {
  const { t } = useT();
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
    <Section id="my-bio" title={t('account.bio.title')}>
      <form
        className="mt-3 space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(trimmed || null);
        }}
      >
        <label htmlFor="my-bio-text" className="label">
          {t('account.bio.label')}
        </label>
        <span id="my-bio-hint" className="hint">
          {t('account.bio.hint', { max: BIO_MAX, left: BIO_MAX - text.length })}
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
          <Alert title={t('account.bio.failed')}>
            <p>{validationIssues(save.error)[0]?.message ?? errorMessage(save.error)}</p>
          </Alert>
        )}
        {save.isSuccess && <p role="status">{t('account.bio.saved')}</p>}
        <div className="flex flex-wrap gap-3">
          <button
            type="submit"
            className="btn-primary"
            aria-busy={save.isPending || undefined}
            disabled={trimmed === (bio ?? '')}
          >
            {t('common.save')}
          </button>
          {bio && (
            <button type="button" className="btn-secondary" onClick={() => save.mutate(null)}>
              {t('account.bio.remove')}
            </button>
          )}
        </div>
      </form>
    </Section>
  );
}
