/**
 * The server state the public wizard and the clerk page share, as TanStack Query: which
 * questionnaire each channel answers, its published version, and a submission followed through
 * ingestion (polled with refetchInterval until the registry has ingested or rejected it).
 */
import { queryOptions, useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { SubmissionStatusView } from '@oslrs/core';
import { errorMessage } from '../../api/client';
import { forms, queryKeys, type PublishedForm } from '../../api/endpoints';
import { Alert } from '../../components/Alert';
import { useT } from '../../i18n';
import { collection } from './collection';

export const collectionKeys = {
  formSettings: ['forms', 'settings'] as const,
  submissionStatus: (id: string) => ['submissions', id, 'status'] as const,
};

/** Which questionnaire staff and the public answer (GET /forms); `enabled: false` waits. */
export function useFormSettings(enabled = true) {
  return useQuery({
    queryKey: collectionKeys.formSettings,
    queryFn: ({ signal }) => collection.formSettings(signal),
    staleTime: 60_000,
    enabled,
  });
}

/** A questionnaire's published version: the latest, or the one asked for. Waits for an id (and `enabled`). */
export function usePublishedForm(questionnaireId: string | null, version?: number, enabled = true) {
  return useQuery({
    queryKey: queryKeys.formSchema(questionnaireId ?? '', version),
    queryFn: ({ signal }) => forms.schema(questionnaireId!, version, signal),
    enabled: enabled && !!questionnaireId,
    staleTime: 5 * 60_000,
  });
}

/** Loading the questionnaire failed: say why, and offer to ask again. */
export function FormLoadProblem({
  settings,
  schema,
}: {
  settings: UseQueryResult<unknown>;
  schema: UseQueryResult<PublishedForm>;
}) {
  const { t } = useT();
  return (
    <Alert title={t('register.formLoad.failed')}>
      <p>{errorMessage(settings.error ?? schema.error)}</p>
      <button
        type="button"
        className="btn-secondary mt-3"
        onClick={() => void (settings.isError ? settings.refetch() : schema.refetch())}
      >
        {t('common.retry')}
      </button>
    </Alert>
  );
}

/**
 * A sent submission's status, looked at again after `delay(checks so far)` ms until the registry
 * has ingested or rejected it. Polling goes on in a background tab too: the person is waiting.
 */
export function submissionStatusQuery(id: string, delay: (checks: number) => number) {
  return queryOptions({
    queryKey: collectionKeys.submissionStatus(id),
    queryFn: ({ signal }) => collection.status(id, signal),
    refetchInterval: (query) =>
      isSettled(query.state.data) ? false : delay(query.state.dataUpdateCount + query.state.errorUpdateCount),
    refetchIntervalInBackground: true,
  });
}

/** The registry has finished with it: ingested or rejected. */
export function isSettled(view: SubmissionStatusView | undefined): view is SubmissionStatusView {
  return !!view && view.status !== 'received';
}
