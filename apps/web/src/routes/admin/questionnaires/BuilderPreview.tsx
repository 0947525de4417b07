import { memo, useMemo, useState } from 'react';
import { FormRenderer, type RendererMode } from '../../../forms/FormRenderer';
import { PreviewBoundary } from '../../../forms/PreviewBoundary';
import type { Answers, FormSchema } from '../../../forms/engine';
import { useT } from '../../../i18n';
import { allQuestionNames } from './draft';
import { PreviewControls } from './PreviewControls';

/** Drawn again only when the checked draft changes, not on every keystroke. */
export const BuilderPreview = memo(function BuilderPreview({
  form,
  compiles,
}: {
  form: FormSchema;
  compiles: boolean;
}) {
  const { t } = useT();
  const [answers, setAnswers] = useState<Answers>({});
  const [mode, setMode] = useState<RendererMode>('auto');
  const [done, setDone] = useState(false);
  // Answers to questions that were renamed or removed since they were typed are left behind.
  const known = useMemo(() => {
    const names = allQuestionNames(form);
    return Object.fromEntries(Object.entries(answers).filter(([name]) => names.has(name)));
  }, [form, answers]);
  return (
    <section
      aria-labelledby="preview-heading"
      className="card space-y-4 lg:sticky lg:top-20 lg:max-h-[calc(100dvh-6rem)] lg:overflow-y-auto"
    >
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="preview-heading" className="text-xl font-bold">
          {t('staff.admin.builder.preview')}
        </h2>
        <PreviewControls
          mode={mode}
          onModeChange={setMode}
          resetLabel={t('staff.admin.builder.clearAnswers')}
          onReset={() => {
            setAnswers({});
            setDone(false);
          }}
        />
      </div>
      <p className="text-sm text-stone-700">{t('staff.admin.builder.previewIntro')}</p>
      {done && (
        <p role="status" className="rounded-md border-l-4 border-green-800 bg-green-50 p-3 font-semibold">
          {t('staff.admin.builder.allPass')}
        </p>
      )}
      {compiles ? (
        <PreviewBoundary resetKey={form}>
          <FormRenderer
            form={form}
            answers={known}
            mode={mode}
            completeLabel={t('staff.admin.builder.checkAnswers')}
            onChange={(next) => {
              setAnswers(next);
              setDone(false);
            }}
            onComplete={() => setDone(true)}
          />
        </PreviewBoundary>
      ) : (
        <p className="rounded-md border border-dashed border-stone-400 p-6 text-center text-stone-800">
          {t('staff.admin.builder.fixToPreview')}
        </p>
      )}
    </section>
  );
});
