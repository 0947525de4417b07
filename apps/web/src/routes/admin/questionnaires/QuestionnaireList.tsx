import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../../api/client';
import {
  queryKeys,
  questionnaires,
  type Questionnaire,
  type QuestionnaireSettings,
  type QuestionnaireSummary,
  type XlsFormIssue,
} from '../../../api/endpoints';
import { Alert, Success } from '../../../components/Alert';
import { SelectField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { PageHeading } from '../../../components/Page';
import { formatDateTime, plural } from '../../../lib/format';
import { minimalForm } from './draft';
import { QuestionnaireStatusBadge, usageLabel } from './QuestionnaireStatus';

const MAX_BYTES = 10 * 1024 * 1024;

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
        <ImportForm />
        {list.data && <UsageSettings items={list.data.items} />}
      </div>
    </>
  );
}

function QuestionnaireTable({ items }: { items: QuestionnaireSummary[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-stone-300 bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Questionnaires</caption>
        <thead className="bg-stone-100 text-stone-900">
          <tr>
            {['Title', 'Form ID', 'Status', 'Latest version', 'Used by', 'Updated'].map((h) => (
              <th key={h} scope="col" className="px-4 py-3 font-semibold whitespace-nowrap">
                {h}
              </th>
            ))}
          </tr>
        </thead>
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
      </table>
    </div>
  );
}

function xlsFormIssues(error: unknown): XlsFormIssue[] {
  if (!(error instanceof ApiError) || error.code !== 'XLSFORM_INVALID') return [];
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter((i): i is XlsFormIssue => Boolean(i) && typeof i === 'object' && 'message' in i);
}

function ImportForm() {
  const queryClient = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = useState<string>();
  const [imported, setImported] = useState<{
    questionnaire: Questionnaire;
    created: boolean;
    warnings: XlsFormIssue[];
  } | null>(null);

  const upload = useMutation({
    mutationFn: (file: File) => questionnaires.import(file),
    onMutate: () => setImported(null),
    onSuccess: ({ questionnaire, created, warnings }) => {
      setImported({ questionnaire, created, warnings: warnings ?? [] });
      if (fileRef.current) fileRef.current.value = '';
      queryClient.setQueryData(queryKeys.questionnaire(questionnaire.id), { questionnaire });
      void queryClient.invalidateQueries({ queryKey: queryKeys.questionnaireList });
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (upload.isPending) return;
    const file = fileRef.current?.files?.[0];
    let problem: string | undefined;
    if (!file) problem = 'Choose an XLSForm file (.xlsx) to import';
    else if (!/\.xlsx$/i.test(file.name)) problem = 'Choose an .xlsx file (Excel workbook)';
    else if (file.size === 0) problem = 'This file is empty';
    else if (file.size > MAX_BYTES) problem = 'This file is larger than 10 MB';
    setFileError(problem);
    if (problem || !file) return fileRef.current?.focus();
    upload.mutate(file);
  }

  const issues = xlsFormIssues(upload.error);

  return (
    <form noValidate onSubmit={onSubmit} className="card space-y-4" aria-labelledby="import-heading">
      <h2 id="import-heading" className="text-xl font-bold">
        Import an XLSForm
      </h2>
      <p className="text-stone-800">
        An .xlsx file in the XLSForm standard (ODK, KoboToolbox): sheets <span className="font-mono">survey</span>,{' '}
        <span className="font-mono">choices</span> and <span className="font-mono">settings</span>. It becomes a new
        draft questionnaire.
      </p>
      {upload.isError && (
        <Alert title="The file was not imported">
          <p>{errorMessage(upload.error)}</p>
          {issues.length > 0 && <p>Correct these rows in the spreadsheet and import it again.</p>}
        </Alert>
      )}
      {issues.length > 0 && <XlsFormIssueTable caption="Problems in the file" issues={issues} />}
      {imported && (
        <Success
          title={
            imported.created
              ? `Imported “${imported.questionnaire.title}”`
              : `Imported “${imported.questionnaire.title}” as the new draft of the questionnaire with form ID ${imported.questionnaire.formId}`
          }
        >
          <p>
            <Link to={`/admin/questionnaires/${imported.questionnaire.id}`} className="link">
              Open “{imported.questionnaire.title}” in the form builder
            </Link>
          </p>
          {imported.warnings.length > 0 && (
            <XlsFormIssueTable
              caption={`${plural(imported.warnings.length, 'warning', 'warnings')}: imported, but check these`}
              issues={imported.warnings}
            />
          )}
        </Success>
      )}
      <div>
        <label htmlFor="xlsform-file" className="label">
          XLSForm file
        </label>
        <span id="xlsform-file-hint" className="hint">
          An .xlsx file, up to 10 MB.
        </span>
        {fileError && (
          <span id="xlsform-file-error" role="alert" className="field-error">
            {fileError}
          </span>
        )}
        <input
          ref={fileRef}
          id="xlsform-file"
          name="file"
          type="file"
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          aria-invalid={fileError ? true : undefined}
          aria-describedby={fileError ? 'xlsform-file-hint xlsform-file-error' : 'xlsform-file-hint'}
          onChange={() => setFileError(undefined)}
          className="mt-2 block w-full text-base text-stone-900 file:mr-4 file:min-h-11 file:cursor-pointer file:rounded-md file:border file:border-stone-400 file:bg-white file:px-4 file:py-2 file:font-semibold file:text-stone-900 hover:file:bg-stone-100"
        />
      </div>
      <button type="submit" className="btn-primary" aria-busy={upload.isPending || undefined}>
        Import
      </button>
      {upload.isPending && (
        <p className="text-stone-800" aria-live="polite">
          Importing…
        </p>
      )}
    </form>
  );
}

function XlsFormIssueTable({ caption, issues }: { caption: string; issues: XlsFormIssue[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-stone-300">
      <table className="w-full text-left text-sm">
        <caption className="bg-stone-100 px-4 py-2 text-left font-semibold text-stone-900">{caption}</caption>
        <thead className="border-b border-stone-300">
          <tr>
            {['Sheet', 'Row', 'Column', 'Problem'].map((h) => (
              <th key={h} scope="col" className="px-3 py-2 font-semibold">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-200">
          {issues.map((issue, i) => (
            <tr key={`${issue.sheet}-${issue.row ?? ''}-${issue.column ?? ''}-${i}`}>
              <td className="px-3 py-2 font-mono">{issue.sheet}</td>
              <td className="px-3 py-2 tabular-nums">{issue.row ?? '—'}</td>
              <td className="px-3 py-2 font-mono">{issue.column ?? '—'}</td>
              <td className="px-3 py-2">
                {issue.message}
                <span className="mt-0.5 block font-mono text-xs text-stone-700">{issue.code}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function UsageSettings({ items }: { items: QuestionnaireSummary[] }) {
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
