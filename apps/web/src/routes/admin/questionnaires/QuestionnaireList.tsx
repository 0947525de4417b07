import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/client';
import { queryKeys, questionnaires, type QuestionnaireSummary } from '../../../api/endpoints';
import { Alert } from '../../../components/Alert';
import { Loading } from '../../../components/Loading';
import { PageHeading } from '../../../components/Page';
import { DataTable, TableHead } from '../../../components/Table';
import { useT } from '../../../i18n';
import { minimalForm } from './draft';
import { QuestionnaireStatusBadge, usageLabel } from './QuestionnaireStatus';
import { UsageSettings } from './UsageSettings';
import { XlsFormImport } from './XlsFormImport';

export default function QuestionnaireList() {
  const { t } = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: queryKeys.questionnaireList,
    queryFn: ({ signal }) => questionnaires.list(signal),
  });

  const create = useMutation({
    mutationFn: () => questionnaires.create(minimalForm()),
    onSuccess: ({ questionnaire }) => {
      queryClient.setQueryData(queryKeys.questionnaire(questionnaire.id), { questionnaire });
      void queryClient.invalidateQueries({ queryKey: queryKeys.questionnaireList });
      navigate(`/admin/questionnaires/${questionnaire.id}`);
    },
  });

  return (
    <>
      <PageHeading>{t('staff.admin.questionnaires.title')}</PageHeading>
      <p className="mt-2 max-w-3xl text-stone-800">
        {t('staff.admin.questionnaires.intro', { usage: t('staff.admin.questionnaires.usageHeading') })}
      </p>

      <div className="mt-6 flex flex-wrap items-center gap-3">
        <button
          type="button"
          className="btn-primary"
          aria-busy={create.isPending || undefined}
          onClick={() => {
            if (!create.isPending) create.mutate();
          }}
        >
          {t('staff.admin.questionnaires.new')}
        </button>
      </div>
      {create.isError && (
        <div className="mt-4">
          <Alert title={t('staff.admin.questionnaires.createFailed')}>
            <p>{errorMessage(create.error)}</p>
          </Alert>
        </div>
      )}

      <section className="mt-6" aria-labelledby="list-heading">
        <h2 id="list-heading" className="sr-only">
          {t('staff.admin.questionnaires.all')}
        </h2>
        {list.isPending && <Loading label={t('staff.admin.questionnaires.loading')} />}
        {list.isError && (
          <Alert title={t('staff.admin.questionnaires.loadFailed')}>
            <p>{errorMessage(list.error)}</p>
            <button type="button" className="btn-secondary mt-2" onClick={() => void list.refetch()}>
              {t('common.retry')}
            </button>
          </Alert>
        )}
        {list.data && list.data.items.length === 0 && (
          <p className="rounded-lg border border-dashed border-stone-400 bg-white p-8 text-center text-stone-800">
            {t('staff.admin.questionnaires.none')}
          </p>
        )}
        {list.data && list.data.items.length > 0 && <QuestionnaireTable items={list.data.items} />}
      </section>

      <div className="mt-8 grid gap-6 lg:grid-cols-2">
        <XlsFormImport />
        {list.data && <UsageSettings items={list.data.items} />}
      </div>
    </>
  );
}

function QuestionnaireTable({ items }: { items: QuestionnaireSummary[] }) {
  const { t, date } = useT();
  return (
    <DataTable caption={t('staff.admin.questionnaires.title')} className="rounded-lg border border-stone-300 bg-white">
      <TableHead
        columns={[
          t('staff.admin.builder.field.title'),
          t('staff.admin.builder.field.formId'),
          t('staff.admin.field.status'),
          t('staff.admin.questionnaires.colLatest'),
          t('staff.admin.questionnaires.colUsedBy'),
          t('staff.admin.questionnaires.colUpdated'),
        ]}
        className="bg-stone-100 text-stone-900"
        cellClassName="px-4 py-3 font-semibold whitespace-nowrap"
      />
      <tbody className="divide-y divide-stone-200">
        {items.map((q) => (
          <tr key={q.id} className="hover:bg-stone-50">
            <th scope="row" className="px-4 py-3 font-normal">
              <Link to={`/admin/questionnaires/${q.id}`} className="link">
                {q.title}
              </Link>
            </th>
            <td className="px-4 py-3 font-mono break-all">{q.formId}</td>
            <td className="px-4 py-3">
              <QuestionnaireStatusBadge status={q.status} />
            </td>
            <td className="px-4 py-3 tabular-nums">
              {q.latestVersion === null ? (
                t('staff.admin.questionnaires.noVersion')
              ) : (
                <Link to={`/admin/questionnaires/${q.id}/preview?version=${q.latestVersion}`} className="link">
                  {q.latestVersion}
                  <span className="sr-only"> ({t('staff.admin.questionnaires.previewOf', { title: q.title })})</span>
                </Link>
              )}
            </td>
            <td className="px-4 py-3">{usageLabel(q.usage)}</td>
            <td className="px-4 py-3 whitespace-nowrap">
              {date(q.updatedAt, { dateStyle: 'medium', timeStyle: 'short' })}
            </td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
