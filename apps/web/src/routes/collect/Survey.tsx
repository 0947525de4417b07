import { useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useAuth } from '../../auth/AuthContext';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';
import { FormRenderer, type RendererPosition } from '../../forms/FormRenderer';
import { labelText } from '../../forms/QuestionField';
import type { Answers } from '../../forms/engine';
import { formQuestions } from '../../forms/level';
import { fieldKeys } from '../../offline/hooks';
import { getDraft, getForm, patchDraft, queueDraft, respondentSummary, saveDraft } from '../../offline/store';
import { syncNow } from '../../offline/sync';
import type { Draft, Gps, StoredForm } from '../../offline/types';
import type { CollectFlash } from './CollectHome';
import { useT } from '../../i18n';
import { Review } from './Review';

/** One survey, one question per screen; every answer and every move is saved on the device at once. */
export default function Survey() {
  const { draftId = '' } = useParams();
  const { user } = useAuth();
  const { t } = useT();
  const query = useQuery({
    queryKey: fieldKeys.draft(draftId),
    queryFn: async () => {
      const draft = await getDraft(draftId);
      if (!draft) return { draft: null, form: null };
      return { draft, form: (await getForm(draft.questionnaireVersionId)) ?? null };
    },
    networkMode: 'always',
    retry: false,
    staleTime: Infinity,
    // Read afresh from the device each time the page opens: the editor below owns the draft meanwhile.
    gcTime: 0,
  });

  const back = (
    <p className="mb-2">
      <Link to="/collect" className="link">
        {t('collect.survey.back')}
      </Link>
    </p>
  );
  if (query.isPending) return <Loading label={t('collect.survey.opening')} />;
  if (query.isError) {
    return (
      <>
        {back}
        <PageHeading>{t('collect.survey.title')}</PageHeading>
        <div className="mt-4">
          <Alert title={t('collect.survey.openFailed')}>
            <p>{t('collect.survey.openFailedBody')}</p>
          </Alert>
        </div>
      </>
    );
  }
  const { draft, form } = query.data;
  if (!draft || draft.userId !== user?.id) {
    return (
      <>
        {back}
        <PageHeading>{t('collect.survey.gone')}</PageHeading>
        <p className="mt-4 text-stone-800">{t('collect.survey.goneBody')}</p>
      </>
    );
  }
  if (!form) {
    return (
      <>
        {back}
        <PageHeading>{t('collect.survey.title')}</PageHeading>
        <div className="mt-4">
          <Alert title={t('collect.survey.formMissing')}>
            <p>{t('collect.survey.formMissingBody')}</p>
          </Alert>
        </div>
      </>
    );
  }
  return <SurveyEditor key={draft.id} initial={draft} stored={form} />;
}

function SurveyEditor({ initial, stored }: { initial: Draft; stored: StoredForm }) {
  const navigate = useNavigate();
  const { t } = useT();
  const form = stored.form;
  const [draft, setDraft] = useState(initial);
  // The newest draft, for changes made in one go (the renderer reports answers, then completion).
  const latest = useRef(initial);
  const [saved, setSaved] = useState<'saved' | 'failed' | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);

  const labels = useMemo(
    () =>
      new Map([
        ...form.sections.map((s) => [s.name, s.label ?? ''] as const),
        ...formQuestions(form).map((q) => [q.name, labelText(q)] as const),
      ]),
    [form],
  );

  function commit(change: (draft: Draft) => Draft) {
    const next: Draft = { ...change(latest.current), updatedAt: new Date().toISOString() };
    latest.current = next;
    setDraft(next);
    saveDraft(next).then(
      () => setSaved('saved'),
      () => setSaved('failed'),
    );
  }

  // GPS once per survey, never waited for: the survey goes on (and is sent) without it.
  const gpsFound = useEffectEvent((gps: Gps, active: boolean) => {
    if (active) commit((d) => (d.gps ? d : { ...d, gps }));
    else void patchDraft(initial.id, (d) => (d.gps ? d : { ...d, gps }));
  });
  useEffect(() => {
    if (initial.gps || !('geolocation' in navigator)) return;
    let active = true;
    navigator.geolocation.getCurrentPosition(
      (position) =>
        gpsFound(
          {
            lat: position.coords.latitude,
            lng: position.coords.longitude,
            accuracy: Math.round(position.coords.accuracy * 10) / 10,
          },
          active,
        ),
      () => {
        // Refused or not found: the submission simply carries no GPS.
      },
      { enableHighAccuracy: true, timeout: 60_000, maximumAge: 5 * 60_000 },
    );
    return () => {
      active = false;
    };
  }, [initial.id, initial.gps]);

  function onChange(answers: Answers) {
    commit((d) => ({ ...d, answers, summary: respondentSummary(form, answers), stage: 'questions', final: undefined }));
  }

  function onPositionChange(position: RendererPosition) {
    commit((d) => ({
      ...d,
      position,
      at: { number: position.index + 1, label: position.name ? (labels.get(position.name) ?? '') : '' },
    }));
  }

  function onComplete(answers: Answers, values: Answers) {
    commit((d) => ({ ...d, answers, final: { answers, values }, stage: 'review' }));
    requestAnimationFrame(() => document.getElementById('review-heading')?.focus());
  }

  function edit(name?: string) {
    commit((d) => ({ ...d, stage: 'questions', position: name ? { name, index: d.position.index } : d.position }));
  }

  async function submit() {
    if (submitting) return;
    setSubmitting(true);
    setSubmitError(null);
    const current = latest.current;
    try {
      await queueDraft(current, current.summary ?? '');
    } catch {
      setSubmitting(false);
      setSubmitError(t('collect.survey.queueFailed'));
      return;
    }
    void syncNow();
    navigate('/collect', { replace: true, state: { queued: current.summary ?? '' } satisfies CollectFlash });
  }

  const who = draft.summary;
  return (
    <div>
      <p className="mb-2">
        <Link to="/collect" className="link">
          {t('collect.survey.back')}
        </Link>
        <span className="text-sm text-stone-700"> {t('collect.survey.answersKept')}</span>
      </p>
      <PageHeading
        title={t('collect.survey.tabTitle', { title: form.title })}
        className="text-xl text-stone-900 sm:text-2xl"
      >
        {who ? t('collect.survey.of', { name: who }) : t('collect.survey.new')}
      </PageHeading>
      <p className="mt-1 text-sm text-stone-700">
        {t('collect.survey.formVersion', { title: form.title, version: stored.version })}
      </p>
      {draft.replaces && (
        <div className="mt-3 rounded-lg border border-amber-600 bg-amber-50 p-3" data-correcting={draft.replaces}>
          <p className="font-semibold">{t('collect.survey.correcting')}</p>
          {draft.correctionComment && (
            <p className="break-words text-stone-900">
              {t('collect.survey.supervisorComment', { comment: draft.correctionComment })}
            </p>
          )}
        </div>
      )}
      <div className="card mt-4">
        {draft.stage === 'review' && draft.final ? (
          <Review
            form={form}
            values={draft.final.values}
            submitting={submitting}
            error={submitError}
            onEdit={edit}
            onSubmit={() => void submit()}
          />
        ) : (
          <FormRenderer
            form={form}
            answers={draft.answers}
            mode="paged"
            completeLabel={t('collect.survey.reviewAnswers')}
            position={draft.position}
            onPositionChange={onPositionChange}
            onChange={onChange}
            onComplete={onComplete}
          />
        )}
      </div>
      <p className="mt-3 text-xs text-stone-600" data-saved={saved ?? ''}>
        {saved === 'failed' ? t('collect.survey.saveFailed') : saved === 'saved' ? t('collect.survey.saved') : ''}
        {draft.gps ? ` ${t('collect.survey.gps', { metres: Math.round(draft.gps.accuracy) })}` : ''}
      </p>
    </div>
  );
}
