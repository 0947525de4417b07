import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../../api/client';
import { queryKeys, questionnaires, type Questionnaire } from '../../../api/endpoints';
import type { FieldError, FormSchema } from '../../../forms/engine';
import { t } from '../../../i18n';

/**
 * The problems an error names, at schema paths: FORM_INVALID's FieldError[], VALIDATION_FAILED's
 * { path, message }[], or a rule error's details.field (FORM_ID_TAKEN → formId).
 */
function formIssues(error: unknown): FieldError[] {
  if (!(error instanceof ApiError)) return [];
  const details = error.details as { issues?: unknown; field?: unknown } | undefined;
  if (typeof details?.field === 'string') return [{ field: details.field, code: error.code, message: error.message }];
  if (!Array.isArray(details?.issues)) return [];
  return details.issues.flatMap((issue): FieldError[] => {
    if (!issue || typeof issue !== 'object') return [];
    const { field, path, code, message } = issue as {
      field?: unknown;
      path?: unknown;
      code?: unknown;
      message?: unknown;
    };
    const where = typeof field === 'string' ? field : Array.isArray(path) ? path.join('.') : String(path ?? '');
    return [
      {
        field: where,
        code: typeof code === 'string' ? code : error.code,
        message: typeof message === 'string' ? message : t('staff.admin.builder.invalid'),
      },
    ];
  });
}

export type Notice =
  { kind: 'ok'; text: string } | { kind: 'error'; title: string; text: string; issues?: FieldError[] };

/**
 * The builder's writes: save the draft, publish it (saving unsaved changes first), archive. Each
 * reports through `setNotice`, closes the confirmation through `closeConfirm`, and refreshes the
 * questionnaire and the list.
 */
export function useBuilderActions({
  id,
  dirty,
  onSaved,
  setNotice,
  closeConfirm,
}: {
  id: string;
  dirty: boolean;
  /** The draft that is now the saved one. */
  onSaved: (form: FormSchema) => void;
  setNotice: (notice: Notice | null) => void;
  closeConfirm: () => void;
}) {
  const queryClient = useQueryClient();

  function afterWrite(next: Questionnaire) {
    queryClient.setQueryData(queryKeys.questionnaire(id), { questionnaire: next });
    void queryClient.invalidateQueries({ queryKey: queryKeys.questionnaireList });
  }

  async function saveDraft(form: FormSchema) {
    const result = await questionnaires.saveDraft(id, form);
    onSaved(form);
    afterWrite(result.questionnaire);
    return result;
  }

  const save = useMutation({
    mutationFn: (form: FormSchema) => saveDraft(form),
    onMutate: () => setNotice(null),
    onSuccess: (result) => {
      const count = result.issues.length;
      setNotice({
        kind: 'ok',
        text: count ? t('staff.admin.builder.savedWithProblems', { count }) : t('staff.admin.builder.saved'),
      });
    },
    onError: (error) =>
      setNotice({
        kind: 'error',
        title: t('staff.admin.builder.notSaved'),
        text: errorMessage(error),
        issues: formIssues(error),
      }),
  });

  const publish = useMutation({
    mutationFn: async (form: FormSchema) => {
      if (dirty) await saveDraft(form);
      return questionnaires.publish(id);
    },
    onMutate: () => setNotice(null),
    onSuccess: ({ version }) => {
      closeConfirm();
      setNotice({ kind: 'ok', text: t('staff.admin.builder.published', { version: version.version }) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.questionnaire(id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.questionnaireList });
    },
    onError: (error) => {
      closeConfirm();
      setNotice({
        kind: 'error',
        title: t('staff.admin.builder.notPublished'),
        text: errorMessage(error),
        issues: formIssues(error),
      });
    },
  });

  const archive = useMutation({
    mutationFn: () => questionnaires.archive(id),
    onMutate: () => setNotice(null),
    onSuccess: ({ questionnaire: next }) => {
      closeConfirm();
      afterWrite(next);
      setNotice({ kind: 'ok', text: t('staff.admin.builder.archived') });
    },
    onError: (error) => {
      closeConfirm();
      setNotice({ kind: 'error', title: t('staff.admin.builder.notArchived'), text: errorMessage(error) });
    },
  });

  return { save, publish, archive, busy: save.isPending || publish.isPending || archive.isPending };
}
