import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../../api/client';
import { queryKeys, questionnaires, type Questionnaire, type XlsFormIssue } from '../../../api/endpoints';
import { Success } from '../../../components/Alert';
import { FileUploadPanel } from '../../../components/FileUploadPanel';
import { IssueTable } from '../../../components/Table';
import { plural } from '../../../lib/format';

function xlsFormIssues(error: unknown): XlsFormIssue[] {
  if (!(error instanceof ApiError) || error.code !== 'XLSFORM_INVALID') return [];
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter((i): i is XlsFormIssue => Boolean(i) && typeof i === 'object' && 'message' in i);
}

/** Upload an XLSForm: a new draft questionnaire, or the new draft of the one with the same form ID. */
export function XlsFormImport() {
  const queryClient = useQueryClient();
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
      queryClient.setQueryData(queryKeys.questionnaire(questionnaire.id), { questionnaire });
      void queryClient.invalidateQueries({ queryKey: queryKeys.questionnaireList });
    },
  });

  const issues = xlsFormIssues(upload.error);

  return (
    <FileUploadPanel
      id="xlsform-file"
      title="Import an XLSForm"
      intro={
        <p className="text-stone-800">
          A workbook in the XLSForm standard (ODK, KoboToolbox): sheets <span className="font-mono">survey</span>,{' '}
          <span className="font-mono">choices</span> and <span className="font-mono">settings</span>, as .xlsx or an
          older .xls. A form whose lists come from CSV files (<span className="font-mono">select_one_from_file</span>,{' '}
          <span className="font-mono">pulldata</span>) is imported as one .zip holding the workbook and its CSV files.
          It becomes a new draft questionnaire.
        </p>
      }
      label="XLSForm file"
      hint="An .xlsx, .xls or .zip file, up to 10 MB."
      accept=".xlsx,.xls,.zip,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,application/zip"
      rules={{
        missing: 'Choose an XLSForm file (.xlsx, .xls or .zip) to import',
        extension: {
          pattern: /\.(xlsx|xls|zip)$/i,
          message: 'Choose an Excel workbook (.xlsx or .xls), or a .zip of the workbook and its CSV files',
        },
        tooLarge: 'This file is larger than 10 MB',
      }}
      upload={upload}
      errorMessages={(error) =>
        xlsFormIssues(error).length > 0
          ? [errorMessage(error), 'Correct these rows in the spreadsheet and import it again.']
          : [errorMessage(error)]
      }
      pendingLabel="Importing…"
    >
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
    </FileUploadPanel>
  );
}

function XlsFormIssueTable({ caption, issues }: { caption: string; issues: XlsFormIssue[] }) {
  return (
    <IssueTable
      caption={caption}
      columns={['Sheet', 'Row', 'Column']}
      issues={issues.map((issue, i) => ({
        key: `${issue.sheet}-${issue.row ?? ''}-${issue.column ?? ''}-${i}`,
        cells: [issue.sheet, issue.row ?? '—', issue.column ?? '—'],
        message: issue.message,
        code: issue.code,
      }))}
    />
  );
}
