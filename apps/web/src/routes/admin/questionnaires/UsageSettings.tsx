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

/** Which questionnaire staff and the public answer. */
export function UsageSettings({ items }: { items: QuestionnaireSummary[] }) {
  const settings = useQuery({
    queryKey: queryKeys.questionnaireSettings,
    queryFn: ({ signal }) => questionnaires.settings(signal),
  });
  return (
    <section className="card space-y-4" aria-labelledby="usage-heading">
      <h2 id="usage-heading" className="text-xl font-bold">
        Who uses which questionnaire
      </h2>
      {settings.isPending && <Loading label="Loading the settings…" />}
      {settings.isError && (
        <Alert title="Could not load the settings">
          <p>{errorMessage(settings.error)}</p>
        </Alert>
      )}
      {settings.data && <UsageForm items={items} saved={settings.data.settings} />}
    </section>
  );
}

function UsageForm({ items, saved }: { items: QuestionnaireSummary[]; saved: QuestionnaireSettings }) {
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
    { value: '', label: 'None' },
    ...usable.map((q) => ({
      value: q.id,
      label: `${q.title}${q.latestVersion !== null ? ` (version ${q.latestVersion})` : ' (not published)'}${q.status === 'archived' ? ', archived' : ''}`,
    })),
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
      <p className="text-stone-800">
        Enumerators and clerks answer the staff questionnaire; the public registration wizard uses the public one. Each
        always gets its latest published version.
      </p>
      {usable.length === 0 && (
        <p className="text-stone-700">Publish a questionnaire first: only published questionnaires can be chosen.</p>
      )}
      {save.isError && (
        <Alert title="The usage was not saved">
          <p>{errorMessage(save.error)}</p>
        </Alert>
      )}
      {save.isSuccess && (
        <p role="status" className="rounded-md border-l-4 border-green-800 bg-green-50 p-3 font-semibold">
          Usage saved.
        </p>
      )}
      <SelectField
        label="Staff questionnaire"
        name="staffQuestionnaireId"
        value={staffId}
        options={options}
        onChange={(e) => {
          setStaffId(e.target.value);
          save.reset();
        }}
      />
      <SelectField
        label="Public questionnaire"
        name="publicQuestionnaireId"
        value={publicId}
        options={options}
        onChange={(e) => {
          setPublicId(e.target.value);
          save.reset();
        }}
      />
      <button type="submit" className="btn-primary" aria-busy={save.isPending || undefined}>
        Save usage
      </button>
    </form>
  );
}
