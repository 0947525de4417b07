import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../../api/client';
import { queryKeys, questionnaires, type QuestionnaireSummary } from '../../../api/endpoints';
import { Alert } from '../../../components/Alert';
import { Loading } from '../../../components/Loading';
import { PageHeading } from '../../../components/Page';
import { DataTable, TableHead } from '../../../components/Table';
import { formatDateTime } from '../../../lib/format';
import { minimalForm } from './draft';
import { QuestionnaireStatusBadge, usageLabel } from './QuestionnaireStatus';
import { UsageSettings } from './UsageSettings';
import { XlsFormImport } from './XlsFormImport';

export default function QuestionnaireList() {
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
      <PageHeading>Questionnaires</PageHeading>
      <p className="mt-2 max-w-3xl text-stone-800">
        Build a questionnaire here or import an XLSForm, then publish it. Staff and the public answer the published
        version chosen under “Who uses which questionnaire”.
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
          New questionnaire
        </button>
      </div>
      {create.isError && (
        <div className="mt-4">
          <Alert title="Could not create a questionnaire">
            <p>{errorMessage(create.error)}</p>
          </Alert>
        </div>
      )}

      <section className="mt-6" aria-labelledby="list-heading">
        <h2 id="list-heading" className="sr-only">
          All questionnaires
        </h2>
        {list.isPending && <Loading label="Loading questionnaires…" />}
        {list.isError && (
          <Alert title="Could not load the questionnaires">
            <p>{errorMessage(list.error)}</p>
            <button type="button" className="btn-secondary mt-2" onClick={() => void list.refetch()}>
              Try again
            </button>
          </Alert>
        )}
        {list.data && list.data.items.length === 0 && (
          <p className="rounded-lg border border-dashed border-stone-400 bg-white p-8 text-center text-stone-800">
            No questionnaires yet. Create one, or import an XLSForm below.
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
  return (
    <DataTable caption="Questionnaires" className="rounded-lg border border-stone-300 bg-white">
      <TableHead
        columns={['Title', 'Form ID', 'Status', 'Latest version', 'Used by', 'Updated']}
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
                'None'
              ) : (
                <Link to={`/admin/questionnaires/${q.id}/preview?version=${q.latestVersion}`} className="link">
                  {q.latestVersion}
                  <span className="sr-only"> (preview {q.title})</span>
                </Link>
              )}
            </td>
            <td className="px-4 py-3">{usageLabel(q.usage)}</td>
            <td className="px-4 py-3 whitespace-nowrap">{formatDateTime(q.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
