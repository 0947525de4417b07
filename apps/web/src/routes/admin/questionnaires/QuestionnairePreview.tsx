import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../../api/client';
import { forms, queryKeys } from '../../../api/endpoints';
import { Alert } from '../../../components/Alert';
import { Loading } from '../../../components/Loading';
import { PageHeading } from '../../../components/Page';
import { FormRenderer, type RendererMode } from '../../../forms/FormRenderer';
import { PreviewBoundary } from '../../../forms/PreviewBoundary';
import { displayValue } from '../../../forms/answers';
import type { Answers } from '../../../forms/engine';
import { useT } from '../../../i18n';
import { PreviewControls } from './PreviewControls';

/** A published version, as staff and the public will see it: to try it, nothing is sent. */
export default function QuestionnairePreview() {
  const { t } = useT();
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const asked = Number(params.get('version'));
  const version = Number.isInteger(asked) && asked > 0 ? asked : undefined;
  const query = useQuery({
    queryKey: queryKeys.formSchema(id, version),
    queryFn: ({ signal }) => forms.schema(id, version, signal),
    staleTime: 5 * 60_000,
  });
  const [answers, setAnswers] = useState<Answers>({});
  const [mode, setMode] = useState<RendererMode>('auto');
  const [completed, setCompleted] = useState<Answers | null>(null);

  const back = (
    <p className="mb-2">
      <Link to={`/admin/questionnaires/${id}`} className="link">
        {t('staff.admin.preview.back')}
      </Link>
    </p>
  );

  if (query.isPending) {
    return (
      <>
        {back}
        <PageHeading>{t('staff.admin.builder.preview')}</PageHeading>
        <Loading />
      </>
    );
  }
  if (query.isError) {
    const notFound = query.error instanceof ApiError && query.error.status === 404;
    return (
      <>
        {back}
        <PageHeading>{t('staff.admin.builder.preview')}</PageHeading>
        <div className="mt-6 max-w-2xl">
          {notFound ? (
            <p className="text-stone-800">
              {version ? t('staff.admin.preview.noSuchVersion', { version }) : t('staff.admin.preview.noVersion')}
            </p>
          ) : (
            <Alert title={t('staff.admin.preview.loadFailed')}>
              <p>{errorMessage(query.error)}</p>
            </Alert>
          )}
        </div>
      </>
    );
  }

  const { form } = query.data;
  const title = t('staff.admin.preview.title', { title: form.title, version: query.data.version });
  return (
    <div className="max-w-3xl">
      {back}
      <PageHeading title={t('staff.admin.preview.tabTitle', { title })}>{title}</PageHeading>
      <p className="mt-2 text-stone-800">{t('staff.admin.preview.intro')}</p>
      <div className="mt-4">
        <PreviewControls
          mode={mode}
          onModeChange={setMode}
          resetLabel={t('staff.admin.preview.startAgain')}
          onReset={() => {
            setAnswers({});
            setCompleted(null);
          }}
        />
      </div>
      <div className="mt-6">
        {completed ? (
          <section className="card space-y-3" aria-labelledby="done-heading">
            <h2 id="done-heading" className="text-xl font-bold" role="status">
              {t('staff.admin.preview.allPass')}
            </h2>
            <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
              {Object.entries(completed).map(([name, value]) => (
                <div key={name} className="contents">
                  <dt className="font-mono text-sm text-stone-700">{name}</dt>
                  <dd className="break-words">{displayValue(value)}</dd>
                </div>
              ))}
            </dl>
            <button type="button" className="btn-secondary" onClick={() => setCompleted(null)}>
              {t('staff.admin.preview.backToAnswers')}
            </button>
          </section>
        ) : (
          <PreviewBoundary resetKey={form}>
            <FormRenderer
              form={form}
              answers={answers}
              onChange={setAnswers}
              onComplete={(_answers, values) => setCompleted(values)}
              mode={mode}
              completeLabel={t('staff.admin.builder.checkAnswers')}
            />
          </PreviewBoundary>
        )}
      </div>
    </div>
  );
}
