import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { lgaName } from '@oslrs/core';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage } from '../../api/client';
import { queryKeys, registry } from '../../api/endpoints';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';
import { RespondentSlipLink } from '../verify/DocumentLinks';
import { formatDate, formatDateTime } from '../../lib/format';
import { useT } from '../../i18n';
import { labelOf } from '../../lib/labels';
import { skillName } from '../../lib/taxonomy';
import { fraudSignalText } from '../review/reviewLabels';
import { DecisionPanel } from './DecisionPanel';
import { ASSESSORS, BandBadge, OVERSEERS, RespondentStatus, RoleGate, personName } from './shared';

/** One respondent: the record, its submissions with fraud scores, its history; the assessor's decision. */
export default function RespondentView() {
  const { t } = useT();
  return (
    <RoleGate roles={OVERSEERS} title={t('staff.respondent.title')}>
      <Respondent />
    </RoleGate>
  );
}

function Respondent() {
  const { t } = useT();
  const { id = '' } = useParams();
  const { user } = useAuth();
  const query = useQuery({ queryKey: queryKeys.respondent(id), queryFn: ({ signal }) => registry.get(id, signal) });
  if (query.isPending) return <Loading />;
  if (query.isError)
    return (
      <>
        <PageHeading>{t('staff.respondent.title')}</PageHeading>
        <div className="mt-6">
          <Alert title={t('staff.respondent.loadFailed')}>
            <p>{errorMessage(query.error)}</p>
          </Alert>
        </div>
      </>
    );
  const r = query.data.respondent;
  const canDecide = user && ASSESSORS.includes(user.role) && !r.verification.decision && r.status !== 'merged';
  return (
    <>
      <p>
        <Link to="/registry" className="link">
          {t('staff.registry.title')}
        </Link>
        {user && ASSESSORS.includes(user.role) && (
          <>
            {' · '}
            <Link to="/verification" className="link">
              {t('staff.verification.title')}
            </Link>
          </>
        )}
      </p>
      <PageHeading title={personName(r)}>
        <span className="break-words">{personName(r)}</span>
      </PageHeading>
      <p className="mt-3 flex flex-wrap items-center gap-2">
        <RespondentStatus status={r.status} />
        {r.verified && <span className="font-semibold text-green-900">{t('staff.respondent.verifiedBadge')}</span>}
        <span className="font-mono" data-testid="respondent-reference">
          {r.reference}
        </span>
        <RespondentSlipLink id={r.id} />
      </p>
      {r.mergedInto && (
        <p className="mt-3">
          {t('staff.respondent.mergedInto')}{' '}
          <Link to={`/registry/${r.mergedInto}`} className="link">
            {t('staff.respondent.anotherRecord')}
          </Link>
        </p>
      )}
      {r.verification.decision && (
        <p className="mt-3 break-words" data-testid="verification-summary">
          {t(r.verification.decision === 'verified' ? 'staff.respondent.verifiedOn' : 'staff.respondent.rejectedOn', {
            date: formatDateTime(r.verification.at),
          })}
          {r.verification.reason ? `: ${r.verification.reason}` : ''}
        </p>
      )}

      <section className="card mt-6" aria-labelledby="details-heading">
        <h2 id="details-heading" className="text-xl font-bold">
          {t('staff.respondent.details')}
        </h2>
        <dl className="mt-4 grid gap-x-6 gap-y-2 break-words sm:grid-cols-[max-content_1fr]">
          <dt className="font-semibold">NIN</dt>
          <dd>{r.nin ?? t('staff.respondent.ninMissing')}</dd>
          <dt className="font-semibold">{t('staff.respondent.phone')}</dt>
          <dd>{r.phone ?? '—'}</dd>
          <dt className="font-semibold">{t('staff.respondent.email')}</dt>
          <dd className="break-all">{r.email ?? '—'}</dd>
          <dt className="font-semibold">{t('staff.respondent.gender')}</dt>
          <dd>{r.gender ? labelOf(t, 'staff.respondent.genderValue', r.gender) : '—'}</dd>
          <dt className="font-semibold">{t('staff.respondent.dob')}</dt>
          <dd>{r.dob ?? '—'}</dd>
          <dt className="font-semibold">{t('staff.registry.lga')}</dt>
          <dd>{r.lga ? (lgaName(r.lga) ?? r.lga) : '—'}</dd>
          <dt className="font-semibold">{t('staff.respondent.occupation')}</dt>
          <dd>
            {r.mainOccupationSkill
              ? skillName(t, r.mainOccupationSkill, r.mainOccupation ?? undefined)
              : (r.mainOccupation ?? '—')}
          </dd>
          <dt className="font-semibold">{t('staff.respondent.skills')}</dt>
          <dd>{r.skills.length ? r.skills.map((slug) => skillName(t, slug)).join(', ') : '—'}</dd>
          <dt className="font-semibold">{t('staff.respondent.registered')}</dt>
          <dd>
            {t('staff.respondent.registeredThrough', {
              date: formatDate(r.createdAt),
              channel: labelOf(t, 'staff.registry.channel', r.source),
            })}
          </dd>
        </dl>
      </section>

      {canDecide && <DecisionPanel id={r.id} />}

      <section className="card mt-6" aria-labelledby="subs-heading">
        <h2 id="subs-heading" className="text-xl font-bold">
          {t('staff.respondent.submissions')}
        </h2>
        {r.submissions.length === 0 ? (
          <p className="mt-3">{t('common.none')}</p>
        ) : (
          <ul className="mt-3 divide-y divide-stone-200">
            {r.submissions.map((s) => (
              <li key={s.id} className="py-3">
                <p className="flex flex-wrap items-center gap-2">
                  <span>
                    {formatDateTime(s.completedAt)} · {labelOf(t, 'staff.registry.channel', s.channel)} ·{' '}
                    {labelOf(t, 'staff.respondent.submissionStatus', s.status)}
                  </span>
                  {s.fraud && <BandBadge band={s.fraud.band} score={s.fraud.score} />}
                </p>
                {s.fraud && s.fraud.signals.length > 0 && (
                  <ul className="mt-1 list-disc pl-6 text-sm break-words text-stone-800">
                    {s.fraud.signals.map((signal, i) => (
                      <li key={i}>{fraudSignalText(t, signal)}</li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card mt-6" aria-labelledby="history-heading">
        <h2 id="history-heading" className="text-xl font-bold">
          {t('staff.respondent.history')}
        </h2>
        <ol className="mt-3 space-y-2">
          {r.history.map((h, i) => (
            <li key={i} className="break-words">
              <span className="font-semibold">{labelOf(t, 'staff.respondent.action', h.action)}</span> ·{' '}
              {formatDateTime(h.at)}
              {h.actorRole
                ? ` · ${t('staff.respondent.byRole', { role: labelOf(t, 'common.role', h.actorRole) })}`
                : ''}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
