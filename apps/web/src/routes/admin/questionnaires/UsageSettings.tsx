import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/client';
import {
  queryKeys,
  questionnaires,
  type QuestionnaireSettings,
  type QuestionnaireSummary,
} from '../../../api/endpoints';
import { Alert } from '../../../components/Alert';
import { SelectField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { useT } from '../../../i18n';

/** Which questionnaire staff and the public answer. */
export function UsageSettings({ items }: { items: QuestionnaireSummary[] }) {
  const { t } = useT();
  const settings = useQuery({
    queryKey: queryKeys.questionnaireSettings,
    queryFn: ({ signal }) => questionnaires.settings(signal),
  });
  return (
    <section className="card space-y-4" aria-labelledby="usage-heading">
      <h2 id="usage-heading" className="text-xl font-bold">
        {t('staff.admin.questionnaires.usageHeading')}
      </h2>
      {settings.isPending && <Loading label={t('staff.admin.questionnaires.usageLoading')} />}
      {settings.isError && (
        <Alert title={t('staff.admin.questionnaires.usageLoadFailed')}>
          <p>{errorMessage(settings.error)}</p>
        </Alert>
      )}
      {settings.data && <UsageForm items={items} saved={settings.data.settings} />}
    </section>
  );
}

function UsageForm({ items, saved }: { items: QuestionnaireSummary[]; saved: QuestionnaireSettings }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const [staffId, setStaffId] = useState(saved.staffQuestionnaireId ?? '');
  const [publicId, setPublicId] = useState(saved.publicQuestionnaireId ?? '');
  const save = useMutation({
    mutationFn: () =>
      questionnaires.saveSettings({ staffQuestionnaireId: staffId || null, publicQuestionnaireId: publicId || null }),
    onSuccess: (data) => {
      queryClient.setQueryData(queryKeys.questionnaireSettings, data);
      void queryClient.invalidateQueries({ queryKey: queryKeys.questionnaireList });
    },
  });

  // Only a questionnaire with a published version can be answered; the current choice stays listed.
  const usable = items.filter(
    (q) => (q.latestVersion !== null && q.status !== 'archived') || q.id === staffId || q.id === publicId,
  );
  const options = [
    { value: '', label: t('staff.admin.questionnaires.usageNone') },
    ...usable.map((q) => {
      const version =
        q.latestVersion !== null
          ? t('staff.admin.questionnaires.optionVersion', { version: q.latestVersion })
          : t('staff.admin.questionnaires.optionUnpublished');
      return {
        value: q.id,
        label: `${q.title} (${version})${q.status === 'archived' ? `, ${t('staff.admin.questionnaires.optionArchived')}` : ''}`,
      };
    }),
  ];

  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (!save.isPending) save.mutate();
      }}
    >
      <p className="text-stone-800">{t('staff.admin.questionnaires.usageIntro')}</p>
      {usable.length === 0 && <p className="text-stone-700">{t('staff.admin.questionnaires.usagePublishFirst')}</p>}
      {save.isError && (
        <Alert title={t('staff.admin.questionnaires.usageNotSaved')}>
          <p>{errorMessage(save.error)}</p>
        </Alert>
      )}
      {save.isSuccess && (
        <p role="status" className="rounded-md border-l-4 border-green-800 bg-green-50 p-3 font-semibold">
          {t('staff.admin.questionnaires.usageSaved')}
        </p>
      )}
      <SelectField
        label={t('staff.admin.questionnaires.staffQuestionnaire')}
        name="staffQuestionnaireId"
        value={staffId}
        options={options}
        onChange={(e) => {
          setStaffId(e.target.value);
          save.reset();
        }}
      />
      <SelectField
        label={t('staff.admin.questionnaires.publicQuestionnaire')}
        name="publicQuestionnaireId"
        value={publicId}
        options={options}
        onChange={(e) => {
          setPublicId(e.target.value);
          save.reset();
        }}
      />
      <button type="submit" className="btn-primary" aria-busy={save.isPending || undefined}>
        {t('staff.admin.questionnaires.usageSave')}
      </button>
    </form>
  );
}
