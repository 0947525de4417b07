import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../../api/client';
import { queryKeys, questionnaires, type Questionnaire, type XlsFormIssue } from '../../../api/endpoints';
import { Success } from '../../../components/Alert';
import { FileUploadPanel } from '../../../components/FileUploadPanel';
import { IssueTable } from '../../../components/Table';
import { useT } from '../../../i18n';

function xlsFormIssues(error: unknown): XlsFormIssue[] {
  if (!(error instanceof ApiError) || error.code !== 'XLSFORM_INVALID') return [];
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter((i): i is XlsFormIssue => Boolean(i) && typeof i === 'object' && 'message' in i);
}

/** Upload an XLSForm: a new draft questionnaire, or the new draft of the one with the same form ID. */
export function XlsFormImport() {
  const { t } = useT();
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
      title={t('staff.admin.xlsform.title')}
      intro={
        <p className="text-stone-800">
          {t('staff.admin.xlsform.intro', {
            survey: 'survey',
            choices: 'choices',
            settings: 'settings',
            fromFile: 'select_one_from_file',
            pulldata: 'pulldata',
          })}
        </p>
      }
      label={t('staff.admin.xlsform.file')}
      hint={t('staff.admin.xlsform.fileHint')}
      accept=".xlsx,.xls,.zip,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,application/zip"
      rules={{
        missing: t('staff.admin.xlsform.missing'),
        extension: {
          pattern: /\.(xlsx|xls|zip)$/i,
          message: t('staff.admin.xlsform.extension'),
        },
        tooLarge: t('staff.admin.xlsform.tooLarge'),
      }}
      upload={upload}
      errorMessages={(error) =>
        xlsFormIssues(error).length > 0
          ? [errorMessage(error), t('staff.admin.xlsform.correct')]
          : [errorMessage(error)]
      }
      pendingLabel={t('staff.admin.import.importing')}
    >
      {issues.length > 0 && <XlsFormIssueTable caption={t('staff.admin.xlsform.problems')} issues={issues} />}
      {imported && (
        <Success
          title={
            imported.created
              ? t('staff.admin.xlsform.imported', { title: imported.questionnaire.title })
              : t('staff.admin.xlsform.importedDraft', {
                  title: imported.questionnaire.title,
                  formId: imported.questionnaire.formId,
                })
          }
        >
          <p>
            <Link to={`/admin/questionnaires/${imported.questionnaire.id}`} className="link">
              {t('staff.admin.xlsform.open', { title: imported.questionnaire.title })}
            </Link>
          </p>
          {imported.warnings.length > 0 && (
            <XlsFormIssueTable
              caption={t('staff.admin.xlsform.warnings', { count: imported.warnings.length })}
              issues={imported.warnings}
            />
          )}
        </Success>
      )}
    </FileUploadPanel>
  );
}

function XlsFormIssueTable({ caption, issues }: { caption: string; issues: XlsFormIssue[] }) {
  const { t } = useT();
  return (
    <IssueTable
      caption={caption}
      columns={[t('staff.admin.xlsform.colSheet'), t('staff.admin.xlsform.colRow'), t('staff.admin.xlsform.colColumn')]}
      issues={issues.map((issue, i) => ({
        key: `${issue.sheet}-${issue.row ?? ''}-${issue.column ?? ''}-${i}`,
        cells: [issue.sheet, issue.row ?? '—', issue.column ?? '—'],
        message: issue.message,
        code: issue.code,
      }))}
    />
  );
}
